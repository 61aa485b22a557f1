// Package sqldbtest gives each test a fresh, migrated store: a SQLite file
// in the test's temporary directory, or a fresh PostgreSQL schema when the
// environment variable PANJEREH_TEST_POSTGRES holds a DSN.
package sqldbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// EnvPostgres names the variable that switches tests to PostgreSQL.
const EnvPostgres = "PANJEREH_TEST_POSTGRES"

// Open returns a fresh, migrated store that is closed (and, on PostgreSQL,
// dropped) when the test ends.
func Open(t testing.TB) *sqldb.DB {
	t.Helper()
	db := OpenEmpty(t)
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// OpenEmpty is Open without the migrations.
func OpenEmpty(t testing.TB) *sqldb.DB {
	t.Helper()
	ctx := context.Background()
	dsn := os.Getenv(EnvPostgres)
	if dsn == "" {
		db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
		if err != nil {
			t.Fatalf("open sqlite: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	schema := "t_" + randomHex(8)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("postgres at %s: create schema: %v", EnvPostgres, err)
	}
	db, err := sqldb.Open(ctx, WithSearchPath(dsn, schema))
	if err != nil {
		t.Fatalf("open postgres schema: %v", err)
	}
	t.Cleanup(func() {
		db.Close()
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	return db
}

// Backend names the backend tests run on: "sqlite" or "postgres".
func Backend() string {
	if os.Getenv(EnvPostgres) != "" {
		return "postgres"
	}
	return "sqlite"
}

// WithSearchPath returns dsn with its search_path set to schema.
func WithSearchPath(dsn, schema string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// DSN returns a DSN that opens the same database as db (for a second
// node, or a command run from a test), which Open or OpenEmpty gave.
func DSN(t testing.TB, db *sqldb.DB) string {
	t.Helper()
	if db.Dialect == sqldb.Postgres {
		return WithSearchPath(os.Getenv(EnvPostgres), db.Schema)
	}
	var file string
	if err := db.Read.QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
		t.Fatal(err)
	}
	return "sqlite:" + file
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
