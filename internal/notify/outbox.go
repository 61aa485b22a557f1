package notify

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// Outbox is the durable queue of SMS messages. Enqueue and Send store a
// message; a Dispatcher delivers it. Set the fields, then use it from any
// number of goroutines.
type Outbox struct {
	DB *sqldb.DB
	// Logger receives a line per stored message; nil discards. Message
	// texts are never logged, and mobile numbers only masked.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	wakeOnce sync.Once
	wake     chan struct{}

	mu sync.Mutex
	// unavailable holds the state of the providers of this process's
	// dispatchers that found theirs unavailable (Health, and each
	// dispatcher's State); a dispatcher absent from it found its own
	// available.
	unavailable map[*Dispatcher]ProviderState
}

// Enqueue validates m and stores it with q, which may be the caller's own
// transaction: then the message exists, and will be sent, only if that
// transaction commits. Given a *sqldb.Tx, Enqueue wakes the dispatchers
// of this process once it commits; given DB.Write it wakes them at once;
// any other querier leaves them to their next poll. It
// returns the message's ID. A rejected message is reported with an error
// wrapping ErrInvalid (an *InvalidError).
func (o *Outbox) Enqueue(ctx context.Context, q sqldb.Querier, m Message) (string, error) {
	now := o.now()
	m, err := m.normalize(now)
	if err != nil {
		return "", err
	}
	id := newID()
	if err := insertMessage(ctx, q, id, m, now); err != nil {
		return "", err
	}
	if tx, ok := q.(*sqldb.Tx); ok {
		tx.AfterCommit(o.Wake)
	} else if db, ok := q.(*sql.DB); ok && db == o.DB.Write {
		o.Wake()
	}
	o.logger().DebugContext(ctx, "sms queued", "id", id, "purpose", m.Purpose, "to", MaskMobile(m.To))
	return id, nil
}

// Send stores m on its own, outside any transaction of the caller, and
// wakes the dispatchers. It returns the message's ID.
func (o *Outbox) Send(ctx context.Context, m Message) (string, error) {
	return o.Enqueue(ctx, o.DB.Write, m)
}

// SendCode enqueues a one-time code for mobile with q, the caller's
// transaction, with purpose "otp": the message goes out only if the
// transaction commits, and never after expires. It is what package
// identity's SMS interface asks for.
func (o *Outbox) SendCode(ctx context.Context, q sqldb.Querier, mobile, text string, expires time.Time) error {
	_, err := o.Enqueue(ctx, q, Message{To: mobile, Body: text, Purpose: PurposeOTP, ExpiresAt: expires})
	return err
}

// SendNotice enqueues a notice for mobile with q, the caller's
// transaction, with purpose "notice": it goes out only if the
// transaction commits.
func (o *Outbox) SendNotice(ctx context.Context, q sqldb.Querier, mobile, text string) error {
	_, err := o.Enqueue(ctx, q, Message{To: mobile, Body: text, Purpose: PurposeNotice})
	return err
}

// Wake tells this process's dispatchers that messages are waiting. It
// never blocks.
func (o *Outbox) Wake() {
	select {
	case o.wakeups() <- struct{}{}:
	default:
	}
}

func (o *Outbox) wakeups() chan struct{} {
	o.wakeOnce.Do(func() { o.wake = make(chan struct{}, 1) })
	return o.wake
}

func (o *Outbox) now() time.Time {
	if o.Now != nil {
		return o.Now().UTC()
	}
	return time.Now().UTC()
}

func (o *Outbox) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Get returns one stored message, or an error wrapping
// sqldb.ErrNotFound.
func (o *Outbox) Get(ctx context.Context, id string) (Stored, error) {
	s, err := scanStored(o.DB.Read.QueryRowContext(ctx, `SELECT `+storedColumns+` FROM notify_sms WHERE id = $1`, id))
	if err != nil {
		return Stored{}, fmt.Errorf("notify: message %s: %w", id, sqldb.NotFound(err))
	}
	return s, nil
}

// Latest lists up to limit stored messages, newest first, to the mobile
// number to (canonical form) or to anyone when to is empty.
func (o *Outbox) Latest(ctx context.Context, to string, limit int) ([]Stored, error) {
	q := `SELECT ` + storedColumns + ` FROM notify_sms ORDER BY created_at DESC, id DESC LIMIT $1`
	args := []any{limit}
	if to != "" {
		q = `SELECT ` + storedColumns + ` FROM notify_sms WHERE to_mobile = $2 ORDER BY created_at DESC, id DESC LIMIT $1`
		args = append(args, to)
	}
	rows, err := o.DB.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("notify: latest messages: %w", err)
	}
	defer rows.Close()
	var out []Stored
	for rows.Next() {
		s, err := scanStored(rows)
		if err != nil {
			return nil, fmt.Errorf("notify: latest messages: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Purge deletes the messages that reached a final state before cutoff
// and returns how many it deleted. The outbox is a queue, not an archive:
// it holds texts, one-time codes among them, only as long as operators
// need them to answer questions.
func (o *Outbox) Purge(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := o.DB.Write.ExecContext(ctx, `DELETE FROM notify_sms
		WHERE status IN ('sent', 'failed', 'expired') AND created_at < $1`, cutoff.UTC())
	if err != nil {
		return 0, fmt.Errorf("notify: purge: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// WipeCodes empties the text of one-time-code messages that expired
// before now and are no longer to be sent, so a code outlives its use
// only as the keyed hash identity keeps. It returns how many it wiped.
func (o *Outbox) WipeCodes(ctx context.Context, now time.Time) (int64, error) {
	res, err := o.DB.Write.ExecContext(ctx, `UPDATE notify_sms SET body = '', updated_at = $1
		WHERE purpose = 'otp' AND body <> '' AND expires_at < $1 AND status IN ('sent', 'failed', 'expired')`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("notify: wipe codes: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// newID returns a random message ID: 24 hex digits.
func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
