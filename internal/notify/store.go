package notify

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// Stored is a message as the outbox holds it.
type Stored struct {
	ID          string
	To          string
	Sender      string
	Body        string
	Purpose     string
	Status      Status
	Attempts    int
	NextAttempt time.Time
	ExpiresAt   time.Time // zero when it does not expire
	ProviderRef string
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SentAt      time.Time // zero until sent
}

const storedColumns = `id, to_mobile, sender, body, purpose, status, attempts, next_attempt_at,
	expires_at, provider_ref, last_error, created_at, updated_at, sent_at`

func scanStored(sc interface{ Scan(...any) error }) (Stored, error) {
	var s Stored
	var expires, sent sql.NullTime
	err := sc.Scan(&s.ID, &s.To, &s.Sender, &s.Body, &s.Purpose, &s.Status, &s.Attempts, &s.NextAttempt,
		&expires, &s.ProviderRef, &s.LastError, &s.CreatedAt, &s.UpdatedAt, &sent)
	s.ExpiresAt, s.SentAt = expires.Time, sent.Time
	return s, err
}

// dbTime is how times are stored: UTC, to the microsecond PostgreSQL
// keeps, so that a value reads back as it was written on both backends.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func nullTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: dbTime(t), Valid: true}
}

// insertMessage is the whole enqueue path: one INSERT.
func insertMessage(ctx context.Context, q sqldb.Querier, id string, m Message, now time.Time) error {
	now = dbTime(now)
	err := sqldb.Queue(ctx, q, `INSERT INTO notify_sms (id, to_mobile, sender, body, purpose, status, attempts,
		next_attempt_at, expires_at, claimed_by, provider_ref, last_error, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7, '', '', '', $6, $6)`,
		id, m.To, m.Sender, m.Body, m.Purpose, now, nullTime(m.ExpiresAt))
	if err != nil {
		return fmt.Errorf("notify: enqueue: %w", err)
	}
	return nil
}

