package smpp_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/clocktest"
	"github.com/panjereh/panjereh/internal/notify"
	"github.com/panjereh/panjereh/internal/notify/smpp"
	"github.com/panjereh/panjereh/internal/notify/smsc"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

func startSMSC(t *testing.T, addr string) *smsc.Server {
	t.Helper()
	s := &smsc.Server{SystemID: "panjereh", Password: "s3cret"}
	if err := s.Listen(addr); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func newClient(t *testing.T, addr string) *smpp.Client {
	t.Helper()
	c := &smpp.Client{Addr: addr, SystemID: "panjereh", Password: "s3cret", Timeout: 2 * time.Second,
		ReconnectDelay: time.Nanosecond}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func delivery(body string) notify.Delivery {
	return notify.Delivery{ID: "t", Attempt: 1, To: "09121234567", Sender: "4040", Body: body, Purpose: "notice"}
}

func waitCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// longText is a Persian notice of 201 characters: three full parts.
var longText = strings.Repeat("پیگیری ", 28) + "پایان"

func TestDispatcherDeliversPersianThroughSMPP(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	srv := startSMSC(t, "127.0.0.1:0")
	o := &notify.Outbox{DB: sqldbtest.Open(t)}
	d := &notify.Dispatcher{Outbox: o, Provider: newClient(t, srv.Addr())}

	otp, err := o.Send(ctx, notify.Message{To: "0912 123 4567", Body: "دولت من\nکد ورود شما: 482915\nmy.gov.ir code: 482915",
		Purpose: "otp", ExpiresAt: time.Now().Add(2 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	long, err := o.Send(ctx, notify.Message{To: "+989351112233", Sender: "4040123", Body: longText})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.DispatchOnce(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := srv.Wait(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	byDest := map[string]smsc.Message{}
	for _, m := range got {
		byDest[m.Dest] = m
	}
	m := byDest["989121234567"]
	if m.Text != "دولت من\nکد ورود شما: 482915\nmy.gov.ir code: 482915" || m.Source != "4040" || m.DataCoding != smpp.DataCodingUCS2 || m.Parts != 1 {
		t.Errorf("the code arrived as %+v", m)
	}
	if m.SourceAddr != (smpp.Addressing{TON: 3, NPI: 0}) || m.DestAddr != (smpp.Addressing{TON: 1, NPI: 1}) {
		t.Errorf("addressing %+v -> %+v", m.SourceAddr, m.DestAddr)
	}
	if !strings.HasPrefix(m.Validity, "00000000") || !strings.HasSuffix(m.Validity, "000R") || len(m.Validity) != 16 {
		t.Errorf("validity period %q, want a relative one of about two minutes", m.Validity)
	}
	l := byDest["989351112233"]
	if l.Text != longText || l.Parts != 3 || l.Source != "4040123" || l.Validity != "" {
		t.Errorf("the long text arrived as %+v", l)
	}
	for id, parts := range map[string]int{otp: 1, long: 3} {
		s, err := o.Get(ctx, id)
		if err != nil || s.Status != notify.StatusSent || len(strings.Fields(s.ProviderRef)) != parts {
			t.Errorf("stored %+v, %v; want sent with %d references", s, err, parts)
		}
	}
}

func TestTransientRefusalIsRetried(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	srv := startSMSC(t, "127.0.0.1:0")
	srv.FailNext(smpp.StatusThrottled)
	o := &notify.Outbox{DB: sqldbtest.Open(t)}
	d := &notify.Dispatcher{Outbox: o, Provider: newClient(t, srv.Addr()), Backoff: func(int) time.Duration { return 0 }}
	id, _ := o.Send(ctx, notify.Message{To: "09121234567", Body: "سلام"})
	if _, err := d.DispatchOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if s, _ := o.Get(ctx, id); s.Status != notify.StatusQueued || !strings.Contains(s.LastError, "ESME_RTHROTTLED") {
		t.Fatalf("after throttling: %+v", s)
	}
	if _, err := d.DispatchOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if s, _ := o.Get(ctx, id); s.Status != notify.StatusSent || s.Attempts != 2 {
		t.Fatalf("after the retry: %+v", s)
	}
	if got := srv.Messages(); len(got) != 1 || got[0].Text != "سلام" {
		t.Fatalf("the SMSC accepted %+v", got)
	}
}

func TestPermanentRefusalIsRecorded(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	srv := startSMSC(t, "127.0.0.1:0")
	srv.FailNext(smpp.StatusInvDstAdr)
	o := &notify.Outbox{DB: sqldbtest.Open(t)}
	d := &notify.Dispatcher{Outbox: o, Provider: newClient(t, srv.Addr()), Backoff: func(int) time.Duration { return 0 }}
	id, _ := o.Send(ctx, notify.Message{To: "09121234567", Body: "سلام"})
	for range 2 {
		if _, err := d.DispatchOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if s, _ := o.Get(ctx, id); s.Status != notify.StatusFailed || !strings.Contains(s.LastError, "ESME_RINVDSTADR") || s.Attempts != 1 {
		t.Fatalf("after a refusal: %+v", s)
	}
	if srv.Submits() != 1 {
		t.Errorf("%d submit_sm, want 1", srv.Submits())
	}
}

func TestGenericNack(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	srv := startSMSC(t, "127.0.0.1:0")
	c := newClient(t, srv.Addr())
	srv.NackNext(smpp.StatusSysErr, smpp.StatusInvCmdLen)
	_, err := c.Send(ctx, delivery("یک"))
	var se *smpp.StatusError
	if !errors.As(err, &se) || se.Command != smpp.GenericNack || se.Status != smpp.StatusSysErr || errors.Is(err, notify.ErrPermanent) {
		t.Errorf("first = %v, want a transient generic_nack", err)
	}
	_, err = c.Send(ctx, delivery("دو"))
	if !errors.As(err, &se) || se.Status != smpp.StatusInvCmdLen || !errors.Is(err, notify.ErrPermanent) {
		t.Errorf("second = %v, want a permanent generic_nack", err)
	}
	if _, err := c.Send(ctx, delivery("سه")); err != nil {
		t.Errorf("after the nacks: %v", err)
	}
}

func TestReconnectAfterSMSCRestart(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	srv := startSMSC(t, "127.0.0.1:0")
	addr := srv.Addr()
	c := newClient(t, addr)
	if _, err := c.Send(ctx, delivery("پیش از")); err != nil {
		t.Fatal(err)
	}
	_ = srv.Close()
	_, err := c.Send(ctx, delivery("در نبود"))
	if err == nil || errors.Is(err, notify.ErrPermanent) {
		t.Fatalf("with the SMSC down: %v, want a transient error", err)
	}
	srv2 := startSMSC(t, addr)
	// A message caught in the connection's last moments may fail once;
	// the next binds again.
	for attempt := 1; ; attempt++ {
		_, err = c.Send(ctx, delivery("پس از"))
		if err == nil {
			break
		}
		if attempt == 3 || errors.Is(err, notify.ErrPermanent) {
			t.Fatalf("after the restart: %v", err)
		}
	}
	if got, err := srv2.Wait(ctx, 1); err != nil || got[0].Text != "پس از" || srv2.Binds() != 1 {
		t.Fatalf("the restarted SMSC has %+v (%v), %d binds", got, err, srv2.Binds())
	}
}

func TestUnbindBySMSC(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	srv := startSMSC(t, "127.0.0.1:0")
	c := newClient(t, srv.Addr())
	if _, err := c.Send(ctx, delivery("یک")); err != nil {
		t.Fatal(err)
	}
	srv.Unbind()
	for attempt := 1; ; attempt++ {
		_, err := c.Send(ctx, delivery("دو"))
		if err == nil {
			break
		}
		if attempt == 3 {
			t.Fatalf("after unbind: %v", err)
		}
	}
	if srv.Binds() != 2 {
		t.Errorf("%d binds, want 2", srv.Binds())
	}
}

func TestBadCredentials(t *testing.T) {
	t.Parallel()
	srv := startSMSC(t, "127.0.0.1:0")
	c := newClient(t, srv.Addr())
	c.Password = "wrong"
	_, err := c.Send(waitCtx(t), delivery("یک"))
	var se *smpp.StatusError
	if !errors.As(err, &se) || se.Status != smpp.StatusInvPaswd || errors.Is(err, notify.ErrPermanent) {
		t.Fatalf("Send = %v, want a transient ESME_RINVPASWD", err)
	}
	if !strings.Contains(err.Error(), "bind") {
		t.Errorf("%q does not say the bind failed", err)
	}
}

func TestHangingSMSCTimesOutAndBindIsDropped(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	srv := startSMSC(t, "127.0.0.1:0")
	c := newClient(t, srv.Addr())
	c.Timeout, c.EnquireLink = 200*time.Millisecond, 50*time.Millisecond
	if _, err := c.Send(ctx, delivery("یک")); err != nil {
		t.Fatal(err)
	}
	for srv.EnquireLinks() < 2 && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	srv.SetSilent(true)
	_, err := c.Send(ctx, delivery("دو"))
	if err == nil || errors.Is(err, notify.ErrPermanent) || !strings.Contains(err.Error(), "no answer") {
		t.Fatalf("Send to a hanging SMSC = %v", err)
	}
	srv.SetSilent(false)
	// The unanswered enquire_link drops the bind; the next message binds
	// again.
	for srv.Binds() < 2 && ctx.Err() == nil {
		if _, err := c.Send(ctx, delivery("سه")); err == nil && srv.Binds() < 2 {
			continue
		}
	}
	if srv.Binds() != 2 {
		t.Fatalf("%d binds, want 2", srv.Binds())
	}
}

func TestSlowSMSCIsWindowed(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	srv := startSMSC(t, "127.0.0.1:0")
	srv.SetDelay(100 * time.Millisecond)
	c := newClient(t, srv.Addr())
	c.Window = 20
	start := time.Now()
	errs := make(chan error, 20)
	for i := range 20 {
		go func() {
			_, err := c.Send(ctx, delivery(fmt.Sprint("پیام ", i)))
			errs <- err
		}()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// Twenty answers each 100ms late, all outstanding at once: well under
	// the two seconds one at a time would take.
	if el := time.Since(start); el > 1500*time.Millisecond {
		t.Errorf("20 messages took %s", el)
	}
}

func TestTwoDispatchersThroughSMPPSendEachOnce(t *testing.T) {
	t.Parallel()
	ctx := waitCtx(t)
	srv := startSMSC(t, "127.0.0.1:0")
	db := sqldbtest.Open(t)
	o := &notify.Outbox{DB: db}
	const n = 200
	for i := range n {
		if _, err := o.Send(ctx, notify.Message{To: "09121234567", Body: fmt.Sprint("پیام شمارهٔ ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 {
		d := &notify.Dispatcher{Outbox: &notify.Outbox{DB: db}, Provider: newClient(t, srv.Addr()), BatchSize: 25,
			Node: fmt.Sprint("node-", i), PollInterval: 5 * time.Millisecond}
		d.Start(ctx)
		t.Cleanup(d.Close)
	}
	got, err := srv.Wait(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range got {
		if seen[m.Text] {
			t.Errorf("%q sent twice", m.Text)
		}
		seen[m.Text] = true
	}
	if len(got) != n {
		t.Errorf("%d messages, want %d", len(got), n)
	}
}

// logRecords is a slog.Handler that keeps what it is given.
type logRecords struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecords) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logRecords) WithGroup(string) slog.Handler            { return h }
func (h *logRecords) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}

// at returns the records at level, each as its message and attributes.
func (h *logRecords) at(level slog.Level) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.recs {
		if r.Level != level {
			continue
		}
		line := r.Message
		r.Attrs(func(a slog.Attr) bool {
			line += " " + a.String()
			return true
		})
		out = append(out, line)
	}
	return out
}

// A bind refused for its credentials is a configuration error: the
// messages wait, their attempts unspent, the refusal is logged as an
// error once per retry of the bind rather than once per message, and once
// the SMSC accepts the credentials the messages go out.
func TestRefusedBindKeepsMessagesQueued(t *testing.T) {
	for _, tc := range []struct {
		name           string
		srvID, srvPass string
		status         smpp.Status
	}{
		{"password", "panjereh", "other", smpp.StatusInvPaswd},
		{"system ID", "someone-else", "s3cret", smpp.StatusInvSysID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := waitCtx(t)
			clock := clocktest.New(time.Date(2025, 3, 21, 8, 30, 0, 0, time.UTC))
			srv := &smsc.Server{SystemID: tc.srvID, Password: tc.srvPass}
			if err := srv.Listen("127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			logs := &logRecords{}
			c := &smpp.Client{Addr: srv.Addr(), SystemID: "panjereh", Password: "s3cret", Timeout: 2 * time.Second,
				Logger: slog.New(logs), Now: clock.Now}
			t.Cleanup(func() { _ = c.Close() })
			o := &notify.Outbox{DB: sqldbtest.Open(t), Now: clock.Now}
			d := &notify.Dispatcher{Outbox: o, Provider: c, Logger: slog.New(logs)}

			first, err := o.Send(ctx, notify.Message{To: "09121234567", Body: "کد ورود: 482915", Purpose: "otp",
				ExpiresAt: clock.Now().Add(5 * time.Minute)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.DispatchOnce(ctx); err != nil {
				t.Fatal(err)
			}
			s, err := o.Get(ctx, first)
			if err != nil {
				t.Fatal(err)
			}
			if s.Status != notify.StatusQueued || s.Attempts != 0 || !s.NextAttempt.Equal(clock.Now().Add(time.Minute)) ||
				!strings.Contains(s.LastError, tc.status.String()) {
				t.Fatalf("after the refusal: %+v", s)
			}

			// More messages meanwhile neither bind again nor log again.
			second, err := o.Send(ctx, notify.Message{To: "09351112233", Body: "اطلاعیه"})
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(30 * time.Second)
			if _, err := d.DispatchOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if s, _ := o.Get(ctx, second); s.Status != notify.StatusQueued || s.Attempts != 0 || !s.NextAttempt.Equal(clock.Now().Add(30*time.Second)) {
				t.Fatalf("a message sent during the refusal: %+v", s)
			}
			if n := srv.Refusals(); n != 1 {
				t.Errorf("the SMSC saw %d refused binds, want 1", n)
			}
			errs := logs.at(slog.LevelError)
			if len(errs) != 1 {
				t.Fatalf("error log lines: %q, want one", errs)
			}
			for _, want := range []string{"refused the bind", "addr=" + srv.Addr(), "system_id=panjereh", tc.status.String()} {
				if !strings.Contains(errs[0], want) {
					t.Errorf("the error %q does not say %q", errs[0], want)
				}
			}
			for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
				for _, line := range logs.at(level) {
					if strings.Contains(line, "s3cret") {
						t.Errorf("a log line shows the password: %q", line)
					}
				}
			}
			if warns := logs.at(slog.LevelWarn); len(warns) != 0 {
				t.Errorf("warnings: %q", warns)
			}

			// The operator corrects the account; at the next retry of the
			// bind both messages go out, each on its first attempt.
			srv.SetCredentials("panjereh", "s3cret")
			clock.Add(30 * time.Second)
			if _, err := d.DispatchOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := srv.Wait(ctx, 2); err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{first, second} {
				if s, _ := o.Get(ctx, id); s.Status != notify.StatusSent || s.Attempts != 1 {
					t.Errorf("after the bind was accepted: %+v", s)
				}
			}
			if n := len(logs.at(slog.LevelError)); n != 1 {
				t.Errorf("%d error log lines, want 1", n)
			}
		})
	}
}
