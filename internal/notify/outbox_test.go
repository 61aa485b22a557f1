package notify

import (
	"context"
	"errors"
	"fmt"
	"github.com/panjereh/panjereh/internal/clocktest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// clock is the settable clock tests share.
type clock = clocktest.Clock

func newOutbox(t testing.TB) (*Outbox, *clock) {
	t.Helper()
	c := clocktest.New(time.Date(2025, 3, 21, 8, 30, 0, 0, time.UTC))
	return &Outbox{DB: sqldbtest.Open(t), Now: c.Now}, c
}

// recorder is a Provider that remembers what it was given and answers
// with the errors queued in fail, then success.
type recorder struct {
	mu   sync.Mutex
	got  []Delivery
	fail []error
}

func (r *recorder) Send(ctx context.Context, d Delivery) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, d)
	if len(r.fail) > 0 {
		err := r.fail[0]
		r.fail = r.fail[1:]
		return "", err
	}
	return fmt.Sprintf("ref-%d", len(r.got)), nil
}

func (r *recorder) sent() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Delivery(nil), r.got...)
}

func mustGet(t *testing.T, o *Outbox, id string) Stored {
	t.Helper()
	s, err := o.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func dispatchOnce(t *testing.T, d *Dispatcher) int {
	t.Helper()
	n, err := d.DispatchOnce(context.Background())
	if err != nil {
		t.Fatalf("dispatch: %v", err)
	}
	return n
}

func TestEnqueueInRolledBackTransactionIsNeverSent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, _ := newOutbox(t)
	var id string
	boom := errors.New("the caller's work failed")
	err := o.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var err error
		if id, err = o.Enqueue(ctx, tx, Message{To: "09121234567", Body: "کد ورود: 123456", Purpose: "otp"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want the caller's error", err)
	}
	select {
	case <-o.wakeups():
		t.Error("a rolled-back enqueue woke the dispatchers")
	default:
	}
	p := &recorder{}
	if n := dispatchOnce(t, &Dispatcher{Outbox: o, Provider: p}); n != 0 {
		t.Errorf("dispatched %d messages, want 0", n)
	}
	if got := p.sent(); len(got) != 0 {
		t.Errorf("sent %v", got)
	}
	if _, err := o.Get(ctx, id); !errors.Is(err, sqldb.ErrNotFound) {
		t.Errorf("Get(rolled back) = %v, want ErrNotFound", err)
	}
}

func TestEnqueueInCommittedTransactionWakesAfterCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, _ := newOutbox(t)
	var id string
	err := o.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var err error
		id, err = o.Enqueue(ctx, tx, Message{To: "09121234567", Body: "سلام"})
		select {
		case <-o.wakeups():
			t.Error("woken before the commit")
		default:
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-o.wakeups():
	default:
		t.Fatal("not woken after the commit")
	}
	p := &recorder{}
	dispatchOnce(t, &Dispatcher{Outbox: o, Provider: p})
	if got := mustGet(t, o, id); got.Status != StatusSent || got.ProviderRef != "ref-1" || got.Attempts != 1 {
		t.Errorf("after dispatch: status %s, ref %q, attempts %d", got.Status, got.ProviderRef, got.Attempts)
	}
}

func TestSendNormalises(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, _ := newOutbox(t)
	id, err := o.Send(ctx, Message{To: "+98 912 123 4567", Body: "  كد ورود شما\r\n\r\n۱۲۳۴۵۶  \n", Sender: "۴۰۴۰۱۲"})
	if err != nil {
		t.Fatal(err)
	}
	s := mustGet(t, o, id)
	if s.To != "09121234567" || s.Sender != "404012" || s.Purpose != "notice" || s.Status != StatusQueued {
		t.Errorf("stored %+v", s)
	}
	if want := "کد ورود شما\n\n۱۲۳۴۵۶"; s.Body != want {
		t.Errorf("body = %q, want %q", s.Body, want)
	}
}