// expireDue marks expired the due messages whose time has passed, and
// returns how many.
func expireDue(ctx context.Context, db *sqldb.DB, now time.Time) (int64, error) {
	now = dbTime(now)
	res, err := db.Write.ExecContext(ctx, `UPDATE notify_sms SET status = 'expired', claimed_by = '', updated_at = $1,
		last_error = CASE WHEN last_error = '' THEN 'expired before it could be sent' ELSE last_error END
		WHERE status IN ('queued', 'sending') AND next_attempt_at <= $1 AND expires_at <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("notify: expire: %w", err)
	}
	return res.RowsAffected()
}

// claim takes up to limit due messages for the dispatcher node: queued
// ones whose time has come and ones another dispatcher claimed but whose
// claim has lapsed (it crashed, or lost the database). The claim lasts
// until leaseEnd. On PostgreSQL rows other dispatchers are claiming at
// the same moment are skipped rather than waited for; on SQLite there is
// one writer. The outer conditions are checked again on each row, so a
// row two claims both selected goes to only one of them.
func claim(ctx context.Context, db *sqldb.DB, node string, now, leaseEnd time.Time, limit int) ([]Delivery, error) {
	lock := ""
	if db.Dialect == sqldb.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := db.Write.QueryContext(ctx, `UPDATE notify_sms
		SET status = 'sending', claimed_by = $1, next_attempt_at = $2, attempts = attempts + 1, updated_at = $3
		WHERE id IN (SELECT id FROM notify_sms WHERE status IN ('queued', 'sending') AND next_attempt_at <= $3
			ORDER BY next_attempt_at LIMIT $4`+lock+`)
		AND status IN ('queued', 'sending') AND next_attempt_at <= $3
		RETURNING id, to_mobile, sender, body, purpose, attempts, expires_at`,
		node, dbTime(leaseEnd), dbTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("notify: claim: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var expires sql.NullTime
		if err := rows.Scan(&d.ID, &d.To, &d.Sender, &d.Body, &d.Purpose, &d.Attempt, &expires); err != nil {
			return nil, fmt.Errorf("notify: claim: %w", err)
		}
		d.ExpiresAt = expires.Time
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notify: claim: %w", err)
	}
	return out, nil
}

// outcome is what became of one claimed message.
type outcome struct {
	id     string
	status Status
	next   time.Time // next attempt, for a message queued again
	ref    string
	err    string
	sentAt time.Time
	// unspent gives the attempt back: the provider could not try the
	// message (ErrUnavailable), so the claim's count does not stand.
	unspent bool
	// reason is an unavailable provider's public cause
	// (UnavailableError.Reason).
	reason string
}

// spent is how many attempts an outcome's claim used: one, or none when
// it is given back.
func (o outcome) spent() int32 {
	if o.unspent {
		return 0
	}
	return 1
}

// record stores the outcomes of a batch, all or none: on PostgreSQL in
// one statement, on SQLite in one transaction. A row whose claim another
// dispatcher has taken over is left alone; record returns the IDs of
// such rows.
func record(ctx context.Context, db *sqldb.DB, node string, now time.Time, outs []outcome) (lost []string, err error) {
	now = dbTime(now)
	if db.Dialect == sqldb.Postgres {
		return recordPostgres(ctx, db, node, now, outs)
	}
	err = db.InTx(ctx, func(tx *sqldb.Tx) error {
		lost = nil
		stmt, err := tx.PrepareContext(ctx, `UPDATE notify_sms SET status = $2, next_attempt_at = $3, provider_ref = $4,
			last_error = $5, sent_at = $6, updated_at = $7, claimed_by = '', attempts = attempts - 1 + $9
			WHERE id = $1 AND status = 'sending' AND claimed_by = $8`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, o := range outs {
			next := o.next
			if next.IsZero() {
				next = now
			}
			res, err := stmt.ExecContext(ctx, o.id, string(o.status), dbTime(next), o.ref, o.err, nullTime(o.sentAt), now, node, o.spent())
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				lost = append(lost, o.id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("notify: record outcomes: %w", err)
	}
	return lost, nil
}

// recordPostgres is record in one statement, whatever the batch's size:
// the outcomes travel as arrays, one per column, that the statement
// unnests into rows.
func recordPostgres(ctx context.Context, db *sqldb.DB, node string, now time.Time, outs []outcome) ([]string, error) {
	n := len(outs)
	ids, statuses, refs, errs := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	nexts, sents, spent := make([]time.Time, n), make([]*time.Time, n), make([]int32, n)
	for i, o := range outs {
		ids[i], statuses[i], refs[i], errs[i], spent[i] = o.id, string(o.status), o.ref, o.err, o.spent()
		nexts[i] = now
		if !o.next.IsZero() {
			nexts[i] = dbTime(o.next)
		}
		if !o.sentAt.IsZero() {
			t := dbTime(o.sentAt)
			sents[i] = &t
		}
	}
	recorded := make(map[string]bool, n)
	err := sqldb.EachRow(ctx, db.Write, `UPDATE notify_sms AS n SET status = o.status, next_attempt_at = o.next,
		provider_ref = o.ref, last_error = o.err, sent_at = o.sent, updated_at = $7, claimed_by = '',
		attempts = n.attempts - 1 + o.spent
		FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::timestamptz[], $9::integer[])
			AS o (id, status, next, ref, err, sent, spent)
		WHERE n.id = o.id AND n.status = 'sending' AND n.claimed_by = $8
		RETURNING n.id`, []any{ids, statuses, nexts, refs, errs, sents, now, node, spent},
		func(scan func(...any) error) error {
			var id string
			if err := scan(&id); err != nil {
				return err
			}
			recorded[id] = true
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("notify: record outcomes: %w", err)
	}
	var lost []string
	for _, id := range ids {
		if !recorded[id] {
			lost = append(lost, id)
		}
	}
	return lost, nil
}
