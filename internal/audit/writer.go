package audit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// Sizes of the writer's statements. rowsPerInsert keeps a statement to a
// few hundred parameters, which both backends bind cheaply; pendingPerBatch
// bounds how many transactional events one batch moves into the chain.
const (
	rowsPerInsert   = 50
	insertCols      = 10
	pendingPerBatch = 1000
)

// writer is the one goroutine of a Log that extends the chain. Its fields
// are touched by that goroutine only.
type writer struct {
	log       *Log
	headReady bool
	insertSQL map[int]string // by row count
}

func (w *writer) run() {
	l := w.log
	defer close(l.writerDone)
	tick := time.NewTicker(l.sealEvery())
	defer tick.Stop()
	for {
		select {
		case <-l.wake:
		case <-tick.C:
			// Other nodes' transactional events wake nobody here; look for
			// them now and then.
			if w.pendingWaiting() {
				_, _ = l.enqueue(nil, true)
			}
		case <-l.stop:
			w.flush()
			if w.pendingWaiting() {
				w.commit(&batch{pending: true, done: make(chan struct{})})
			}
			return
		}
		w.flush()
	}
}

// flush commits batches until none is waiting.
func (w *writer) flush() {
	for b := w.log.take(); b != nil; b = w.log.take() {
		w.commit(b)
	}
}

// pendingWaiting reports whether any transactional event waits to be
// chained.
func (w *writer) pendingWaiting() bool {
	ctx, cancel := context.WithTimeout(context.Background(), w.log.batchTimeout())
	defer cancel()
	var id string
	err := sqldb.ScanOne(ctx, w.log.DB.Read, `SELECT id FROM audit_pending LIMIT 1`, nil, &id)
	if err != nil && !errors.Is(err, sqldb.ErrNotFound) {
		w.log.logger().Error("audit: look for pending events", "err", err)
	}
	return err == nil
}

// commit appends b to the chain in one transaction and releases its
// callers with the outcome.
func (w *writer) commit(b *batch) {
	l := w.log
	l.batches.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), l.batchTimeout())
	defer cancel()
	morePending, appended := false, false
	err := l.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		rows := b.rows
		if b.pending {
			pend, err := w.takePending(ctx, tx)
			if err != nil {
				return err
			}
			morePending = len(pend) == pendingPerBatch
			rows = append(pend, rows...)
		}
		if len(rows) == 0 {
			return nil
		}
		appended = true
		return w.append(ctx, tx, rows)
	})
	if err != nil {
		l.logger().Error("audit: append batch", "events", len(b.rows), "err", err)
	} else if appended {
		w.headReady = true
	}
	b.err = err
	close(b.done)
	if morePending {
		_, _ = l.enqueue(nil, true)
	}
}

// append extends the chain by rows inside tx, which holds the head row
// until it commits.
func (w *writer) append(ctx context.Context, tx *sqldb.Tx, rows []*row) error {
	l := w.log
	now := l.now().UTC()
	if !w.headReady {
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_head (id, seq, hash, updated_at)
			VALUES (1, 0, $1, $2) ON CONFLICT (id) DO NOTHING`, make([]byte, 32), now); err != nil {
			return fmt.Errorf("create head: %w", err)
		}
	}
	seq, prev, err := lockHead(ctx, tx, l.DB.Dialect)
	if err != nil {
		return err
	}
	args := make([]any, 0, min(len(rows), rowsPerInsert)*insertCols)
	for i, r := range rows {
		seq++
		h := chainHash(prev, seq, r.body)
		args = append(args, seq, r.at, r.kind, r.actor, r.subject, r.ip, r.ua, r.details, prev, h[:])
		prev = h[:]
		if n := len(args) / insertCols; n == rowsPerInsert || i == len(rows)-1 {
			if _, err := tx.ExecContext(ctx, w.insert(n), args...); err != nil {
				return fmt.Errorf("insert entries: %w", err)
			}
			args = args[:0]
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2, updated_at = $3 WHERE id = 1`,
		seq, prev, now); err != nil {
		return fmt.Errorf("update head: %w", err)
	}
	return nil
}

// lockHead reads the chain head and locks it until tx ends. On PostgreSQL
// FOR UPDATE makes every other node's batch wait here; on SQLite the
// transaction began IMMEDIATE and already excludes every other writer.
func lockHead(ctx context.Context, tx *sqldb.Tx, d sqldb.Dialect) (int64, []byte, error) {
	q := `SELECT seq, hash FROM audit_head WHERE id = 1`
	if d == sqldb.Postgres {
		q += ` FOR UPDATE`
	}
	var seq int64
	var hash []byte
	if err := sqldb.ScanOne(ctx, tx, q, nil, &seq, &hash); err != nil {
		return 0, nil, fmt.Errorf("lock head: %w", err)
	}
	if len(hash) != 32 {
		return 0, nil, fmt.Errorf("lock head: hash has %d bytes", len(hash))
	}
	return seq, hash, nil
}

// takePending reads up to pendingPerBatch committed transactional events
// and deletes them in tx, which chains them. The head lock is held, so no
// other node takes the same ones.
func (w *writer) takePending(ctx context.Context, tx *sqldb.Tx) ([]*row, error) {
	rs, err := tx.QueryContext(ctx, `SELECT id, at, kind, actor, subject, ip, user_agent, details
		FROM audit_pending ORDER BY queued_at, id LIMIT $1`, pendingPerBatch)
	if err != nil {
		return nil, fmt.Errorf("read pending: %w", err)
	}
	defer rs.Close()
	var rows []*row
	var ids []any
	for rs.Next() {
		var id, kind, actor, subject, ip, ua, details string
		var at time.Time
		if err := rs.Scan(&id, &at, &kind, &actor, &subject, &ip, &ua, &details); err != nil {
			return nil, fmt.Errorf("read pending: %w", err)
		}
		r, err := rowFromStored(at, kind, actor, subject, ip, ua, details)
		if err != nil {
			return nil, fmt.Errorf("pending event %s: %w", id, err)
		}
		rows = append(rows, r)
		ids = append(ids, id)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read pending: %w", err)
	}
	rs.Close()
	for len(ids) > 0 {
		n := min(len(ids), 500)
		res, err := tx.ExecContext(ctx, `DELETE FROM audit_pending WHERE id IN (`+placeholders(1, n)+`)`, ids[:n]...)
		if err != nil {
			return nil, fmt.Errorf("delete pending: %w", err)
		}
		if got, err := res.RowsAffected(); err == nil && got != int64(n) {
			return nil, fmt.Errorf("delete pending: %d of %d rows gone", got, n)
		}
		ids = ids[n:]
	}
	return rows, nil
}

// insert returns the INSERT statement for n entries.
func (w *writer) insert(n int) string {
	if s, ok := w.insertSQL[n]; ok {
		return s
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_entries (seq, at, kind, actor, subject, ip, user_agent, details, prev_hash, hash) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		b.WriteString(placeholders(i*insertCols+1, insertCols))
		b.WriteByte(')')
	}
	if w.insertSQL == nil {
		w.insertSQL = map[int]string{}
	}
	w.insertSQL[n] = b.String()
	return w.insertSQL[n]
}

// placeholders returns "$first, ..., $(first+n-1)".
func placeholders(first, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(first + i))
	}
	return b.String()
}
