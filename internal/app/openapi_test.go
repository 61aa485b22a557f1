package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/panjereh/panjereh/api"
	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/sqldb"
)

// startWindowOnly starts the window alone on 127.0.0.1, as the demo
// would (demo) or as serve, on db with cfg, until the test ends.
func startWindowOnly(t *testing.T, cfg config.Config, db *sqldb.DB, demo bool) *stack {
	t.Helper()
	st := &stack{servers: []*server{{name: "window", addr: "127.0.0.1:0"}}}
	if err := listen(st.servers); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, s := range st.servers {
			s.ln.Close()
		}
		st.close()
		st.window.Close(context.Background())
	})
	if err := st.startWindow(context.Background(), cfg, slog.New(slog.DiscardHandler), db, demo, io.Discard); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestWindowOpenAPIMatchesRoutes: every API route the demo's window
// serves is in api/window.yaml, every operation there is served, and the
// browser endpoints it describes answer.
func TestWindowOpenAPIMatchesRoutes(t *testing.T) {
	cfg, db := demoSetup(t)
	st := startWindowOnly(t, cfg, db, true)
	problems, err := api.CheckRoutes(api.Window, st.window.APIRoutes())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}

	ops, err := api.Operations(api.Window)
	if err != nil {
		t.Fatal(err)
	}
	h := st.window.Handler()
	for _, o := range ops {
		if !o.Browser {
			continue
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(o.Method, o.Path, nil))
		if rec.Code == http.StatusNotFound || rec.Code == http.StatusMethodNotAllowed {
			t.Errorf("browser endpoint %s %s answered %d", o.Method, o.Path, rec.Code)
		}
	}

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.yaml", nil))
	want, _ := api.Raw(api.Window)
	if body, _ := io.ReadAll(rec.Body); rec.Code != http.StatusOK || string(body) != string(want) {
		t.Errorf("GET /api/openapi.yaml: %d, %d bytes", rec.Code, len(body))
	}
}
