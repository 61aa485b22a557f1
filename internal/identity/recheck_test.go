package identity_test

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/sqldb"
)

// TestLoginAsksTheRegistriesAgain: a legal person's account logs in only
// while its person is a current signatory of an active company, a foreign
// national's only while their permit holds; each refusal sends no code
// and is audited. A natural person's login asks no registry (A1).
func TestLoginAsksTheRegistriesAgain(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.svc.Policy.ResendAfter = 0
	w.svc.Policy.PerLogin.Max = 20
	ceo := persona(t, "ceo")
	in := legalFor(ceo, ceo.LegalID)
	if _, _, err := w.svc.Register(ctx, in, cl); err != nil {
		t.Fatal(err)
	}
	f := persona(t, "foreigner")
	if _, _, err := w.svc.Register(ctx, identity.RegisterInput{Kind: identity.KindForeign, ForeignID: f.FIDA, BirthDate: f.BirthDate,
		Mobile: f.Mobiles[0]}, cl); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := w.db.Write.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	// refused checks a login refused with code and status, no code sent,
	// and the refusal audited with reason when one is given.
	refused := func(id, code string, status int, reason string) {
		t.Helper()
		sent := w.sms.count()
		_, err := w.svc.StartLogin(ctx, id, cl)
		if e := wantCode(t, err, code); e.Status != status {
			t.Errorf("%s: status %d, want %d", code, e.Status, status)
		}
		if w.sms.count() != sent {
			t.Errorf("%s: a code was sent", code)
		}
		if d := w.audit.lastDetails(identity.EventLoginFailed); reason != "" && d["reason"] != reason {
			t.Errorf("the refusal audited with %v, want reason %s", d, reason)
		}
	}

	exec(`UPDATE reg_foreigners SET permit_expires = $1 WHERE fida = $2`, "2026-11-01", f.FIDA)
	refused(f.FIDA, identity.CodeNotEntitled, http.StatusForbidden, identity.CodePermitExpired)
	exec(`UPDATE reg_foreigners SET permit_expires = $1 WHERE fida = $2`, "2027-11-01", f.FIDA)
	if _, err := w.svc.StartLogin(ctx, f.FIDA, cl); err != nil {
		t.Errorf("after the permit's renewal: %v", err)
	}

	w.clock.Add(time.Minute)
	open, err := w.svc.StartLogin(ctx, ceo.LegalID, cl)
	if err != nil {
		t.Fatal(err)
	}
	w.signatory(t, ceo.LegalID, ceo, "1405-08-30")
	refused(ceo.LegalID, identity.CodeNotEntitled, http.StatusForbidden, identity.CodeNotSignatory)
	// Asking again for a code asked for before the signatory left sends
	// none either.
	sent := w.sms.count()
	_, err = w.svc.Resend(ctx, open.ID, cl)
	wantCode(t, err, identity.CodeNotEntitled)
	if w.sms.count() != sent {
		t.Error("a code was sent again to a signatory who has left")
	}
	w.signatory(t, ceo.LegalID, ceo, "")
	exec(`UPDATE reg_companies SET status = 'liquidation' WHERE legal_id = $1`, ceo.LegalID)
	refused(ceo.LegalID, identity.CodeNotEntitled, http.StatusForbidden, identity.CodeCompanyInactive)
	exec(`UPDATE reg_companies SET status = 'active' WHERE legal_id = $1`, ceo.LegalID)
	w.clock.Add(time.Minute)
	if _, err := w.svc.StartLogin(ctx, ceo.LegalID, cl); err != nil {
		t.Errorf("a current signatory of an active company: %v", err)
	}

	// The registries cannot be asked: no code, rather than a code for a
	// signatory who may have left. A natural person's login goes on.
	o := persona(t, "ordinary")
	if _, _, err := w.svc.Register(ctx, natural(o), cl); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(15 * time.Minute) // past the identifiers' limits
	w.down()
	refused(ceo.LegalID, identity.CodeRegistryDown, http.StatusServiceUnavailable, "")
	refused(f.FIDA, identity.CodeRegistryDown, http.StatusServiceUnavailable, "")
	// The limits count before the registries are asked, asking again
	// for a code as at a login: past them, no registry is asked.
	_, err = w.svc.Resend(ctx, open.ID, cl)
	wantCode(t, err, identity.CodeRegistryDown)
	w.svc.Policy.PerLogin.Max = 2
	_, err = w.svc.Resend(ctx, open.ID, cl)
	wantCode(t, err, identity.CodeRateLimited)
	if _, err := w.svc.StartLogin(ctx, o.NationalCode, cl); err != nil {
		t.Errorf("a natural person's login with the registries down: %v", err)
	}
}

