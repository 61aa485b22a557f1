package identity_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/panjereh/panjereh/internal/identity"
)

// endedSessions records what OnSessionEnd is told, as the single sign-on
// provider is, for back-channel logout.
type endedSessions struct {
	mu  sync.Mutex
	ids []string
}

func (e *endedSessions) told(_ context.Context, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ids = append(e.ids, id)
}

func (e *endedSessions) list() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.ids...)
}

// endReason is the end reason the database keeps for session id.
func (w *world) endReason(t *testing.T, id string) string {
	t.Helper()
	var reason string
	if err := w.db.Read.QueryRow(`SELECT end_reason FROM identity_sessions WHERE id = $1`, id).Scan(&reason); err != nil {
		t.Fatal(err)
	}
	return reason
}

// TestLoginEndsTheSessionItReplaces: a login from a browser that holds a
// session cookie ends that session, whose cookie the new one replaces,
// in the login's own transaction: audited, told to OnSessionEnd (for the
// agencies' back-channel logout) once, and only if the login goes
// through; a session of another account in that browser too, audited as
// that account's.
func TestLoginEndsTheSessionItReplaces(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ended := &endedSessions{}
	w.svc.OnSessionEnd = ended.told
	p := persona(t, "ordinary")
	a, old, token := w.signIn(t, "ordinary", identity.LoginOptions{})

	w.clock.Add(time.Minute)
	ch, err := w.svc.StartLogin(ctx, p.NationalCode, cl)
	if err != nil {
		t.Fatal(err)
	}
	right := w.sms.lastCode(t, p.Mobiles[0])
	// A wrong code logs nobody in, and ends nothing.
	_, _, _, err = w.svc.Login(ctx, ch.ID, wrongFor(right), cl, identity.LoginOptions{Replaces: token})
	wantCode(t, err, identity.CodeCodeWrong)
	if _, _, err := w.svc.Authenticate(ctx, token); err != nil {
		t.Fatalf("a failed login ended the browser's session: %v", err)
	}
	if got := ended.list(); len(got) != 0 {
		t.Errorf("OnSessionEnd told of %v after a failed login", got)
	}

	sess, _, token2, err := w.svc.Login(ctx, ch.ID, right, cl, identity.LoginOptions{Replaces: token})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.Authenticate(ctx, token); !errors.Is(err, identity.ErrNoSession) {
		t.Errorf("the replaced session's token still authenticates: %v", err)
	}
	list, err := w.svc.Sessions(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != sess.ID {
		t.Errorf("sessions %+v, want only the new one %s", list, sess.ID)
	}
	if diff := cmp.Diff([]string{old.ID}, ended.list()); diff != "" {
		t.Errorf("OnSessionEnd (-want +got):\n%s", diff)
	}
	if r := w.endReason(t, old.ID); r != identity.EndReplaced {
		t.Errorf("end reason %q, want %q", r, identity.EndReplaced)
	}
	if d := w.audit.lastDetails(identity.EventSessionEnded); d["session"] != old.ID || d["reason"] != identity.EndReplaced {
		t.Errorf("session-ended audit details %v", d)
	}

	// Another account's session in the same browser ends too, its cookie
	// replaced, and the audit log has it as that account's.
	w.clock.Add(time.Minute)
	q := persona(t, "wife")
	_, other, otherToken := w.signIn(t, "wife", identity.LoginOptions{})
	w.clock.Add(time.Minute)
	ch, err = w.svc.StartLogin(ctx, p.NationalCode, cl)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, p.Mobiles[0]), cl, identity.LoginOptions{Replaces: otherToken}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.Authenticate(ctx, otherToken); !errors.Is(err, identity.ErrNoSession) {
		t.Errorf("the other account's replaced session still authenticates: %v", err)
	}
	if _, _, err := w.svc.Authenticate(ctx, token2); err != nil {
		t.Errorf("the first account's session ended by a login that replaced another's: %v", err)
	}
	if diff := cmp.Diff([]string{old.ID, other.ID}, ended.list()); diff != "" {
		t.Errorf("OnSessionEnd (-want +got):\n%s", diff)
	}
	w.audit.mu.Lock()
	var found bool
	for _, e := range w.audit.events {
		if e.Kind == identity.EventSessionEnded && e.Details["session"] == other.ID {
			found = true
			if e.Actor != q.NationalCode || e.Subject != q.NationalCode || e.Details["reason"] != identity.EndReplaced {
				t.Errorf("the other account's session's end audited as %+v", e)
			}
		}
	}
	w.audit.mu.Unlock()
	if !found {
		t.Error("the other account's session's end is not audited")
	}

	// A cookie whose session has ended, or idled out, ends nothing more:
	// the sweep ends an idle one, as idle.
	w.clock.Add(time.Minute)
	ch, err = w.svc.StartLogin(ctx, p.NationalCode, cl)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, p.Mobiles[0]), cl, identity.LoginOptions{Replaces: token}); err != nil {
		t.Fatal(err)
	}
	_, idle, idleToken := w.signIn(t, "elderly", identity.LoginOptions{})
	w.clock.Add(w.svc.Policy.SessionIdle + time.Minute)
	ch, err = w.svc.StartLogin(ctx, p.NationalCode, cl)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, p.Mobiles[0]), cl, identity.LoginOptions{Replaces: idleToken}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{old.ID, other.ID}, ended.list()); diff != "" {
		t.Errorf("OnSessionEnd (-want +got):\n%s", diff)
	}
	if _, err := w.svc.EndIdleSessions(ctx, 100); err != nil {
		t.Fatal(err)
	}
	if r := w.endReason(t, idle.ID); r != "idle" {
		t.Errorf("an idle session whose cookie a login replaced ended as %q, want idle", r)
	}
}