func TestInvalidMessagesAreRejected(t *testing.T) {
	t.Parallel()
	o, c := newOutbox(t)
	long := ""
	for range MaxBodyUnits + 1 {
		long += "ب"
	}
	tests := []struct {
		name        string
		msg         Message
		field, code string
	}{
		{"short mobile", Message{To: "0912123456", Body: "x"}, "to", iran.CodeLength},
		{"foreign mobile", Message{To: "+44 7700 900123", Body: "x"}, "to", iran.CodeCountry},
		{"landline", Message{To: "02112345678", Body: "x"}, "to", iran.CodeFormat},
		{"letters", Message{To: "0912abc4567", Body: "x"}, "to", iran.CodeNonDigit},
		{"unknown operator", Message{To: "09791234567", Body: "x"}, "to", iran.CodePrefix},
		{"empty body", Message{To: "09121234567", Body: " \u200c \n "}, "body", "empty"},
		{"long body", Message{To: "09121234567", Body: long}, "body", "length"},
		{"other sender", Message{To: "09121234567", Body: "x", Sender: "3000"}, "sender", "sender"},
		{"purpose", Message{To: "09121234567", Body: "x", Purpose: "One Time"}, "purpose", "purpose"},
		{"expired", Message{To: "09121234567", Body: "x", ExpiresAt: c.Now()}, "expires_at", "past"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := o.Send(context.Background(), tt.msg)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Send = %v, want ErrInvalid", err)
			}
			var inv *InvalidError
			if !errors.As(err, &inv) || inv.Field != tt.field || inv.Code != tt.code || inv.En == "" || inv.Fa == "" {
				t.Fatalf("error %#v, want field %s code %s with both texts", inv, tt.field, tt.code)
			}
			if tt.field == "to" {
				var ve *iran.ValidationError
				if !errors.As(err, &ve) {
					t.Errorf("%v does not wrap the *iran.ValidationError", err)
				}
			}
		})
	}
	t.Run("message names the number", func(t *testing.T) {
		_, err := o.Send(context.Background(), Message{To: "0912123456", Body: "x"})
		if want := "notify: invalid to: a mobile number has 11 digits starting with 09; 10 were given"; err.Error() != want {
			t.Errorf("error = %q, want %q", err, want)
		}
	})
	if got, _ := o.Latest(context.Background(), "", 10); len(got) != 0 {
		t.Errorf("rejected messages were stored: %v", got)
	}
}

func TestTransientFailureIsRetriedWithBackoff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, c := newOutbox(t)
	p := &recorder{fail: []error{errors.New("smsc busy"), errors.New("smsc busy")}}
	d := &Dispatcher{Outbox: o, Provider: p, Backoff: func(n int) time.Duration { return time.Duration(n) * time.Minute }}
	id, err := o.Send(ctx, Message{To: "09121234567", Body: "اطلاعیه"})
	if err != nil {
		t.Fatal(err)
	}
	dispatchOnce(t, d)
	s := mustGet(t, o, id)
	if s.Status != StatusQueued || s.Attempts != 1 || s.LastError != "smsc busy" || !s.NextAttempt.Equal(c.Now().Add(time.Minute)) {
		t.Fatalf("after a failure: %+v", s)
	}
	// Not due yet: nothing happens.
	c.Add(59 * time.Second)
	if n := dispatchOnce(t, d); n != 0 {
		t.Fatalf("claimed %d messages before their time", n)
	}
	c.Add(time.Second)
	dispatchOnce(t, d)
	if s := mustGet(t, o, id); s.Status != StatusQueued || s.Attempts != 2 || !s.NextAttempt.Equal(c.Now().Add(2*time.Minute)) {
		t.Fatalf("after a second failure: %+v", s)
	}
	c.Add(2 * time.Minute)
	dispatchOnce(t, d)
	s = mustGet(t, o, id)
	if s.Status != StatusSent || s.Attempts != 3 || s.ProviderRef != "ref-3" || !s.SentAt.Equal(c.Now()) {
		t.Fatalf("after success: %+v", s)
	}
	if got := p.sent(); len(got) != 3 || got[2].Attempt != 3 {
		t.Errorf("provider saw %d attempts", len(got))
	}
}

