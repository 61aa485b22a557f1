package notify

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Dispatcher delivers the outbox's messages through a Provider. Any
// number of dispatchers, in one process or on several nodes, may work on
// the same database: each claims a batch of due messages for a lease,
// sends them concurrently and records the outcomes. A message whose
// dispatcher dies while holding it is taken over when the lease lapses;
// it may then reach the phone twice, never zero times.
//
// Set the fields, then either Start and Close it or call Run.
type Dispatcher struct {
	Outbox   *Outbox
	Provider Provider
	// Logger receives failures and a line per message sent; nil discards.
	Logger *slog.Logger
	// Node names this dispatcher in its claims; empty means a random name.
	Node string
	// BatchSize is how many messages one claim takes; zero means 200.
	BatchSize int
	// Concurrency is how many messages are handed to the provider at
	// once; zero means 32.
	Concurrency int
	// MaxAttempts is how many times a message is tried before it is
	// marked failed; zero means 8.
	MaxAttempts int
	// Backoff returns how long to wait before the next try of a message
	// that has been tried attempts times; nil means DefaultBackoff.
	Backoff func(attempts int) time.Duration
	// Lease is how long a claim lasts; zero means one minute. A batch's
	// sends are cut off at half the lease so that no claim lapses while
	// its message is still being sent.
	Lease time.Duration
	// PollInterval is how often the outbox is checked when nothing woke
	// the dispatcher (messages from other nodes, retries that fell due);
	// zero means one second.
	PollInterval time.Duration
	// Linger is how long a dispatcher woken by a new message waits for
	// more before it claims, so that messages written in a burst (the
	// codes of many logins at once) go out in one batch, each costing
	// the database a share of one claim and one record rather than its
	// own; zero means 10 ms, negative none. A person waits seconds for a
	// code: 10 ms more is not noticed.
	Linger time.Duration
	// Retention, when positive, is how long messages in a final state
	// are kept before Run deletes them (checked hourly).
	Retention time.Duration

	stop context.CancelFunc
	done chan struct{}
}

// DefaultBackoff waits 5 seconds after the first attempt and doubles the
// wait after each further one, up to 10 minutes, with ±20% jitter so that
// messages failed together are not retried together.
func DefaultBackoff(attempts int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < attempts && d < 10*time.Minute; i++ {
		d *= 2
	}
	d = min(d, 10*time.Minute)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// Start runs the dispatcher in the background until ctx ends or Close is
// called.
func (d *Dispatcher) Start(ctx context.Context) {
	ctx, d.stop = context.WithCancel(ctx)
	d.done = make(chan struct{})
	go func() {
		defer close(d.done)
		_ = d.Run(ctx)
	}()
}

// Close stops a started dispatcher and waits for the batch in hand to be
// recorded.
func (d *Dispatcher) Close() {
	if d.stop != nil {
		d.stop()
		<-d.done
	}
}

// Run dispatches until ctx ends, then returns nil. It sends when the
// Outbox wakes it, once Linger has passed, and otherwise every
// PollInterval.
func (d *Dispatcher) Run(ctx context.Context) error {
	if d.Node == "" {
		d.Node = "dispatcher-" + newID()[:12]
	}
	defer d.Outbox.forgetProvider(d)
	poll := d.PollInterval
	if poll <= 0 {
		poll = time.Second
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	nextPurge, nextWipe := time.Now(), time.Now()
	linger := d.Linger
	if linger == 0 {
		linger = 10 * time.Millisecond
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		case <-d.Outbox.wakeups():
			if linger > 0 {
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(linger):
				}
			}
		}
		n, err := d.DispatchOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.logger().ErrorContext(ctx, "sms dispatch", "err", err)
		}
		if d.Retention > 0 && time.Now().After(nextPurge) {
			nextPurge = time.Now().Add(time.Hour)
			if _, err := d.Outbox.Purge(ctx, d.Outbox.now().Add(-d.Retention)); err != nil && ctx.Err() == nil {
				d.logger().ErrorContext(ctx, "sms purge", "err", err)
			}
		}
		if time.Now().After(nextWipe) {
			nextWipe = time.Now().Add(time.Minute)
			if _, err := d.Outbox.WipeCodes(ctx, d.Outbox.now()); err != nil && ctx.Err() == nil {
				d.logger().ErrorContext(ctx, "sms wipe codes", "err", err)
			}
		}
		wait := poll
		if err == nil && n >= d.batchSize() {
			wait = 0 // more are probably due
		}
		timer.Reset(wait)
	}
}

