package exchange

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/sqldb"
)

// Index keeps the message log's metadata queryable in the database: who
// looked at a person's data, and monthly counts per agency (B7). Records
// reach it after they are durable in the log; Catchup fills in whatever a
// crash kept from it, so the index is complete once it has caught up.
type Index struct {
	DB     *sqldb.DB
	Logger *slog.Logger

	mu      sync.Mutex
	pending []msglog.Record
	wake    chan struct{}
	done    chan struct{}
	stop    context.CancelFunc
}

// Start runs the batch writer until ctx ends or Close is called.
func (ix *Index) Start(ctx context.Context) {
	ix.wake = make(chan struct{}, 1)
	ix.done = make(chan struct{})
	ctx, ix.stop = context.WithCancel(ctx)
	go func() {
		defer close(ix.done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				_ = ix.Flush(context.WithoutCancel(ctx))
				return
			case <-t.C:
			case <-ix.wake:
			}
			if err := ix.Flush(ctx); err != nil && ix.Logger != nil {
				ix.Logger.Error("exchange: index", "err", err)
			}
		}
	}()
}

// Add queues a durable record for the index.
func (ix *Index) Add(rec msglog.Record) {
	ix.mu.Lock()
	ix.pending = append(ix.pending, rec)
	n := len(ix.pending)
	ix.mu.Unlock()
	if n >= 500 && ix.wake != nil {
		select {
		case ix.wake <- struct{}{}:
		default:
		}
	}
}

// Flush writes the queued records now.
func (ix *Index) Flush(ctx context.Context) error {
	ix.mu.Lock()
	batch := ix.pending
	ix.pending = nil
	ix.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	err := ix.insert(ctx, batch)
	if err != nil {
		// Keep them for the next try; Catchup covers a crash meanwhile.
		ix.mu.Lock()
		ix.pending = append(batch, ix.pending...)
		ix.mu.Unlock()
	}
	return err
}

// indexRowsPerStatement is how many records one INSERT carries.
const indexRowsPerStatement = 50

func (ix *Index) insert(ctx context.Context, recs []msglog.Record) error {
	return ix.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		for len(recs) > 0 {
			n := min(len(recs), indexRowsPerStatement)
			var q strings.Builder
			q.WriteString(`INSERT INTO nix_exchange_index
				(seq, message_id, at, client, client_member, service, end_user, subject, tracking_code, status) VALUES `)
			args := make([]any, 0, n*10)
			for i, r := range recs[:n] {
				if i > 0 {
					q.WriteByte(',')
				}
				q.WriteByte('(')
				for j := 1; j <= 10; j++ {
					if j > 1 {
						q.WriteByte(',')
					}
					if ix.DB.Dialect == sqldb.SQLite {
						// Anonymous parameters: SQLite looks numbered
						// ones up by a linear scan, quadratic in a
						// statement of hundreds of them.
						q.WriteByte('?')
					} else {
						fmt.Fprintf(&q, "$%d", i*10+j)
					}
				}
				q.WriteByte(')')
				args = append(args, int64(r.Seq), r.MessageID, r.Time.UTC(), r.Client, memberOf(r.Client),
					r.Service, r.EndUser, r.Subject, r.TrackingCode, r.Status)
			}
			q.WriteString(` ON CONFLICT (seq) DO NOTHING`)
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("exchange: index records %d..%d: %w", recs[0].Seq, recs[n-1].Seq, err)
			}
			recs = recs[n:]
		}
		return nil
	})
}

// Close stops the writer after a last flush.
func (ix *Index) Close() {
	if ix.stop != nil {
		ix.stop()
		<-ix.done
	}
}