// TestNewSignatoryTakesOver: once the legal-persons registry says the
// signatory who registered a company's account has left, a current
// signatory registers it again in their own name: the account keeps its
// ID, its former signatory's sessions end and open codes are burnt, and
// agencies are told to withdraw what they hold for it. While the former
// signatory is still one, nobody else can.
func TestNewSignatoryTakesOver(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.svc.Policy.PerLogin.Max = 20 // the registrations below count against the legal ID
	var ended, replaced []string
	w.svc.OnSessionEnd = func(_ context.Context, id string) { ended = append(ended, id) }
	w.svc.OnAccountReplaced = func(_ context.Context, _ *sqldb.Tx, id string) error { replaced = append(replaced, id); return nil }
	ceo, next, other := persona(t, "ceo"), persona(t, "husband"), persona(t, "wife")
	acc, ch, err := w.svc.Register(ctx, legalFor(ceo, ceo.LegalID), cl)
	if err != nil {
		t.Fatal(err)
	}
	sess, _, token, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, ceo.Mobiles[0]), cl, identity.LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ceoBrowser := identity.Client{IP: "192.0.2.70", Devices: w.svc.RememberDevice("", ceo.LegalID)}
	w.newSignatory(t, ceo.LegalID, next)
	_, _, err = w.svc.Register(ctx, legalFor(next, ceo.LegalID), cl)
	wantCode(t, err, identity.CodeAlreadyRegistered) // the CEO is still a signatory

	w.signatory(t, ceo.LegalID, ceo, "1405-09-01")
	w.clock.Add(time.Minute)
	_, _, err = w.svc.Register(ctx, legalFor(other, ceo.LegalID), cl)
	wantCode(t, err, identity.CodeNotSignatory)
	// A code the former signatory asked for before leaving.
	w.signatory(t, ceo.LegalID, ceo, "")
	former, err := w.svc.StartLogin(ctx, ceo.LegalID, cl)
	if err != nil {
		t.Fatal(err)
	}
	formerCode := w.sms.lastCode(t, ceo.Mobiles[0])
	w.signatory(t, ceo.LegalID, ceo, "1405-09-01")

	// A takeover that cannot withdraw what agencies hold does not happen.
	w.svc.OnAccountReplaced = func(context.Context, *sqldb.Tx, string) error { return errors.New("no withdrawal") }
	if _, _, err := w.svc.Register(ctx, legalFor(next, ceo.LegalID), cl); err == nil {
		t.Fatal("a takeover went on without withdrawing what agencies hold")
	}
	if stored, err := w.svc.Account(ctx, acc.ID); err != nil || stored.NationalCode != ceo.NationalCode {
		t.Fatalf("after the failed takeover the account is %+v (%v), want the CEO's", stored, err)
	}
	w.svc.OnAccountReplaced = func(_ context.Context, _ *sqldb.Tx, id string) error { replaced = append(replaced, id); return nil }

	got, ch, err := w.svc.Register(ctx, legalFor(next, ceo.LegalID), cl)
	if err != nil {
		t.Fatalf("a current signatory taking over: %v", err)
	}
	if got.ID != acc.ID || got.NationalCode != next.NationalCode || got.Mobile != next.Mobiles[0] || got.FirstName != next.FirstName {
		t.Errorf("the account after the takeover %+v, want %s's with the ID %s", got, next.Key, acc.ID)
	}
	if stored, err := w.svc.Account(ctx, acc.ID); err != nil || stored.NationalCode != next.NationalCode || stored.Mobile != next.Mobiles[0] ||
		stored.LegalID != ceo.LegalID {
		t.Errorf("stored account %+v (%v)", stored, err)
	}
	if _, _, err := w.svc.Authenticate(ctx, token); err == nil {
		t.Error("the former signatory's session still authenticates")
	}
	if len(ended) != 1 || ended[0] != sess.ID || len(replaced) != 1 || replaced[0] != acc.ID {
		t.Errorf("told of ended sessions %v (want %s) and replaced accounts %v (want %s)", ended, sess.ID, replaced, acc.ID)
	}
	if _, _, _, err := w.svc.Login(ctx, former.ID, formerCode, cl, identity.LoginOptions{}); err == nil {
		t.Error("the former signatory's open code logged in after the takeover")
	}
	if d := w.audit.lastDetails(identity.EventRegistration); d["replaced"] != "signatory" || d["account"] != acc.ID {
		t.Errorf("the takeover audited as %v", d)
	}
	if _, _, _, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, next.Mobiles[0]), cl, identity.LoginOptions{}); err != nil {
		t.Fatalf("the new signatory's first login: %v", err)
	}
	w.clock.Add(15 * time.Minute)
	// The former signatory's browser is no longer a known device: its
	// codes count with everyone else's.
	if _, err := w.svc.StartLogin(ctx, ceo.LegalID, ceoBrowser); err != nil {
		t.Fatal(err)
	}
	if d := w.audit.lastDetails(identity.EventOTPSent); d["device"] != "" {
		t.Errorf("a mark from before the takeover counted as a known device: %v", d)
	}
	_, _, err = w.svc.Register(ctx, legalFor(next, ceo.LegalID), cl)
	wantCode(t, err, identity.CodeAlreadyRegistered)
}

