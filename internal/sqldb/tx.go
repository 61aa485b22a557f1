package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Tx is a transaction that can carry work to run once it has committed,
// such as waking a worker that should only see committed data.
//
// On PostgreSQL a transaction costs as few round trips as its reads
// allow: BEGIN and the writes given to Queue wait on the client and go
// to the server in one pipeline with the next statement whose result is
// needed, or with COMMIT. A transaction that only queues writes is one
// round trip. On SQLite, which runs in the process, every statement runs
// when it is given.
type Tx struct {
	sqlTx *sql.Tx   // SQLite
	conn  *sql.Conn // PostgreSQL, in a transaction once begun is set

	// PostgreSQL: statements not yet sent; BEGIN comes first until sent.
	pending []statement
	begun   bool
	// err is a failure to send pending statements that the statement
	// after them could not report; the commit returns it.
	err error

	after []func()
}

type statement struct {
	sql  string
	args []any
	// rows, when set, reads the statement's rows (QueueQuery).
	rows func(scan func(dest ...any) error) error
}

// AfterCommit registers f to run after the transaction commits. It is not
// run if the transaction rolls back.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// InTx runs fn in a transaction on the writer. The transaction commits when
// fn returns nil and rolls back otherwise (and on panic, which is re-raised).
// After-commit hooks run in registration order after a successful commit.
// A statement given to Queue that fails makes the commit fail.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("sqldb: begin: %w", err)
	}
	defer tx.release()
	defer func() {
		if p := recover(); p != nil {
			_ = tx.rollback(ctx)
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		if tx.err != nil && !errors.Is(err, tx.err) {
			err = errors.Join(err, tx.err)
		}
		if rbErr := tx.rollback(ctx); rbErr != nil {
			return errors.Join(err, fmt.Errorf("sqldb: rollback: %w", rbErr))
		}
		return err
	}
	if err := tx.commit(ctx); err != nil {
		_ = tx.rollback(ctx)
		return fmt.Errorf("sqldb: commit: %w", err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

func (db *DB) begin(ctx context.Context) (*Tx, error) {
	if db.Dialect != Postgres {
		sqlTx, err := db.Write.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		return &Tx{sqlTx: sqlTx}, nil
	}
	conn, err := db.Write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	return &Tx{conn: conn, pending: []statement{{sql: "begin"}}}, nil
}

// release gives a PostgreSQL connection back to the pool.
func (tx *Tx) release() {
	if tx.conn != nil {
		tx.conn.Close()
	}
}

func (tx *Tx) commit(ctx context.Context) error {
	if tx.sqlTx != nil {
		return tx.sqlTx.Commit()
	}
	if tx.err != nil {
		return tx.err
	}
	if !tx.begun && len(tx.pending) == 1 {
		tx.pending = nil // nothing was done: nothing to send
		return nil
	}
	// A queued query's rows are read on the client once the server has
	// run what was sent with it: one still pending goes before COMMIT, so
	// that its reader's error undoes the transaction as it does on SQLite.
	if slices.ContainsFunc(tx.pending, func(s statement) bool { return s.rows != nil }) {
		if tx.flush(ctx); tx.err != nil {
			return tx.err
		}
	}
	return tx.send(ctx, statement{sql: "commit"}, func(br pgx.BatchResults) error {
		tag, err := br.Exec()
		if err == nil && tag.String() == "ROLLBACK" {
			// The server answers COMMIT so, without an error, when a
			// statement of the transaction failed before.
			return ErrRolledBack
		}
		return err
	})
}

// ErrRolledBack is the commit's error on PostgreSQL when a statement of
// the transaction failed and the function went on regardless: the server
// has rolled the transaction back.
var ErrRolledBack = errors.New("sqldb: the transaction was rolled back: one of its statements failed")

// rollback ends the transaction without its changes. On PostgreSQL a
// connection that cannot be brought back out of the transaction is
// discarded rather than returned to the pool.
func (tx *Tx) rollback(ctx context.Context) error {
	if tx.sqlTx != nil {
		if err := tx.sqlTx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
			return err
		}
		return nil
	}
	tx.pending = nil
	if !tx.begun {
		return nil
	}
	// The caller's context may be what ended the transaction.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var err error
	rawErr := tx.conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		if pc.IsClosed() {
			return driver.ErrBadConn
		}
		if pc.PgConn().TxStatus() == 'I' {
			return nil
		}
		if _, err = pc.Exec(rctx, "rollback"); err != nil || pc.PgConn().TxStatus() != 'I' {
			return driver.ErrBadConn
		}
		return nil
	})
	if err == nil && rawErr != nil && !errors.Is(rawErr, driver.ErrBadConn) {
		err = rawErr
	}
	return err
}

