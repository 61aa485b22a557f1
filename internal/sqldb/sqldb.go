package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotFound is returned, wrapped, when a query that must find one row finds none.
var ErrNotFound = errors.New("not found")

// Dialect names the backend a DB talks to.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Querier is what store methods take: a *sql.DB, a *sql.Tx or a *Tx.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is an open store. Read is a pool for queries outside transactions;
// Write is where transactions and writes go. On PostgreSQL both are the
// same pool; on SQLite Write holds a single connection.
type DB struct {
	Read    *sql.DB
	Write   *sql.DB
	Dialect Dialect
	// Schema is the PostgreSQL schema the connections use, if one was set
	// in the DSN's search_path; empty otherwise.
	Schema string
}

// Open connects to the store named by dsn:
//
//	postgres://user@host:5432/db?sslmode=disable   PostgreSQL (also postgresql://)
//	sqlite:./data/panjereh.db                     SQLite file (also file:..., or a path ending in .db)
//
// The SQLite file's directory is created if missing.
func Open(ctx context.Context, dsn string) (*DB, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn)
	case strings.HasPrefix(dsn, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "file:"):
		return openSQLite(ctx, strings.TrimPrefix(dsn, "file:"))
	case strings.HasSuffix(dsn, ".db"), strings.HasSuffix(dsn, ".sqlite"):
		return openSQLite(ctx, dsn)
	}
	return nil, fmt.Errorf("sqldb: unrecognised DSN %q: want postgres://... or sqlite:PATH", Redact(dsn))
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqldb: parse postgres DSN %s: %w", Redact(dsn), err)
	}
	// Scan timestamptz in UTC, as SQLite does, so callers never see the
	// server's or the machine's zone.
	pool := stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(func(ctx context.Context, c *pgx.Conn) error {
		c.TypeMap().RegisterType(&pgtype.Type{
			Name:  "timestamptz",
			OID:   pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC},
		})
		return nil
	}))
	pool.SetMaxOpenConns(4 * runtime.GOMAXPROCS(0))
	pool.SetMaxIdleConns(4 * runtime.GOMAXPROCS(0))
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("sqldb: connect to postgres %s: %w", Redact(dsn), err)
	}
	db := &DB{Read: pool, Write: pool, Dialect: Postgres}
	if u, err := url.Parse(dsn); err == nil {
		db.Schema = u.Query().Get("search_path")
	}
	return db, nil
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil, errors.New("sqldb: empty SQLite path")
	}
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("sqldb: create directory for %s: %w", path, err)
		}
	}
	// busy_timeout comes first so that even the journal_mode switch waits
	// for another process instead of failing.
	const common = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_time_format=string_no_monotonic&_timezone=UTC&_texttotime=1"
	write, err := openSQLitePool("file:" + path + "?" + common + "&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqldb: open sqlite writer: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	// Open the writer first: it creates the file and switches it to WAL
	// before any reader looks at it.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqldb: open sqlite %s: %w", path, err)
	}
	read, err := openSQLitePool("file:" + path + "?" + common)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqldb: open sqlite readers: %w", err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxIdleTime(10 * time.Minute)
	return &DB{Read: read, Write: write, Dialect: SQLite}, nil
}

// openSQLitePool opens a pool of SQLite connections that keep the
// statements they compile (stmtcache.go).
func openSQLitePool(dsn string) (*sql.DB, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(cachingConnector{c}), nil
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.Write.Close()
	if db.Read != db.Write {
		err = errors.Join(err, db.Read.Close())
	}
	return err
}

// Ping checks that the store answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.Write.PingContext(ctx); err != nil {
		return fmt.Errorf("sqldb: ping: %w", err)
	}
	return nil
}

// HasTable reports whether the store has a table of that name (in the
// schema the store uses on PostgreSQL), for a check made before the
// migrations run.
func (db *DB) HasTable(ctx context.Context, name string) (bool, error) {
	query := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
	if db.Dialect == Postgres {
		query = `SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = $1`
	}
	var n int
	if err := db.Read.QueryRowContext(ctx, query, name).Scan(&n); err != nil {
		return false, fmt.Errorf("sqldb: table %s: %w", name, err)
	}
	return n > 0, nil
}

// IsUniqueViolation reports whether err is a unique or primary-key
// constraint violation on either backend.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return true
		}
	}
	return false
}

// IsForeignKeyViolation reports whether err is a foreign-key violation on
// either backend.
func IsForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// NotFound turns sql.ErrNoRows into a wrapped ErrNotFound and leaves
// other errors as they are.
func NotFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// Redact hides a password in a DSN so that it can be logged or shown.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