// TestConcurrentTakeovers: two current signatories registering the
// company at once, after its registered signatory has left: one takes
// the account over, the other is told it is registered.
func TestConcurrentTakeovers(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.svc.Policy.PerLogin.Max, w.svc.Policy.PerIP.Max = 20, 100
	ceo := persona(t, "ceo")
	acc, _, err := w.svc.Register(ctx, legalFor(ceo, ceo.LegalID), cl)
	if err != nil {
		t.Fatal(err)
	}
	next := []registry.Persona{persona(t, "husband"), persona(t, "wife")}
	for _, p := range next {
		w.newSignatory(t, ceo.LegalID, p)
	}
	w.signatory(t, ceo.LegalID, ceo, "1405-09-01")
	errs := make([]error, len(next))
	var wg sync.WaitGroup
	for i, p := range next {
		wg.Go(func() { _, _, errs[i] = w.svc.Register(ctx, legalFor(p, ceo.LegalID), cl) })
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won < 0:
			won = i
		case err == nil:
			t.Fatal("both took the account over")
		default:
			wantCode(t, err, identity.CodeAlreadyRegistered)
		}
	}
	if won < 0 {
		t.Fatalf("neither took the account over: %v", errs)
	}
	if a, err := w.svc.Account(ctx, acc.ID); err != nil || a.NationalCode != next[won].NationalCode || a.Mobile != next[won].Mobiles[0] {
		t.Errorf("the account after the takeovers: %+v (%v), want %s's", a, err, next[won].Key)
	}
}

