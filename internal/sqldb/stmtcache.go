package sqldb

import (
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
)

// SQLite compiles a statement's text before it runs it, and the driver
// does so for every query and write that is not prepared beforehand, which
// is every one the stores make: for the statements of a login or a token
// exchange that costs more than running them. Each SQLite connection
// therefore keeps the statements it has compiled, by their text, and runs
// them again with new arguments. (pgx does the same on PostgreSQL.)

// stmtCacheSize is how many compiled statements each SQLite connection
// keeps; the least recently used one makes way for a new one.
const stmtCacheSize = 128

// cachingConnector opens SQLite connections that keep their statements.
type cachingConnector struct{ driver.Connector }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := conn.(sqliteConn)
	if !ok {
		conn.Close()
		return nil, errors.New("sqldb: the SQLite driver's connection cannot keep statements")
	}
	return &cachingConn{sqliteConn: inner, stmts: map[string]*cachedStmt{}}, nil
}

// sqliteConn is what database/sql uses of the SQLite driver's connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn is an SQLite connection that keeps its compiled statements.
// database/sql uses a connection from one goroutine at a time, closing
// rows included, so it needs no lock of its own.
type cachingConn struct {
	sqliteConn
	stmts map[string]*cachedStmt
	clock uint64 // counts uses, for the least recently used
}

// cachedStmt is a compiled statement and whether rows it returned are
// still open: until they are closed it cannot run again, and a query of
// the same text meanwhile (a write while reading, in a transaction) is
// compiled afresh.
type cachedStmt struct {
	stmt contextStmt
	used uint64
	busy bool
}

// contextStmt is what a kept statement runs with of the SQLite driver's
// statement.
type contextStmt interface {
	driver.Stmt
	driver.StmtQueryContext
	driver.StmtExecContext
}

// stmt returns the idle compiled statement for query, compiling it and
// keeping it if need be, or nil when the statement kept is busy.
func (c *cachingConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	c.clock++
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil, nil
		}
		s.used = c.clock
		return s, nil
	}
	ds, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	st, ok := ds.(contextStmt)
	if !ok {
		ds.Close()
		return nil, errors.New("sqldb: the SQLite driver's statement cannot run with a context")
	}
	if len(c.stmts) >= stmtCacheSize {
		c.evict()
	}
	s := &cachedStmt{stmt: st, used: c.clock}
	c.stmts[query] = s
	return s, nil
}

// evict closes the least recently used statement that is not busy.
func (c *cachingConn) evict() {
	var oldest string
	var min uint64
	for q, s := range c.stmts {
		if !s.busy && (oldest == "" || s.used < min) {
			oldest, min = q, s.used
		}
	}
	if oldest != "" {
		c.stmts[oldest].stmt.Close()
		delete(c.stmts, oldest)
	}
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := s.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, stmt: s}, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	return s.stmt.ExecContext(ctx, args)
}

// Close closes the kept statements, then the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.stmt.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.sqliteConn.Close())...)
}

// cachedRows are a kept statement's rows: closing them makes it idle.
type cachedRows struct {
	driver.Rows
	stmt *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.stmt.busy = false
	return err
}

// The column types the driver's rows describe, passed on.

func (r *cachedRows) ColumnTypeDatabaseTypeName(index int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(index)
	}
	return ""
}

func (r *cachedRows) ColumnTypeScanType(index int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(index)
	}
	return reflect.TypeFor[any]()
}

func (r *cachedRows) ColumnTypeNullable(index int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(index)
	}
	return false, false
}

func (r *cachedRows) ColumnTypeLength(index int) (length int64, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(index)
	}
	return 0, false
}

func (r *cachedRows) ColumnTypePrecisionScale(index int) (precision, scale int64, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(index)
	}
	return 0, 0, false
}