func TestPermanentFailureIsRecorded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, c := newOutbox(t)
	p := &recorder{fail: []error{Permanent(errors.New("destination barred"))}}
	d := &Dispatcher{Outbox: o, Provider: p}
	id, _ := o.Send(ctx, Message{To: "09121234567", Body: "اطلاعیه"})
	dispatchOnce(t, d)
	s := mustGet(t, o, id)
	if s.Status != StatusFailed || s.LastError != "destination barred" || s.Attempts != 1 {
		t.Fatalf("after a permanent failure: %+v", s)
	}
	c.Add(time.Hour)
	if n := dispatchOnce(t, d); n != 0 || len(p.sent()) != 1 {
		t.Errorf("a failed message was tried again")
	}
}

func TestAttemptsAreLimited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, c := newOutbox(t)
	p := ProviderFunc(func(context.Context, Delivery) (string, error) { return "", errors.New("down") })
	d := &Dispatcher{Outbox: o, Provider: p, MaxAttempts: 3, Backoff: func(int) time.Duration { return time.Second }}
	id, _ := o.Send(ctx, Message{To: "09121234567", Body: "اطلاعیه"})
	for range 5 {
		dispatchOnce(t, d)
		c.Add(time.Second)
	}
	if s := mustGet(t, o, id); s.Status != StatusFailed || s.Attempts != 3 || s.LastError != "down" {
		t.Fatalf("after the attempts ran out: %+v", s)
	}
}

