package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/internal/web"
)

// The development sink's page lists every one-time code: only the demo
// serves it, even when a server is started with PANJEREH_SMS=dev.
func TestDevSMSPageOnlyInTheDemo(t *testing.T) {
	ctx := context.Background()
	cfg, db := demoSetup(t)
	log := slog.New(slog.DiscardHandler)
	for _, demo := range []bool{false, true} {
		a, err := openAccess(ctx, cfg, log, db, "https://127.0.0.1:1", demo, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		m, err := web.New(web.Options{Logger: log, DB: db, StatsFlushInterval: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		a.mount(m)
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/dev/sms.json", nil))
		want := http.StatusNotFound
		if demo {
			want = http.StatusOK
		}
		if rec.Code != want {
			t.Errorf("demo %v: /dev/sms.json answered %d, want %d", demo, rec.Code, want)
		}
		m.Close(ctx)
		a.close()
	}
}

// demoSetup is a configuration with the development SMS sink and a data
// directory holding the platform CA, and a database with the demo's
// certificates recorded.
func demoSetup(t *testing.T) (config.Config, *sqldb.DB) {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.SMS = "dev"
	db := sqldbtest.Open(t)
	if _, err := ensureCA(cfg); err != nil {
		t.Fatal(err)
	}
	if err := ensureDemoCert(context.Background(), cfg, db); err != nil {
		t.Fatal(err)
	}
	return cfg, db
}