// TestRecheckAccounts: the registries are asked again, an hour after a
// login and each hour on, about legal persons' and foreign nationals'
// accounts with a session open; a signatory who has left has their
// sessions ended and what agencies hold revoked within the hour, without
// a login; an account whose sessions have ended is no longer asked about.
func TestRecheckAccounts(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ceo, f, o := persona(t, "ceo"), persona(t, "foreigner"), persona(t, "ordinary")
	in := legalFor(ceo, ceo.LegalID)
	login := func(in identity.RegisterInput, mobile string) (identity.Account, identity.Session) {
		t.Helper()
		a, ch, err := w.svc.Register(ctx, in, cl)
		if err != nil {
			t.Fatal(err)
		}
		s, _, _, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, mobile), cl, identity.LoginOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return a, s
	}
	company, companySession := login(in, ceo.Mobiles[0])
	_, foreignSession := login(identity.RegisterInput{Kind: identity.KindForeign, ForeignID: f.FIDA, BirthDate: f.BirthDate, Mobile: f.Mobiles[0]}, f.Mobiles[0])
	login(natural(o), o.Mobiles[0])
	var ended, revoked []string
	w.svc.OnSessionEnd = func(_ context.Context, id string) { ended = append(ended, id) }
	w.svc.OnAccountNotEntitled = func(_ context.Context, _ *sqldb.Tx, id string) error { revoked = append(revoked, id); return nil }
	recheck := func(want int) {
		t.Helper()
		if n, err := w.svc.RecheckAccounts(ctx, 10); err != nil || n != want {
			t.Fatalf("asked about %d accounts (%v), want %d", n, err, want)
		}
	}
	endOf := func(s identity.Session) (reason string) {
		t.Helper()
		var r sql.NullString
		if err := w.db.Read.QueryRowContext(ctx, `SELECT end_reason FROM identity_sessions WHERE id = $1`, s.ID).Scan(&r); err != nil {
			t.Fatal(err)
		}
		return r.String
	}

	recheck(0) // the registries were asked at the logins
	w.clock.Add(identity.EntitlementRecheck)
	recheck(2) // the company's and the foreign national's; not the natural person's
	recheck(0) // asked within the hour
	if len(ended)+len(revoked) != 0 {
		t.Fatalf("accounts still their holders' had sessions %v ended, %v revoked", ended, revoked)
	}

	w.signatory(t, ceo.LegalID, ceo, "1405-09-01")
	w.clock.Add(identity.EntitlementRecheck + time.Minute)
	// Registries that cannot be asked change nothing, and the accounts
	// are asked about again a few minutes on.
	w.down()
	if n, err := w.svc.RecheckAccounts(ctx, 10); err == nil || n != 0 {
		t.Fatalf("with the registries down: %d answered, error %v; want none and an error", n, err)
	}
	if endOf(companySession) != "" {
		t.Fatal("a session ended while the registries could not be asked")
	}
	w.up()
	recheck(0) // not due again yet
	w.clock.Add(10 * time.Minute)
	// An agency side that cannot revoke leaves the session to be ended
	// next time.
	w.svc.OnAccountNotEntitled = func(context.Context, *sqldb.Tx, string) error { return errors.New("cannot revoke") }
	if _, err := w.svc.RecheckAccounts(ctx, 10); err == nil {
		t.Fatal("no error when what agencies hold could not be revoked")
	}
	if endOf(companySession) != "" {
		t.Fatal("the session ended though what agencies hold was not revoked")
	}
	w.svc.OnAccountNotEntitled = func(_ context.Context, _ *sqldb.Tx, id string) error { revoked = append(revoked, id); return nil }
	// The company's account is asked about again a few minutes on.
	w.clock.Add(10 * time.Minute)
	if n, err := w.svc.RecheckAccounts(ctx, 10); err != nil || n != 1 {
		t.Fatalf("asked about %d accounts (%v) after the failure, want the company's", n, err)
	}
	if got := endOf(companySession); got != "not-entitled" {
		t.Errorf("the former signatory's session ended with %q, want not-entitled", got)
	}
	if got := endOf(foreignSession); got != "" {
		t.Errorf("the foreign national's session, still entitled, ended with %q", got)
	}
	if len(ended) != 1 || ended[0] != companySession.ID || len(revoked) != 1 || revoked[0] != company.ID {
		t.Errorf("told of ended sessions %v and revoked accounts %v; want %s and %s", ended, revoked, companySession.ID, company.ID)
	}
	if d := w.audit.lastDetails(identity.EventNotEntitled); d["reason"] != identity.CodeNotSignatory {
		t.Errorf("audited as %v, want reason not-signatory", d)
	}
	recheck(0) // the company has no session left; the other was asked within the hour
	var due int
	if err := w.db.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM identity_entitlement_due WHERE due_at IS NOT NULL`).Scan(&due); err != nil || due != 1 {
		t.Errorf("%d accounts due (%v), want the foreign national's", due, err)
	}
	// Once its sessions have ended, an account leaves the list unasked.
	if err := w.svc.EndSession(ctx, foreignSession.AccountID, foreignSession.ID, "logout", cl); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(identity.EntitlementRecheck)
	recheck(0)
	if err := w.db.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM identity_entitlement_due WHERE due_at IS NOT NULL`).Scan(&due); err != nil || due != 0 {
		t.Errorf("%d accounts due (%v) with no session open, want none", due, err)
	}
	// A login puts it back.
	ch, err := w.svc.StartLogin(ctx, f.FIDA, cl)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, f.Mobiles[0]), cl, identity.LoginOptions{}); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(identity.EntitlementRecheck)
	recheck(1)
}