// DispatchOnce does one round: it marks the due messages that have
// expired, claims a batch, sends it and records what happened. It
// returns how many messages it claimed.
func (d *Dispatcher) DispatchOnce(ctx context.Context) (int, error) {
	db := d.Outbox.DB
	now := d.Outbox.now()
	if n, err := expireDue(ctx, db, now); err != nil {
		return 0, err
	} else if n > 0 {
		d.logger().InfoContext(ctx, "sms expired unsent", "count", n)
	}
	lease := d.Lease
	if lease <= 0 {
		lease = time.Minute
	}
	batch, err := claim(ctx, db, d.Node, now, now.Add(lease), d.batchSize())
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	outs := d.sendAll(ctx, batch, lease/2)
	d.observe(ctx, outs, d.Outbox.now())
	// The outcomes are recorded even when ctx has ended meanwhile: the
	// messages were handed over, and the record must say so.
	lost, err := record(context.WithoutCancel(ctx), db, d.Node, d.Outbox.now(), outs)
	if err != nil {
		return len(batch), err
	}
	for _, id := range lost {
		d.logger().WarnContext(ctx, "sms claim lapsed while sending; another dispatcher took it over", "id", id)
	}
	return len(batch), nil
}

// sendAll hands the batch to the provider, Concurrency at a time, and
// says what became of each message.
func (d *Dispatcher) sendAll(ctx context.Context, batch []Delivery, limit time.Duration) []outcome {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	outs := make([]outcome, len(batch))
	workers := d.Concurrency
	if workers <= 0 {
		workers = 32
	}
	workers = min(workers, len(batch))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				outs[i] = d.sendOne(ctx, batch[i])
			}
		})
	}
	for i := range batch {
		next <- i
	}
	close(next)
	wg.Wait()
	return outs
}

func (d *Dispatcher) sendOne(ctx context.Context, m Delivery) outcome {
	log := d.logger().With("id", m.ID, "purpose", m.Purpose, "to", MaskMobile(m.To), "attempt", m.Attempt)
	if !m.ExpiresAt.IsZero() && !d.Outbox.now().Before(m.ExpiresAt) {
		log.InfoContext(ctx, "sms expired unsent")
		return outcome{id: m.ID, status: StatusExpired, err: "expired before it could be sent"}
	}
	ref, err := d.Provider.Send(ctx, m)
	now := d.Outbox.now()
	if err == nil {
		log.InfoContext(ctx, "sms sent", "ref", ref)
		return outcome{id: m.ID, status: StatusSent, ref: ref, sentAt: now}
	}
	msg := err.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	maxAttempts := d.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 8
	}
	var unavailable *UnavailableError
	switch {
	case errors.As(err, &unavailable):
		// Nothing is wrong with the message and the provider could not
		// try it: it waits for the provider, its attempt given back, so
		// that a long outage of the operator's side does not use up the
		// attempts meant for transient trouble. The provider has logged
		// the cause.
		wait := unavailable.RetryAfter
		if wait <= 0 {
			wait = time.Minute
		}
		next := now.Add(wait)
		if !m.ExpiresAt.IsZero() && !next.Before(m.ExpiresAt) {
			log.InfoContext(ctx, "sms expires before the provider is available again", "err", err)
			return outcome{id: m.ID, status: StatusExpired, err: msg, unspent: true, reason: unavailable.Reason}
		}
		log.DebugContext(ctx, "sms held: provider unavailable", "err", err, "next", next)
		return outcome{id: m.ID, status: StatusQueued, next: next, err: msg, unspent: true, reason: unavailable.Reason}
	case errors.Is(err, ErrPermanent):
		log.WarnContext(ctx, "sms refused for good", "err", err)
		return outcome{id: m.ID, status: StatusFailed, err: msg}
	case m.Attempt >= maxAttempts:
		log.WarnContext(ctx, "sms failed: out of attempts", "err", err)
		return outcome{id: m.ID, status: StatusFailed, err: msg}
	}
	backoff := d.Backoff
	if backoff == nil {
		backoff = DefaultBackoff
	}
	next := now.Add(backoff(m.Attempt))
	if !m.ExpiresAt.IsZero() && !next.Before(m.ExpiresAt) {
		log.InfoContext(ctx, "sms expires before it could be retried", "err", err)
		return outcome{id: m.ID, status: StatusExpired, err: msg}
	}
	log.InfoContext(ctx, "sms attempt failed; will retry", "err", err, "next", next)
	return outcome{id: m.ID, status: StatusQueued, next: next, err: msg}
}

func (d *Dispatcher) batchSize() int {
	if d.BatchSize > 0 {
		return d.BatchSize
	}
	return 200
}

func (d *Dispatcher) logger() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.New(slog.DiscardHandler)
}
