package app

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// TestWrongSecretRefused: a window node whose PANJEREH_SECRET is not the
// one its database's signing keys were sealed under (or that has none,
// and would make its own) is refused by the check made before the
// migrations, with what to do; the right secret passes, and so does a
// database without keys, new or migrated.
func TestWrongSecretRefused(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	db := sqldbtest.OpenEmpty(t)
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Secret = strings.Repeat("ab", 32)
	if err := checkSecret(cfg)(ctx, db); err != nil {
		t.Fatalf("a new database: %v", err)
	}
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := checkSecret(cfg)(ctx, db); err != nil {
		t.Fatalf("a database without keys: %v", err)
	}

	// The first window makes the signing keys and seals them.
	secret, err := loadSecret(cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc := &identity.Service{DB: db, Secret: secret, Policy: identity.DefaultPolicy(), Logger: log}
	al := &audit.Log{DB: db, Logger: log}
	t.Cleanup(func() { al.Close(context.Background()) })
	if _, err := openSSO(ctx, log, db, &access{service: svc, handler: &identity.Handler{Service: svc}, audit: al}, "http://127.0.0.1:1"); err != nil {
		t.Fatal(err)
	}
	if err := checkSecret(cfg)(ctx, db); err != nil {
		t.Errorf("the secret the keys were sealed under: %v", err)
	}

	other := cfg
	other.Secret = strings.Repeat("cd", 32)
	none := config.Default()
	none.DataDir = t.TempDir()
	for name, c := range map[string]config.Config{"another secret": other, "no secret": none} {
		err := checkSecret(c)(ctx, db)
		if !errors.Is(err, oidc.ErrKeySealBroken) || !strings.Contains(err.Error(), "same PANJEREH_SECRET") {
			t.Errorf("%s: %v, want ErrKeySealBroken saying what to do", name, err)
		}
	}
}

// TestCheckBeforeMigrating: a start whose check of the database fails
// leaves the database as it found it, unmigrated.
func TestCheckBeforeMigrating(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	refused := errors.New("refused")
	if _, err := openCheckedDB(ctx, cfg, slog.New(slog.DiscardHandler), func(context.Context, *sqldb.DB) error { return refused }); !errors.Is(err, refused) {
		t.Fatalf("got %v, want the check's error", err)
	}
	db, err := sqldb.Open(ctx, cfg.DatabaseDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, table := range []string{"oidc_keys", "identity_accounts"} {
		if ok, err := db.HasTable(ctx, table); err != nil || ok {
			t.Errorf("table %s after the refused start: %v, %v", table, ok, err)
		}
	}
	if _, err := openCheckedDB(ctx, cfg, slog.New(slog.DiscardHandler), nil); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.HasTable(ctx, "oidc_keys"); err != nil || !ok {
		t.Errorf("table oidc_keys after a start: %v, %v", ok, err)
	}
}
