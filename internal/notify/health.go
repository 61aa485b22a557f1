package notify

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/panjereh/panjereh/internal/web"
)

// ProviderState is whether a dispatcher's provider can send, as the
// messages the dispatcher handed it found it.
type ProviderState struct {
	// Unavailable holds from the first message the provider could not
	// try because it was unavailable (ErrUnavailable, such as an SMSC
	// refusing the bind) until it next sends one. A transient failure, which the
	// dispatcher retries, changes nothing.
	Unavailable bool
	// Since is when the provider was first found unavailable; zero while
	// it is available.
	Since time.Time
	// Err is the provider's latest error saying it is unavailable. The
	// SMPP client's names the SMSC's address, the system ID and the
	// refusal, never the password.
	Err string
	// Reason is the same error's public cause (UnavailableError.Reason),
	// which /healthz shows, such as the SMSC's refusal without its
	// address.
	Reason string
}

// State returns the state of the dispatcher's provider. A dispatcher
// that has handed it no message yet, or has stopped, reports it
// available.
func (d *Dispatcher) State() ProviderState {
	o := d.Outbox
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.unavailable[d]
}

// observe updates the provider's state, which the Outbox keeps for each
// of its dispatchers, from a batch's outcomes: a message sent shows it
// available; one held because it was unavailable, with none sent, shows
// it unavailable. Other outcomes say nothing of it.
func (d *Dispatcher) observe(ctx context.Context, outs []outcome, now time.Time) {
	sent, held := false, -1
	for i, o := range outs {
		sent = sent || o.status == StatusSent
		if o.unspent && held < 0 {
			held = i
		}
	}
	o := d.Outbox
	o.mu.Lock()
	defer o.mu.Unlock()
	st := o.unavailable[d]
	switch {
	case sent && st.Unavailable:
		d.logger().InfoContext(ctx, "sms provider available again",
			"unavailable_for", now.Sub(st.Since).Round(time.Second).String())
		delete(o.unavailable, d)
	case !sent && held >= 0:
		// The provider has logged the cause as an error; this line only
		// marks the moment /healthz starts to report it.
		if !st.Unavailable {
			d.logger().InfoContext(ctx, "sms provider unavailable; messages are held", "err", outs[held].err)
			st = ProviderState{Unavailable: true, Since: now}
		}
		st.Err, st.Reason = outs[held].err, outs[held].reason
		if o.unavailable == nil {
			o.unavailable = make(map[*Dispatcher]ProviderState)
		}
		o.unavailable[d] = st
	}
}

// forgetProvider drops what dispatcher d found of its provider: a
// dispatcher that stopped no longer speaks for it, in Health or its own
// State; started again, it learns anew.
func (o *Outbox) forgetProvider(d *Dispatcher) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.unavailable, d)
}

// Health is the state of SMS delivery: the outbox's queue, which every
// node shares, and the provider as this process's dispatchers found it.
type Health struct {
	// Provider is unavailable when any of this process's running
	// dispatchers found its provider so; Since and Err are then those of
	// the one that has been unavailable longest.
	Provider ProviderState
	// Queued is how many messages wait to be sent, queued or being sent,
	// on every node.
	Queued int
	// OldestQueued is when the oldest of them was stored; zero when none
	// waits.
	OldestQueued time.Time
}

// Health returns the state of SMS delivery. It costs one query, over the
// index of the messages still to be sent (notify_sms_due), which grows
// with the queue and not with the messages kept after sending.
func (o *Outbox) Health(ctx context.Context) (Health, error) {
	var h Health
	o.mu.Lock()
	for _, st := range o.unavailable {
		if !h.Provider.Unavailable || st.Since.Before(h.Provider.Since) {
			h.Provider = st
		}
	}
	o.mu.Unlock()
	var oldest sql.NullTime
	err := o.DB.Read.QueryRowContext(ctx, `SELECT count(*), min(created_at) FROM notify_sms
		WHERE status IN ('queued', 'sending')`).Scan(&h.Queued, &oldest)
	if err != nil {
		return Health{}, fmt.Errorf("notify: health: %w", err)
	}
	h.OldestQueued = oldest.Time
	return h, nil
}

// HealthCheck is the outbox's check for the web shell's /healthz, named
// "sms": "unavailable" while the provider is, with when it became so and
// its public cause, and otherwise "ok"; in either case with the queue's length
// and the age of its oldest message as details.
func (o *Outbox) HealthCheck() web.HealthCheck {
	return web.HealthCheck{Name: "sms", Check: func(ctx context.Context) web.ComponentHealth {
		h, err := o.Health(ctx)
		if err != nil {
			o.logger().ErrorContext(ctx, "sms health", "err", err)
			return web.ComponentHealth{Status: "unknown", Error: "the outbox could not be read",
				Detail:   "Whether SMS can be sent is not known: the outbox could not be read.",
				DetailFa: "معلوم نیست پیامک فرستاده می‌شود یا نه: صف پیامک‌ها خوانده نشد."}
		}
		c := web.ComponentHealth{Status: "ok", Details: map[string]any{"queued": h.Queued}}
		if !h.OldestQueued.IsZero() {
			c.Details["oldest_queued_seconds"] = max(0, int64(o.now().Sub(h.OldestQueued)/time.Second))
		}
		if p := h.Provider; p.Unavailable {
			// Whoever reaches /healthz reads it: the error's public
			// cause only; the log has the whole error.
			c.Status, c.Since, c.Error = "unavailable", p.Since, p.Reason
			c.Detail = "No SMS can be sent, so nobody receives a login code: the SMS provider is unavailable " +
				"(the operator's SMSC refuses the bind) until its settings are corrected. Messages wait in the outbox."
			c.DetailFa = "هیچ پیامکی فرستاده نمی‌شود و کد ورود به کسی نمی‌رسد: سامانهٔ پیامک تا اصلاح تنظیمات در دسترس نیست " +
				"(مرکز پیامک اپراتور اتصال را نمی‌پذیرد). پیامک‌ها در صف می‌مانند."
		}
		return c
	}}
}