// send sends the pending statements and last in one pipeline and reads
// their results in order: a statement's rows with its rows function,
// last's result with read if set, any other's for its error alone.
func (tx *Tx) send(ctx context.Context, last statement, read func(pgx.BatchResults) error) error {
	stmts := append(tx.pending, last)
	tx.pending = nil
	tx.begun = true
	return tx.conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		b := &pgx.Batch{}
		for _, s := range stmts {
			b.Queue(s.sql, s.args...)
		}
		br := pc.SendBatch(ctx, b)
		var err error
		for i, s := range stmts {
			switch {
			case i == len(stmts)-1 && read != nil:
				err = read(br)
			case s.rows != nil:
				err = readRows(br, s.rows)
			default:
				_, err = br.Exec()
			}
			if err != nil {
				break
			}
		}
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

// flush sends the pending statements, for a statement that must go on
// its own after them.
func (tx *Tx) flush(ctx context.Context) {
	if len(tx.pending) == 0 || tx.err != nil {
		return
	}
	last := tx.pending[len(tx.pending)-1]
	tx.pending = tx.pending[:len(tx.pending)-1]
	if err := tx.send(ctx, last, nil); err != nil {
		tx.err = err
	}
}

// Queue runs a write whose only result is its error. On PostgreSQL it is
// sent with the transaction's next statement or its commit, and its
// error, if any, makes the commit fail; on SQLite it runs now.
func (tx *Tx) Queue(ctx context.Context, query string, args ...any) error {
	if tx.sqlTx != nil {
		_, err := tx.sqlTx.ExecContext(ctx, query, args...)
		return err
	}
	tx.pending = append(tx.pending, statement{sql: query, args: args})
	return nil
}

// RelaxDurability lets the transaction's commit return before its
// record is on disk, for a transaction whose loss in a crash costs only a
// retry, such as a one-time code sent. On PostgreSQL the commit then does
// not wait for its WAL flush (synchronous_commit off for this transaction
// only); a crash of the server or machine within about 0.6 s of it may
// lose the transaction, whole, never in part. Any transaction that
// commits durably afterwards makes it durable too, since the log is
// flushed in order: whatever was built on it and made durable carries it.
// SQLite, whose commits in WAL mode at synchronous NORMAL never wait for
// the disk, is unchanged.
func (tx *Tx) RelaxDurability() {
	if tx.conn != nil {
		tx.pending = append(tx.pending, statement{sql: "set local synchronous_commit to off"})
	}
}

// ExecContext runs a statement in the transaction, after any pending
// ones, in the same round trip.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if tx.sqlTx != nil {
		return tx.sqlTx.ExecContext(ctx, query, args...)
	}
	if tx.err != nil {
		return nil, tx.err
	}
	var tag pgconn.CommandTag
	err := tx.send(ctx, statement{sql: query, args: args}, func(br pgx.BatchResults) error {
		var err error
		tag, err = br.Exec()
		return err
	})
	if err != nil {
		return nil, err
	}
	return pgResult(tag.RowsAffected()), nil
}

// QueueQuery runs a query whose rows fn reads once they come. On
// PostgreSQL it goes to the server with the transaction's next statement
// whose result is needed, in the same round trip, and fn runs before that
// statement's own result is read; an error of fn or of the query is that
// statement's error. With no such statement it goes in a round trip of
// its own before the commit, and its error fails the commit. On SQLite it
// runs now. It lets a transaction read two things at once, when the
// second does not depend on the first.
func (tx *Tx) QueueQuery(ctx context.Context, query string, args []any, fn func(scan func(dest ...any) error) error) error {
	if tx.sqlTx != nil {
		return EachRow(ctx, tx.sqlTx, query, args, fn)
	}
	tx.pending = append(tx.pending, statement{sql: query, args: args, rows: fn})
	return nil
}

// readRows reads a pipelined query's rows with fn.
func readRows(br pgx.BatchResults, fn func(scan func(dest ...any) error) error) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	return each(rows, fn)
}

type pgResult int64

func (r pgResult) LastInsertId() (int64, error) {
	return 0, errors.New("sqldb: LastInsertId is not supported by PostgreSQL")
}

func (r pgResult) RowsAffected() (int64, error) { return int64(r), nil }

// QueryContext runs a query in the transaction.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if tx.sqlTx != nil {
		return tx.sqlTx.QueryContext(ctx, query, args...)
	}
	tx.flush(ctx)
	if tx.err != nil {
		return nil, tx.err
	}
	return tx.conn.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query that returns at most one row in the
// transaction. ScanOne and EachRow send pending statements in the same
// round trip; this method cannot.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if tx.sqlTx != nil {
		return tx.sqlTx.QueryRowContext(ctx, query, args...)
	}
	tx.flush(ctx) // a failure aborts the transaction: the query fails too, and the commit reports it
	return tx.conn.QueryRowContext(ctx, query, args...)
}

// PrepareContext prepares a statement for use in the transaction.
func (tx *Tx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	if tx.sqlTx != nil {
		return tx.sqlTx.PrepareContext(ctx, query)
	}
	tx.flush(ctx)
	if tx.err != nil {
		return nil, tx.err
	}
	return tx.conn.PrepareContext(ctx, query)
}

// query runs a query after the pending statements in one round trip and
// passes each row to fn.
func (tx *Tx) query(ctx context.Context, query string, args []any, fn func(scan func(dest ...any) error) error) error {
	if tx.err != nil {
		return tx.err
	}
	return tx.send(ctx, statement{sql: query, args: args, rows: fn}, nil)
}

// EachRow runs query with q and calls fn with each row's Scan. In a
// PostgreSQL transaction the statements queued before it go in the same
// round trip.
func EachRow(ctx context.Context, q Querier, query string, args []any, fn func(scan func(dest ...any) error) error) error {
	if tx, ok := q.(*Tx); ok && tx.conn != nil {
		return tx.query(ctx, query, args, fn)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return each(rows, fn)
}

// each calls fn with each row's Scan, of database/sql's rows or pgx's.
func each(rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}, fn func(scan func(dest ...any) error) error) error {
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Queue runs a write whose only result is its error with q: given a Tx,
// as Tx.Queue does; otherwise now.
func Queue(ctx context.Context, q Querier, query string, args ...any) error {
	if tx, ok := q.(*Tx); ok {
		return tx.Queue(ctx, query, args...)
	}
	_, err := q.ExecContext(ctx, query, args...)
	return err
}
