package notify_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/clocktest"
	"github.com/panjereh/panjereh/internal/notify"
	"github.com/panjereh/panjereh/internal/notify/smpp"
	"github.com/panjereh/panjereh/internal/notify/smsc"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// From the first message an SMSC refuses to bind for, until the bind is
// accepted again, the dispatcher reports its provider unavailable, and
// the outbox's health check says so with the queue that builds up
// meanwhile; then both are ok again.
func TestRefusedBindMakesHealthUnavailable(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	clock := clocktest.New(time.Date(2025, 3, 21, 8, 30, 0, 0, time.UTC))
	srv := &smsc.Server{SystemID: "panjereh", Password: "issued"}
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c := &smpp.Client{Addr: srv.Addr(), SystemID: "panjereh", Password: "s3cret", Timeout: 2 * time.Second, Now: clock.Now}
	t.Cleanup(func() { _ = c.Close() })
	o := &notify.Outbox{DB: sqldbtest.Open(t), Now: clock.Now}
	d := &notify.Dispatcher{Outbox: o, Provider: c, Logger: slog.New(slog.DiscardHandler)}
	check := o.HealthCheck()
	if check.Name != "sms" {
		t.Errorf("the check is named %q", check.Name)
	}

	if got := check.Check(ctx); got.Status != "ok" || got.Details["queued"] != 0 {
		t.Errorf("before any message: %+v", got)
	}
	queuedAt := clock.Now()
	if _, err := o.Send(ctx, notify.Message{To: "09121234567", Body: "کد ورود: 482915", Purpose: "otp",
		ExpiresAt: clock.Now().Add(5 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.DispatchOnce(ctx); err != nil {
		t.Fatal(err)
	}
	st := d.State()
	if !st.Unavailable || !st.Since.Equal(queuedAt) || !strings.Contains(st.Err, smpp.StatusInvPaswd.String()) {
		t.Fatalf("after the refusal: %+v", st)
	}
	if strings.Contains(st.Err, "s3cret") {
		t.Errorf("the state shows the password: %q", st.Err)
	}

	// A minute later, a second message: the provider has been
	// unavailable since the first refusal, and two messages wait, the
	// oldest for a minute.
	clock.Add(time.Minute)
	if _, err := o.Send(ctx, notify.Message{To: "09351112233", Body: "اطلاعیه"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.DispatchOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := srv.Refusals(); n != 2 {
		t.Errorf("the SMSC refused %d binds, want 2", n)
	}
	if st := d.State(); !st.Unavailable || !st.Since.Equal(queuedAt) {
		t.Errorf("after the second refusal: %+v", st)
	}
	h, err := o.Health(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Provider.Unavailable || !h.Provider.Since.Equal(queuedAt) || h.Queued != 2 || !h.OldestQueued.Equal(queuedAt) {
		t.Errorf("health during the refusal: %+v", h)
	}
	got := check.Check(ctx)
	// The check's error is the refusal alone; the state's names the
	// SMSC's address, which whoever reaches /healthz should not learn.
	if !strings.Contains(h.Provider.Err, srv.Addr()) || strings.Contains(got.Error, srv.Addr()) || strings.Contains(got.Error, "panjereh") {
		t.Errorf("the error %q, the check's %q", h.Provider.Err, got.Error)
	}
	if got.Status != "unavailable" || !got.Since.Equal(queuedAt) || got.Error != "bind refused: ESME_RINVPASWD" ||
		got.Details["queued"] != 2 || got.Details["oldest_queued_seconds"] != int64(60) ||
		!strings.Contains(got.DetailFa, "کد ورود") || !strings.Contains(got.Detail, "login code") {
		t.Errorf("the check during the refusal: %+v", got)
	}

	// The operator puts the account right; at the next retry of the
	// bind both messages go out and everything is ok again.
	srv.SetCredentials("panjereh", "s3cret")
	clock.Add(time.Minute)
	if _, err := d.DispatchOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Wait(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if st := d.State(); st != (notify.ProviderState{}) {
		t.Errorf("after the bind was accepted: %+v", st)
	}
	if got := check.Check(ctx); got.Status != "ok" || got.Details["queued"] != 0 || got.Error != "" || !got.Since.IsZero() {
		t.Errorf("the check after the bind was accepted: %+v", got)
	}
}