func TestExpiredOTPIsNotSentLate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, c := newOutbox(t)
	p := &recorder{}
	d := &Dispatcher{Outbox: o, Provider: p}
	id, err := o.Send(ctx, Message{To: "09121234567", Body: "کد: 123456", Purpose: "otp", ExpiresAt: c.Now().Add(2 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	c.Add(2 * time.Minute) // the dispatchers were all down until the code expired
	dispatchOnce(t, d)
	if s := mustGet(t, o, id); s.Status != StatusExpired || s.SentAt != (time.Time{}) {
		t.Fatalf("an expired code: %+v", s)
	}
	if got := p.sent(); len(got) != 0 {
		t.Fatalf("an expired code was sent: %v", got)
	}
}

func TestRetryThatWouldComeTooLateExpires(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, c := newOutbox(t)
	p := &recorder{fail: []error{errors.New("throttled")}}
	d := &Dispatcher{Outbox: o, Provider: p, Backoff: func(int) time.Duration { return 3 * time.Minute }}
	id, _ := o.Send(ctx, Message{To: "09121234567", Body: "کد: 123456", Purpose: "otp", ExpiresAt: c.Now().Add(2 * time.Minute)})
	dispatchOnce(t, d)
	if s := mustGet(t, o, id); s.Status != StatusExpired || s.LastError != "throttled" {
		t.Fatalf("%+v", s)
	}
}

func TestLapsedClaimIsTakenOver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, c := newOutbox(t)
	id, _ := o.Send(ctx, Message{To: "09121234567", Body: "اطلاعیه"})
	// A dispatcher claims the message and dies before recording anything.
	got, err := claim(ctx, o.DB, "crashed", c.Now(), c.Now().Add(time.Minute), 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("claim = %v, %v", got, err)
	}
	p := &recorder{}
	d := &Dispatcher{Outbox: o, Provider: p, Node: "survivor"}
	if n := dispatchOnce(t, d); n != 0 {
		t.Fatalf("took over a claim that had not lapsed")
	}
	c.Add(time.Minute)
	dispatchOnce(t, d)
	if s := mustGet(t, o, id); s.Status != StatusSent || s.Attempts != 2 {
		t.Fatalf("after the take-over: %+v", s)
	}
	// The dead dispatcher's late outcome does not overwrite it.
	lost, err := record(ctx, o.DB, "crashed", c.Now(), []outcome{{id: id, status: StatusFailed, err: "late"}})
	if err != nil || len(lost) != 1 {
		t.Fatalf("record = %v, %v; want the claim reported lost", lost, err)
	}
	if s := mustGet(t, o, id); s.Status != StatusSent {
		t.Fatalf("a lapsed claim overwrote the outcome: %+v", s)
	}
}

func TestTwoDispatchersNeverSendTwice(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	o := &Outbox{DB: sqldbtest.Open(t)}
	const n = 600
	var mu sync.Mutex
	seen := map[string]int{}
	var total atomic.Int64
	p := ProviderFunc(func(ctx context.Context, d Delivery) (string, error) {
		time.Sleep(time.Duration(len(d.ID)%3) * time.Millisecond) // let the batches overlap
		mu.Lock()
		seen[d.ID]++
		mu.Unlock()
		total.Add(1)
		return "ok", nil
	})
	var ds []*Dispatcher
	for i := range 2 {
		// Each dispatcher has its own Outbox value, as two nodes would.
		d := &Dispatcher{Outbox: &Outbox{DB: o.DB}, Provider: p, Node: fmt.Sprint("node-", i), BatchSize: 50,
			PollInterval: 5 * time.Millisecond}
		d.Start(ctx)
		ds = append(ds, d)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range n / 4 {
				if _, err := o.Send(ctx, Message{To: "09121234567", Body: fmt.Sprintf("پیام %d-%d", w, i)}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	for total.Load() < n && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	for _, d := range ds {
		d.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != n || total.Load() != n {
		t.Fatalf("%d distinct messages sent %d times in all, want %d once each", len(seen), total.Load(), n)
	}
	var sent int
	if err := o.DB.Read.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notify_sms WHERE status = 'sent'`).Scan(&sent); err != nil || sent != n {
		t.Fatalf("%d rows marked sent (%v), want %d", sent, err, n)
	}
}

func TestPurgeKeepsPendingMessages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, c := newOutbox(t)
	sent, _ := o.Send(ctx, Message{To: "09121234567", Body: "یک"})
	dispatchOnce(t, &Dispatcher{Outbox: o, Provider: &recorder{}})
	queued, _ := o.Send(ctx, Message{To: "09121234567", Body: "دو"})
	c.Add(time.Hour)
	n, err := o.Purge(ctx, c.Now())
	if err != nil || n != 1 {
		t.Fatalf("Purge = %d, %v; want 1", n, err)
	}
	if _, err := o.Get(ctx, sent); !errors.Is(err, sqldb.ErrNotFound) {
		t.Errorf("the sent message survived")
	}
	mustGet(t, o, queued)
}

func BenchmarkEnqueue(b *testing.B) {
	ctx := context.Background()
	o := &Outbox{DB: sqldbtest.Open(b)}
	m := Message{To: "09121234567", Body: "کد ورود شما به دولت من: 482915\nاین کد را به کسی ندهید.", Purpose: "otp",
		ExpiresAt: time.Now().Add(time.Hour)}
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			if _, err := o.Send(ctx, m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := o.Send(ctx, m); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

func TestExpiredCodesAreWiped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, c := newOutbox(t)
	p := &recorder{}
	d := &Dispatcher{Outbox: o, Provider: p}
	exp := c.Now().Add(2 * time.Minute)
	sent, err := o.Send(ctx, Message{To: "09121234567", Body: "کد ورود: 123456", Purpose: "otp", ExpiresAt: exp})
	if err != nil {
		t.Fatal(err)
	}
	notice, err := o.Send(ctx, Message{To: "09121234567", Body: "پروانهٔ شما تمدید شد.", Purpose: "notice", ExpiresAt: exp})
	if err != nil {
		t.Fatal(err)
	}
	dispatchOnce(t, d)
	// While the code can still be used it is kept (the development page
	// shows it); once it has expired it is wiped, and other messages stay.
	if n, err := o.WipeCodes(ctx, c.Now()); err != nil || n != 0 {
		t.Fatalf("wiped %d %v before expiry", n, err)
	}
	c.Add(2*time.Minute + time.Second)
	if n, err := o.WipeCodes(ctx, c.Now()); err != nil || n != 1 {
		t.Fatalf("wiped %d %v, want 1", n, err)
	}
	if s := mustGet(t, o, sent); s.Body != "" || s.Status != StatusSent {
		t.Errorf("expired code: %+v", s)
	}
	if s := mustGet(t, o, notice); s.Body == "" {
		t.Errorf("a notice was wiped: %+v", s)
	}
}

// TestBurstGoesInOneBatch: a dispatcher woken by a message waits its
// linger for more, so messages written one after another go out in one
// claim and are recorded together (the same update time).
func TestBurstGoesInOneBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o := &Outbox{DB: sqldbtest.Open(t)}
	var sent atomic.Int64
	d := &Dispatcher{Outbox: o, Provider: ProviderFunc(func(context.Context, Delivery) (string, error) {
		sent.Add(1)
		return "ref", nil
	}), Linger: 500 * time.Millisecond, PollInterval: time.Hour}
	d.Start(ctx)
	defer d.Close()
	// A first message, sent on its own, leaves the dispatcher waiting.
	primer, err := o.Send(ctx, Message{To: "09121234560", Body: "نخست"})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); mustGet(t, o, primer).Status != StatusSent; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first message was not sent")
		}
	}
	sent.Store(0)
	var ids []string
	for i := range 5 {
		id, err := o.Send(ctx, Message{To: fmt.Sprintf("0912123456%d", i), Body: "اطلاعیه"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for deadline := time.Now().Add(10 * time.Second); sent.Load() < 5; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of 5 messages sent", sent.Load())
		}
	}
	d.Close()
	first := mustGet(t, o, ids[0])
	for _, id := range ids {
		if s := mustGet(t, o, id); s.Status != StatusSent || !s.UpdatedAt.Equal(first.UpdatedAt) {
			t.Errorf("message %s: %s at %v, want sent with the first, at %v", id, s.Status, s.UpdatedAt, first.UpdatedAt)
		}
	}
}

func TestUnavailableProviderKeepsAttempts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	o, c := newOutbox(t)
	refused := Unavailable(errors.New("bind refused"), 2*time.Minute)
	p := &recorder{fail: []error{refused, refused, refused, refused}}
	d := &Dispatcher{Outbox: o, Provider: p, MaxAttempts: 2}
	id, _ := o.Send(ctx, Message{To: "09121234567", Body: "اطلاعیه"})
	code, _ := o.Send(ctx, Message{To: "09351112233", Body: "کد: 123456", Purpose: "otp", ExpiresAt: c.Now().Add(3 * time.Minute)})
	dispatchOnce(t, d)
	if s := mustGet(t, o, id); s.Status != StatusQueued || s.Attempts != 0 || s.LastError != "bind refused" || !s.NextAttempt.Equal(c.Now().Add(2*time.Minute)) {
		t.Fatalf("after the provider was unavailable: %+v", s)
	}
	if s := mustGet(t, o, code); s.Status != StatusQueued || s.Attempts != 0 {
		t.Fatalf("a code after the provider was unavailable: %+v", s)
	}
	// Still unavailable at the retry: the notice waits on, more times
	// than MaxAttempts allows transient failures; the code would only be
	// tried again after its expiry, so it expires.
	c.Add(2 * time.Minute)
	dispatchOnce(t, d)
	if s := mustGet(t, o, id); s.Status != StatusQueued || s.Attempts != 0 {
		t.Fatalf("after the provider was unavailable twice: %+v", s)
	}
	if s := mustGet(t, o, code); s.Status != StatusExpired || s.Attempts != 0 || s.LastError != "bind refused" {
		t.Fatalf("a code the provider could not send in time: %+v", s)
	}
	c.Add(2 * time.Minute)
	dispatchOnce(t, d)
	if s := mustGet(t, o, id); s.Status != StatusSent || s.Attempts != 1 {
		t.Fatalf("once the provider was back: %+v", s)
	}
}
