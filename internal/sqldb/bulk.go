package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// RowSource yields rows for BulkInsert. It returns (nil, nil) when there are
// no more rows. A returned slice may be reused by the source on the next call.
type RowSource func() ([]any, error)

// BulkInsert streams rows into table. On PostgreSQL it uses COPY; on SQLite
// it inserts many rows per statement inside transactions of about
// batchRows rows each, so memory stays flat however many rows come. It
// returns the number of rows inserted. Rows inserted in earlier batches stay
// when a later batch fails; callers that need all-or-nothing load into a
// fresh table.
func (db *DB) BulkInsert(ctx context.Context, table string, cols []string, batchRows int, next RowSource) (int64, error) {
	if db.Dialect == Postgres {
		return db.copyPostgres(ctx, table, cols, next)
	}
	return db.insertSQLite(ctx, table, cols, batchRows, next)
}

func (db *DB) copyPostgres(ctx context.Context, table string, cols []string, next RowSource) (int64, error) {
	conn, err := db.Write.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("sqldb: copy into %s: %w", table, err)
	}
	defer conn.Close()
	var n int64
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		var rowErr error
		src := pgx.CopyFromFunc(func() ([]any, error) {
			row, err := next()
			if err != nil {
				rowErr = err
			}
			return row, err
		})
		n, err = pc.CopyFrom(ctx, pgx.Identifier{table}, cols, src)
		if rowErr != nil {
			return rowErr
		}
		return err
	})
	if err != nil {
		return n, fmt.Errorf("sqldb: copy into %s: %w", table, err)
	}
	return n, nil
}

// sqliteMaxVars keeps each statement well under SQLite's limit of bound
// variables while amortising the per-statement cost.
const sqliteMaxVars = 30000

func (db *DB) insertSQLite(ctx context.Context, table string, cols []string, batchRows int, next RowSource) (int64, error) {
	if batchRows <= 0 {
		batchRows = 20000
	}
	perStmt := max(1, min(200, sqliteMaxVars/len(cols)))
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	build := func(rows int) string {
		var b strings.Builder
		b.WriteString(head)
		for r := 0; r < rows; r++ {
			if r > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteByte(',')
				}
				// Anonymous parameters: SQLite looks numbered ones up by
				// name with a linear scan, which makes binding a statement
				// of thousands of them quadratic.
				b.WriteByte('?')
			}
			b.WriteByte(')')
		}
		return b.String()
	}
	full := build(perStmt)
	args := make([]any, 0, perStmt*len(cols))
	var total int64
	done := false
	for !done {
		err := db.InTx(ctx, func(tx *Tx) error {
			stmt, err := tx.PrepareContext(ctx, full)
			if err != nil {
				return err
			}
			defer stmt.Close()
			inBatch := 0
			for inBatch < batchRows {
				row, err := next()
				if err != nil {
					return err
				}
				if row == nil {
					done = true
					break
				}
				if len(row) != len(cols) {
					return fmt.Errorf("row has %d values for %d columns", len(row), len(cols))
				}
				args = append(args, row...)
				inBatch++
				if len(args) == cap(args) {
					if _, err := stmt.ExecContext(ctx, args...); err != nil {
						return err
					}
					args = args[:0]
				}
			}
			if len(args) > 0 {
				if _, err := tx.ExecContext(ctx, build(len(args)/len(cols)), args...); err != nil {
					return err
				}
				args = args[:0]
			}
			total += int64(inBatch)
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("sqldb: bulk insert into %s: %w", table, err)
		}
	}
	return total, nil
}

// ScanOne runs a query expected to return exactly one row and scans it,
// returning a wrapped ErrNotFound when there is none.
func ScanOne(ctx context.Context, q Querier, query string, args []any, dest ...any) error {
	if tx, ok := q.(*Tx); ok && tx.conn != nil {
		found := false
		err := tx.query(ctx, query, args, func(scan func(...any) error) error {
			if found {
				return nil
			}
			found = true
			return scan(dest...)
		})
		if err == nil && !found {
			return ErrNotFound
		}
		return err
	}
	err := q.QueryRowContext(ctx, query, args...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
