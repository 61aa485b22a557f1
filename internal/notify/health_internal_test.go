package notify

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// What each batch's outcomes do to the provider's state: only a message
// held for ErrUnavailable makes it unavailable, and only a message sent
// makes it available again.
func TestProviderStateFollowsOutcomes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, c := newOutbox(t)
	// Each step's message is the only one due: those of earlier steps
	// wait an hour.
	refused := Unavailable(errors.New("bind refused"), time.Hour)
	p := &recorder{}
	d := &Dispatcher{Outbox: o, Provider: p, Backoff: func(int) time.Duration { return time.Hour }}
	since := c.Now().Add(time.Minute) // the second step's
	down := ProviderState{Unavailable: true, Since: since, Err: "bind refused"}
	for _, step := range []struct {
		name string
		fail []error // the provider's answers, in order; then success
		want ProviderState
	}{
		{"a transient failure says nothing of availability", []error{errors.New("connection reset")}, ProviderState{}},
		{"refused: unavailable", []error{refused}, down},
		{"a transient failure leaves it unavailable", []error{errors.New("connection reset")}, down},
		{"a permanent refusal leaves it unavailable", []error{Permanent(errors.New("bad address"))}, down},
		{"refused again: unavailable since the first time", []error{Unavailable(errors.New("bind refused again"), time.Hour)},
			ProviderState{Unavailable: true, Since: since, Err: "bind refused again"}},
		{"a message sent: available", nil, ProviderState{}},
	} {
		p.mu.Lock()
		p.fail = step.fail
		p.mu.Unlock()
		if _, err := o.Send(ctx, Message{To: "09121234567", Body: "اطلاعیه"}); err != nil {
			t.Fatal(err)
		}
		if n := dispatchOnce(t, d); n != 1 {
			t.Fatalf("%s: claimed %d messages, want 1", step.name, n)
		}
		if diff := cmp.Diff(step.want, d.State()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", step.name, diff)
		}
		h, err := o.Health(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(step.want, h.Provider); diff != "" {
			t.Errorf("%s: the outbox's health (-want +got):\n%s", step.name, diff)
		}
		c.Add(time.Minute)
	}
}

// A batch in which some messages went out shows the provider available,
// whatever became of the others.
func TestProviderAvailableWhenAnyMessageSent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, _ := newOutbox(t)
	d := &Dispatcher{Outbox: o, Concurrency: 1, Provider: &recorder{
		fail: []error{Unavailable(errors.New("bind refused"), time.Minute)}}}
	for range 2 {
		if _, err := o.Send(ctx, Message{To: "09121234567", Body: "اطلاعیه"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := dispatchOnce(t, d); n != 2 {
		t.Fatalf("claimed %d", n)
	}
	if st := d.State(); st.Unavailable {
		t.Errorf("state %+v, want available", st)
	}
}

// The outbox's health speaks for the dispatchers running on it in this
// process: unavailable since the earliest of them found its provider so,
// until none does, and a dispatcher that stopped no longer counts.
func TestHealthAcrossDispatchers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, c := newOutbox(t)
	refusing := ProviderFunc(func(context.Context, Delivery) (string, error) {
		return "", Unavailable(errors.New("first refused"), time.Minute)
	})
	first := &Dispatcher{Outbox: o, Provider: refusing}
	if _, err := o.Send(ctx, Message{To: "09121234567", Body: "یک"}); err != nil {
		t.Fatal(err)
	}
	dispatchOnce(t, first)
	since := c.Now()

	c.Add(time.Minute)
	second := &Dispatcher{Outbox: o, Provider: ProviderFunc(func(context.Context, Delivery) (string, error) {
		return "", Unavailable(errors.New("second refused"), time.Minute)
	})}
	dispatchOnce(t, second)
	h, err := o.Health(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := Health{Provider: ProviderState{Unavailable: true, Since: since, Err: "first refused"}, Queued: 1, OldestQueued: since}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("two dispatchers refused (-want +got):\n%s", diff)
	}

	// The first, run and stopped, no longer speaks for the provider; the
	// second still does.
	runCtx, stop := context.WithCancel(ctx)
	stop()
	if err := first.Run(runCtx); err != nil {
		t.Fatal(err)
	}
	if h, _ := o.Health(ctx); h.Provider.Err != "second refused" || !h.Provider.Since.Equal(since.Add(time.Minute)) {
		t.Errorf("after the first stopped: %+v", h.Provider)
	}
	if st := first.State(); st != (ProviderState{}) {
		t.Errorf("the stopped dispatcher's own state: %+v", st)
	}
	second.Provider = &recorder{}
	c.Add(time.Minute)
	dispatchOnce(t, second)
	if h, _ := o.Health(ctx); h != (Health{}) {
		t.Errorf("after the second sent: %+v", h)
	}
}