// TestRecheckAccountsOnSeveralNodes: nodes asking at once take their own
// accounts; an account no longer its holder's is ended once.
func TestRecheckAccountsOnSeveralNodes(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ceo := persona(t, "ceo")
	in := legalFor(ceo, ceo.LegalID)
	_, ch, err := w.svc.Register(ctx, in, cl)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, ceo.Mobiles[0]), cl, identity.LoginOptions{}); err != nil {
		t.Fatal(err)
	}
	w.signatory(t, ceo.LegalID, ceo, "1405-09-01")
	w.clock.Add(identity.EntitlementRecheck)
	var mu sync.Mutex
	revoked := 0
	w.svc.OnAccountNotEntitled = func(context.Context, *sqldb.Tx, string) error { mu.Lock(); revoked++; mu.Unlock(); return nil }
	nodes := make([]*identity.Service, 4)
	for i := range nodes {
		n := *w.svc
		nodes[i] = &n
	}
	var wg sync.WaitGroup
	answered := make([]int, len(nodes))
	for i, n := range nodes {
		wg.Go(func() {
			var err error
			if answered[i], err = n.RecheckAccounts(ctx, 10); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	total := 0
	for _, n := range answered {
		total += n
	}
	if total != 1 || revoked != 1 {
		t.Errorf("the account asked about %d times and ended %d times, want once each", total, revoked)
	}
	w.audit.mu.Lock()
	defer w.audit.mu.Unlock()
	events := 0
	for _, e := range w.audit.events {
		if e.Kind == identity.EventNotEntitled {
			events++
		}
	}
	if events != 1 {
		t.Errorf("%d account-not-entitled events, want 1", events)
	}
}

// signatory changes the legal-persons registry: p's tenure as a signatory
// of the company legalID ends on date, or is open again when date is "".
func (w *world) signatory(t *testing.T, legalID string, p registry.Persona, date string) {
	t.Helper()
	to := sql.NullString{String: date, Valid: date != ""}
	if _, err := w.db.Write.ExecContext(context.Background(), `UPDATE reg_signatories SET to_date = $1 WHERE legal_id = $2 AND national_code = $3`,
		to, legalID, p.NationalCode); err != nil {
		t.Fatal(err)
	}
}

// newSignatory adds p to the legal-persons registry as a current
// signatory of the company legalID.
func (w *world) newSignatory(t *testing.T, legalID string, p registry.Persona) {
	t.Helper()
	if _, err := w.db.Write.ExecContext(context.Background(), `INSERT INTO reg_signatories (legal_id, national_code, role, from_date, to_date)
VALUES ($1, $2, $3, $4, NULL)`, legalID, p.NationalCode, "عضو هیئت مدیره", "1405-09-01"); err != nil {
		t.Fatal(err)
	}
}