// LastSeq returns the highest sequence number indexed, 0 when none.
func (ix *Index) LastSeq(ctx context.Context) (uint64, error) {
	var n int64
	if err := ix.DB.Read.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM nix_exchange_index`).Scan(&n); err != nil {
		return 0, fmt.Errorf("exchange: index: %w", err)
	}
	return uint64(n), nil
}

// Catchup indexes every record of the log files in paths that the index
// does not hold yet, and returns how many it added.
func (ix *Index) Catchup(ctx context.Context, paths []string) (int, error) {
	last, err := ix.LastSeq(ctx)
	if err != nil {
		return 0, err
	}
	var batch []msglog.Record
	added := 0
	err = msglog.Scan(paths, func(r msglog.Record) error {
		if r.Seq <= last {
			return nil
		}
		batch = append(batch, r)
		if len(batch) == 1000 {
			if err := ix.insert(ctx, batch); err != nil {
				return err
			}
			added += len(batch)
			batch = batch[:0]
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = ix.insert(ctx, batch)
		added += len(batch)
	}
	if err != nil {
		return added, fmt.Errorf("exchange: index catch-up: %w", err)
	}
	return added, nil
}

// Access is one look at a person's data: who, when, through which service
// and for which tracking code.
type Access struct {
	Seq          uint64    `json:"seq"`
	MessageID    string    `json:"messageId"`
	At           time.Time `json:"at"`
	Member       string    `json:"member"`
	Client       string    `json:"client"`
	Service      string    `json:"service"`
	EndUser      string    `json:"endUser,omitempty"`
	TrackingCode string    `json:"trackingCode,omitempty"`
	Status       int       `json:"status"`
}

// Accesses lists, newest first, the exchanges whose data subject was
// subject, before the sequence number before (0: from the newest), at most
// limit of them.
func (ix *Index) Accesses(ctx context.Context, subject string, before uint64, limit int) ([]Access, error) {
	if before == 0 {
		before = 1<<63 - 1
	}
	rows, err := ix.DB.Read.QueryContext(ctx, `SELECT seq, message_id, at, client_member, client, service, end_user, tracking_code, status
		FROM nix_exchange_index WHERE subject = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`, subject, int64(before), limit)
	if err != nil {
		return nil, fmt.Errorf("exchange: accesses: %w", err)
	}
	defer rows.Close()
	out := []Access{}
	for rows.Next() {
		var a Access
		var seq int64
		if err := rows.Scan(&seq, &a.MessageID, &a.At, &a.Member, &a.Client, &a.Service, &a.EndUser, &a.TrackingCode, &a.Status); err != nil {
			return nil, fmt.Errorf("exchange: accesses: %w", err)
		}
		a.Seq = uint64(seq)
		out = append(out, a)
	}
	return out, rows.Err()
}

// MonthlyCount is the number of inquiries a member made in a month (B7).
type MonthlyCount struct {
	Member    string `json:"member"`
	Inquiries int64  `json:"inquiries"`
	Refused   int64  `json:"refused"`
}

// Monthly counts each member's inquiries between from and to (to
// exclusive): answered ones (status below 400) and refused ones.
func (ix *Index) Monthly(ctx context.Context, from, to time.Time) ([]MonthlyCount, error) {
	rows, err := ix.DB.Read.QueryContext(ctx, `SELECT client_member,
			SUM(CASE WHEN status < 400 THEN 1 ELSE 0 END), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END)
		FROM nix_exchange_index WHERE at >= $1 AND at < $2 GROUP BY client_member ORDER BY client_member`, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("exchange: monthly counts: %w", err)
	}
	defer rows.Close()
	out := []MonthlyCount{}
	for rows.Next() {
		var m MonthlyCount
		if err := rows.Scan(&m.Member, &m.Inquiries, &m.Refused); err != nil {
			return nil, fmt.Errorf("exchange: monthly counts: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// memberOf returns the member part of a subsystem address, or "" for a
// malformed one (a refused call may carry anything).
func memberOf(client string) string {
	if sub, err := ParseSubsystem(client); err == nil {
		return sub.MemberID()
	}
	if i := strings.LastIndexByte(client, '/'); i > 0 {
		if _, err := ParseMember(client[:i]); err == nil {
			return client[:i]
		}
	}
	return ""
}
