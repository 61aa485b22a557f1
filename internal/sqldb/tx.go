package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Tx is a transaction that can carry work to run once it has committed,
// such as waking a worker that should only see committed data.
type Tx struct {
	*sql.Tx
	after []func()
}

// AfterCommit registers f to run after the transaction commits. It is not
// run if the transaction rolls back.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// InTx runs fn in a transaction on the writer. The transaction commits when
// fn returns nil and rolls back otherwise (and on panic, which is re-raised).
// After-commit hooks run in registration order after a successful commit.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqldb: begin: %w", err)
	}
	tx := &Tx{Tx: sqlTx}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		if rbErr := sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("sqldb: rollback: %w", rbErr))
		}
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqldb: commit: %w", err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}