// TestLoginAgainAtTheSite: logging in again in the same browser, as the
// mobile's change asks after 15 minutes, leaves one session open, the
// new one, and the former is told for back-channel logout.
func TestLoginAgainAtTheSite(t *testing.T) {
	w, b, p, ch := registeredAtSite(t, "two-mobiles")
	ended := &endedSessions{}
	w.svc.OnSessionEnd = ended.told
	res, body := b.post("/login/code", url.Values{"c": {ch.ID}, "code": {w.sms.lastCode(t, p.Mobiles[0])}})
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = b.get("/account/sessions")
	wantStatus(t, res, body, http.StatusOK, "همین نشست")
	first := sessionsListed(body)
	if len(first) != 1 {
		t.Fatalf("sessions listed %v, want one", first)
	}

	w.clock.Add(16 * time.Minute)
	res, body = b.post("/login", url.Values{"loginId": {p.NationalCode}, "return": {"/account/mobile"}})
	wantStatus(t, res, body, http.StatusOK)
	res, body = b.post("/login/code", url.Values{"c": {challengeOf(t, body)}, "code": {w.sms.lastCode(t, p.Mobiles[0])}, "return": {"/account/mobile"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = b.get("/account/sessions")
	wantStatus(t, res, body, http.StatusOK, "همین نشست")
	now := sessionsListed(body)
	if len(now) != 1 || now[0] == first[0] {
		t.Errorf("sessions listed after logging in again %v (before %v), want only the new one", now, first)
	}
	if diff := cmp.Diff(first, ended.list()); diff != "" {
		t.Errorf("OnSessionEnd (-want +got):\n%s", diff)
	}
	if r := w.endReason(t, first[0]); r != identity.EndReplaced {
		t.Errorf("end reason %q, want %q", r, identity.EndReplaced)
	}
}

// sessionsListed is the IDs of the sessions the sessions page lists.
func sessionsListed(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `name="session" value="`)[1:] {
		out = append(out, part[:strings.IndexByte(part, '"')])
	}
	return out
}
