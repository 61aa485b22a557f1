package identity_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/panjereh/panjereh/internal/clocktest"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/nix"
)

// The registries are the real simulated ones, reached with the real
// exchange client. In place of the gateway (tested in the exchange
// package) a plain router maps each service address to its registry path.

var services = identity.ExchangeServices{
	Identity:     "IR/GOV/sabteahval/registry/identity",
	Shahkar:      "IR/GOV/sazmantanzim/shahkar/ServiceIDmatching",
	LegalPersons: "IR/GOV/ssaa/registry/legal-persons",
	Foreigners:   "IR/GOV/bafia/registry/foreigners",
	Residence:    "IR/GOV/sabteahval/registry/residence",
	Post:         "IR/GOV/post/address/postcode",
}

var servicePaths = map[string]string{
	services.Identity:     "/registry/sabteahval/identity",
	services.Shahkar:      "/registry/sazmantanzim/shahkar/ServiceIDmatching",
	services.LegalPersons: "/registry/legal-persons",
	services.Foreigners:   "/registry/foreigners",
	services.Residence:    "/registry/residence",
	services.Post:         "/registry/post/address",
}

// sentSMS records what the outbox was given; it is the operator's side.
type sentSMS struct {
	mu      sync.Mutex
	msgs    []sms
	notices []sms // messages that are not codes
	fail    error
}

type sms struct {
	to, text string
	expires  time.Time
}

func (s *sentSMS) SendCode(_ context.Context, _ sqldb.Querier, mobile, text string, expires time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.msgs = append(s.msgs, sms{mobile, text, expires})
	return nil
}

func (s *sentSMS) SendNotice(_ context.Context, _ sqldb.Querier, mobile, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.notices = append(s.notices, sms{to: mobile, text: text})
	return nil
}

var codeRE = regexp.MustCompile(`code: (\d+)`)

// lastCode is the code in the newest message to mobile.
func (s *sentSMS) lastCode(t *testing.T, mobile string) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.msgs) - 1; i >= 0; i-- {
		if s.msgs[i].to == mobile {
			return codeRE.FindStringSubmatch(s.msgs[i].text)[1]
		}
	}
	t.Fatalf("no SMS to %s", mobile)
	return ""
}

func (s *sentSMS) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

type auditLog struct {
	mu      sync.Mutex
	events  []identity.AuditEvent
	invalid []error // events the window's audit log would refuse
}

// Record keeps e, or refuses it as the window's audit log would.
func (a *auditLog) Record(_ context.Context, e identity.AuditEvent) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := audit.ValidateDetails(e.Details); err != nil {
		err = fmt.Errorf("%s: %w", e.Kind, err)
		a.invalid = append(a.invalid, err)
		return err
	}
	a.events = append(a.events, e)
	return nil
}

func (a *auditLog) RecordTx(ctx context.Context, tx *sqldb.Tx, e identity.AuditEvent) error {
	if err := audit.ValidateDetails(e.Details); err != nil {
		return err // as the real log refuses it, failing the transaction
	}
	// The event counts only if tx commits, as in the real log.
	tx.AfterCommit(func() { a.Record(ctx, e) })
	return nil
}

func (a *auditLog) kinds() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, e := range a.events {
		out = append(out, e.Kind)
	}
	return out
}

// clock is the settable clock tests share.
type clock = clocktest.Clock

type world struct {
	svc   *identity.Service
	sms   *sentSMS
	audit *auditLog
	clock *clock
	db    *sqldb.DB
	down  func() // makes the registries unreachable
	up    func() // makes them reachable again
}

var seedDate = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	if _, err := registry.Seed(ctx, db, registry.SeedOptions{Persons: 20, Seed: 1, Now: seedDate}); err != nil {
		t.Fatal(err)
	}
	store, err := registry.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	routes, err := (&registry.Handler{Store: store}).Routes()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	up := true
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ok := up
		mu.Unlock()
		if !ok {
			http.Error(w, `{"code":"provider-unreachable"}`, http.StatusBadGateway)
			return
		}
		rest := strings.TrimPrefix(r.URL.Path, "/r1/")
		for svc, path := range servicePaths {
			if rest == svc || strings.HasPrefix(rest, svc+"/") {
				r2 := r.Clone(r.Context())
				r2.URL.Path = path + strings.TrimPrefix(rest, svc)
				routes.ServeHTTP(w, r2)
				return
			}
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(gw.Close)
	c := clocktest.New(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
	w := &world{sms: &sentSMS{}, audit: &auditLog{}, clock: c, db: db,
		down: func() { mu.Lock(); up = false; mu.Unlock() },
		up:   func() { mu.Lock(); up = true; mu.Unlock() }}
	t.Cleanup(func() {
		w.audit.mu.Lock()
		defer w.audit.mu.Unlock()
		for _, err := range w.audit.invalid {
			t.Errorf("an audit event the audit log refuses: %v", err)
		}
	})
	w.svc = &identity.Service{
		DB: db,
		Registries: &identity.ExchangeRegistries{Client: &nix.Client{Gateway: gw.URL, Subsystem: "IR/GOV/ito/portal", HTTP: gw.Client()},
			Services: services, RequestPrefix: "ITO"},
		SMS:       w.sms,
		Audit:     w.audit,
		Secret:    []byte("0123456789abcdef0123456789abcdef"),
		Policy:    identity.DefaultPolicy(),
		Overseers: []string{"0012345679"},
		Now:       c.Now,
	}
	return w
}

// signIn registers the demo persona key and logs in with the code its
// registration sent, returning the account, the session and its token.
func (w *world) signIn(t *testing.T, key string, opts identity.LoginOptions) (identity.Account, identity.Session, string) {
	t.Helper()
	ctx := context.Background()
	p := persona(t, key)
	a, ch, err := w.svc.Register(ctx, natural(p), cl)
	if err != nil {
		t.Fatal(err)
	}
	sess, _, token, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, p.Mobiles[0]), cl, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a, sess, token
}

func persona(t *testing.T, key string) registry.Persona {
	t.Helper()
	for _, p := range registry.Personas() {
		if p.Key == key {
			return p
		}
	}
	t.Fatalf("no persona %q", key)
	return registry.Persona{}
}

func natural(p registry.Persona) identity.RegisterInput {
	in := identity.RegisterInput{Kind: identity.KindNatural, NationalCode: p.NationalCode, BirthDate: p.BirthDate}
	if len(p.Mobiles) > 0 {
		in.Mobile = p.Mobiles[0]
	}
	return in
}

// legalFor is p's registration, as one of its signatories, of the company
// whose legal national ID is legalID.
func legalFor(p registry.Persona, legalID string) identity.RegisterInput {
	in := natural(p)
	in.Kind, in.LegalID = identity.KindLegal, legalID
	return in
}

var cl = identity.Client{IP: "192.0.2.10", UserAgent: "Mozilla/5.0 test"}

func wantCode(t *testing.T, err error, code string) *identity.Error {
	t.Helper()
	var e *identity.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v, want identity error %q", err, code)
	}
	if e.Code != code {
		t.Fatalf("error code %q (%s), want %q", e.Code, e.En, code)
	}
	if e.Fa == "" || e.En == "" {
		t.Errorf("error %q lacks a Persian or English reason: %+v", code, e)
	}
	return e
}

func TestRegisterAndLogin(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := persona(t, "ordinary")
	// Persian digits and Arabic-Indic input are accepted, and a birth
	// date in the Gregorian calendar.
	in := natural(p)
	in.NationalCode = "۰۰۱۲۳۴۵۶۷۹"
	in.BirthDate = p.BirthDateISO
	a, ch, err := w.svc.Register(ctx, in, cl)
	if err != nil {
		t.Fatal(err)
	}
	if a.FirstName != p.FirstName || a.LastName != p.LastName || a.FatherName != p.FatherName || a.Gender != "MALE" ||
		a.BirthDate.Format(time.DateOnly) != p.BirthDateISO || a.Mobile != p.Mobiles[0] || a.Source["mobile"] != "shahkar" ||
		a.Source["firstName"] != "civil-registry" {
		t.Errorf("account %+v", a)
	}
	if ch.MaskedMobile != "0912***4567" || !ch.Expires.Equal(w.clock.Now().Add(2*time.Minute)) {
		t.Errorf("challenge %+v", ch)
	}
	code := w.sms.lastCode(t, p.Mobiles[0])
	if len(code) != 6 {
		t.Errorf("code %q, want 6 digits", code)
	}
	if _, _, err := w.svc.Register(ctx, natural(p), cl); err == nil {
		t.Fatal("a second registration succeeded")
	} else {
		wantCode(t, err, identity.CodeAlreadyRegistered)
	}

	sess, acc, token, err := w.svc.Login(ctx, ch.ID, code, cl, identity.LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if acc.ID != a.ID || sess.ACR != identity.LoA1 || strings.Join(sess.AMR, " ") != "otp sms" || token == "" {
		t.Errorf("session %+v account %s token %q", sess, acc.ID, token)
	}
	got, gotAcc, err := w.svc.Authenticate(ctx, token)
	if err != nil || got.ID != sess.ID || gotAcc.ID != a.ID {
		t.Fatalf("Authenticate: %+v %v", got, err)
	}
	// The legal residence came from the civil registry through the
	// exchange, and is kept with the account.
	if gotAcc.PostalCode != p.PostalCode || gotAcc.Province == "" || gotAcc.City == "" || gotAcc.Source["postalCode"] != "residence" {
		t.Errorf("residence: postal code %q (want %q), province %q, city %q, source %q",
			gotAcc.PostalCode, p.PostalCode, gotAcc.Province, gotAcc.City, gotAcc.Source["postalCode"])
	}
	// The overseer role comes from the configuration, whenever the
	// account was registered.
	if !gotAcc.HasRole(identity.RoleOverseer) {
		t.Errorf("%s is configured as an overseer but the account has roles %v", p.NationalCode, gotAcc.Roles)
	}
	w.svc.Overseers = nil
	if _, acc2, _ := w.svc.Authenticate(ctx, token); acc2.HasRole(identity.RoleOverseer) {
		t.Error("the overseer role outlived the configuration")
	}
	w.svc.Overseers = []string{p.NationalCode}
	// A used code does not work twice.
	if _, _, _, err := w.svc.Login(ctx, ch.ID, code, cl, identity.LoginOptions{}); err == nil {
		t.Fatal("a used code logged in again")
	} else {
		wantCode(t, err, identity.CodeCodeExpired)
	}

	// A later login by national code sends a fresh code once the cooldown
	// has passed.
	if _, err := w.svc.StartLogin(ctx, p.NationalCode, cl); err == nil {
		t.Fatal("a code was resent within the cooldown")
	} else if e := wantCode(t, err, identity.CodeCooldown); e.RetryAfter <= 0 {
		t.Errorf("cooldown without Retry-After: %+v", e)
	}
	w.clock.Add(61 * time.Second)
	ch2, err := w.svc.StartLogin(ctx, p.NationalCode, cl)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := w.svc.Login(ctx, ch2.ID, w.sms.lastCode(t, p.Mobiles[0]), cl, identity.LoginOptions{}); err != nil {
		t.Fatal(err)
	}
	list, err := w.svc.Sessions(ctx, a.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("sessions %v %v, want 2", list, err)
	}
	if err := w.svc.EndSession(ctx, a.ID, sess.ID, "logout", cl); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.Authenticate(ctx, token); !errors.Is(err, identity.ErrNoSession) {
		t.Errorf("Authenticate after logout: %v", err)
	}
	want := []string{"registration", "otp-sent", "registration-refused", "login", "login-failed", "otp-sent", "login", "logout"}
	if got := w.audit.kinds(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("audit %v, want %v", got, want)
	}
	for _, e := range w.audit.events {
		for k, v := range e.Details {
			if strings.Contains(v, code) && len(code) == 6 && k != "session" && k != "account" {
				t.Errorf("audit %s detail %s=%q holds the code", e.Kind, k, v)
			}
		}
	}
}

func TestRegistrationRefusals(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ordinary := persona(t, "ordinary")
	tests := []struct {
		name string
		in   identity.RegisterInput
		code string
		fld  string
	}{
		{"malformed national code", identity.RegisterInput{Kind: identity.KindNatural, NationalCode: "0012345678", BirthDate: "1370/05/12", Mobile: "09121234567"}, identity.CodeInvalid, "nationalCode"},
		{"malformed birth date", identity.RegisterInput{Kind: identity.KindNatural, NationalCode: ordinary.NationalCode, BirthDate: "1370/13/12", Mobile: "09121234567"}, identity.CodeInvalid, "birthDate"},
		{"malformed mobile", identity.RegisterInput{Kind: identity.KindNatural, NationalCode: ordinary.NationalCode, BirthDate: "1370/05/12", Mobile: "0912123"}, identity.CodeInvalid, "mobile"},
		{"no kind", identity.RegisterInput{NationalCode: ordinary.NationalCode}, identity.CodeInvalid, "kind"},
		{"birth date mismatch", identity.RegisterInput{Kind: identity.KindNatural, NationalCode: ordinary.NationalCode, BirthDate: "1370/05/13", Mobile: "09121234567"}, identity.CodeBirthDateMismatch, "birthDate"},
		{"deceased", func() identity.RegisterInput {
			in := natural(persona(t, "deceased"))
			in.Mobile = "09120000000"
			return in
		}(), identity.CodeDeceased, "nationalCode"},
		{"mobile of someone else", func() identity.RegisterInput {
			p := persona(t, "borrowed-mobile")
			in := natural(p)
			in.Mobile = p.ClaimedMobile
			return in
		}(), identity.CodeMobileNotOwner, "mobile"},
		{"unknown person", identity.RegisterInput{Kind: identity.KindNatural, NationalCode: "0000000019", BirthDate: "1370/05/12", Mobile: "09121234567"}, identity.CodeNotFound, "nationalCode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := w.svc.Register(ctx, tc.in, cl)
			e := wantCode(t, err, tc.code)
			if e.Field != tc.fld {
				t.Errorf("field %q, want %q", e.Field, tc.fld)
			}
		})
	}
	if w.sms.count() != 0 {
		t.Errorf("%d SMS sent for refused registrations", w.sms.count())
	}
	w.down()
	if _, _, err := w.svc.Register(ctx, natural(ordinary), cl); err == nil {
		t.Fatal("registered while the registries were down")
	} else if e := wantCode(t, err, identity.CodeRegistryDown); e.Status != http.StatusServiceUnavailable {
		t.Errorf("status %d", e.Status)
	}
}

func TestLegalPersonRegistration(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ceo := persona(t, "ceo")
	// Someone who is not a signatory cannot act for the company.
	in := legalFor(persona(t, "husband"), ceo.LegalID)
	_, _, err := w.svc.Register(ctx, in, cl)
	wantCode(t, err, identity.CodeNotSignatory)
	// A legal ID with a valid check digit that is not registered.
	in.LegalID = "14000000003"
	_, _, err = w.svc.Register(ctx, in, cl)
	wantCode(t, err, identity.CodeNotFound)

	in = legalFor(ceo, ceo.LegalID)
	a, _, err := w.svc.Register(ctx, in, cl)
	if err != nil {
		t.Fatal(err)
	}
	if a.LoginID != ceo.LegalID || a.NationalCode != ceo.NationalCode || a.CompanyName == "" || a.SignatoryRole == "" ||
		a.FirstName != ceo.FirstName || a.Source["companyName"] != "legal-persons" {
		t.Errorf("legal account %+v", a)
	}
	// The company's legal residence, from the registration office, not
	// the signatory's home (C5).
	if a.PostalCode == "" || a.PostalCode == ceo.PostalCode || a.Source["postalCode"] != "company-residence" || a.Source["city"] != "company-residence" {
		t.Errorf("the company's residence: postal code %q (the signatory's is %q), source %q", a.PostalCode, ceo.PostalCode, a.Source["postalCode"])
	}
	// The CEO also registers as a natural person; the two accounts differ.
	if _, _, err := w.svc.Register(ctx, natural(ceo), cl); err != nil {
		t.Fatal(err)
	}
	// A login by legal ID sends the code to the signatory's mobile.
	w.clock.Add(time.Minute)
	ch, err := w.svc.StartLogin(ctx, ceo.LegalID, cl)
	if err != nil {
		t.Fatal(err)
	}
	if ch.MaskedMobile != identity.MaskMobile(ceo.Mobiles[0]) {
		t.Errorf("code went to %s", ch.MaskedMobile)
	}
}

func TestWrongCodes(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := persona(t, "wife")
	_, ch, err := w.svc.Register(ctx, natural(p), cl)
	if err != nil {
		t.Fatal(err)
	}
	right := w.sms.lastCode(t, p.Mobiles[0])
	wrong := "000000"
	if wrong == right {
		wrong = "111111"
	}
	for i := 1; i <= 4; i++ {
		_, _, _, err := w.svc.Login(ctx, ch.ID, wrong, cl, identity.LoginOptions{})
		wantCode(t, err, identity.CodeCodeWrong)
	}
	_, _, _, err = w.svc.Login(ctx, ch.ID, wrong, cl, identity.LoginOptions{})
	wantCode(t, err, identity.CodeTooManyAttempts)
	// After five wrong codes even the right one is refused.
	_, _, _, err = w.svc.Login(ctx, ch.ID, right, cl, identity.LoginOptions{})
	wantCode(t, err, identity.CodeTooManyAttempts)
	if _, err := w.svc.PendingChallenge(ctx, ch.ID); err == nil {
		t.Error("a burnt challenge is still pending")
	}
	fails := 0
	for _, k := range w.audit.kinds() {
		if k == identity.EventLoginFailed {
			fails++
		}
	}
	if fails != 6 {
		t.Errorf("%d failed logins audited, want 6", fails)
	}

	// An expired code is refused.
	w.clock.Add(time.Minute)
	ch, err = w.svc.StartLogin(ctx, p.NationalCode, cl)
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Add(2*time.Minute + time.Second)
	_, _, _, err = w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, p.Mobiles[0]), cl, identity.LoginOptions{})
	wantCode(t, err, identity.CodeCodeExpired)
	if got := w.sms.msgs[len(w.sms.msgs)-1].expires; !got.Equal(ch.Expires) {
		t.Errorf("SMS expiry %v, want the code's %v", got, ch.Expires)
	}
}

// TestLoginWithinCooldownShowsTheEarlierCode: a login asked for again
// within the cooldown answers with the code already sent, if it can still
// be answered (the person registered, went back, or pressed twice), and
// sends none; a code answered or burnt is not offered, nor a known
// device's to a browser without its mark, nor one of a device to another.
func TestLoginWithinCooldownShowsTheEarlierCode(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := persona(t, "husband")
	mobile := p.Mobiles[0]
	_, reg, err := w.svc.Register(ctx, natural(p), cl)
	if err != nil {
		t.Fatal(err)
	}
	regCode := w.sms.lastCode(t, mobile)
	sent, audited := w.sms.count(), len(w.audit.kinds())

	w.clock.Add(10 * time.Second)
	ch, err := w.svc.StartLogin(ctx, p.NationalCode, cl)
	if err != nil {
		t.Fatalf("a login within the cooldown of an open code: %v", err)
	}
	if ch.ID != reg.ID || !ch.Earlier || !ch.Sent.Equal(reg.Sent) || !ch.Expires.Equal(reg.Expires) || !ch.ResendAt.Equal(reg.ResendAt) ||
		ch.MaskedMobile != reg.MaskedMobile {
		t.Errorf("got %+v, want the registration's code %+v, marked earlier", ch, reg)
	}
	if w.sms.count() != sent || len(w.audit.kinds()) != audited {
		t.Errorf("%d codes sent and %d events audited, want none", w.sms.count()-sent, len(w.audit.kinds())-audited)
	}

	// A known device has a cooldown of its own: its first code is new, and
	// asking again offers that one, while a browser without its mark is
	// still offered the registration's.
	owner := cl
	owner.Devices = w.svc.RememberDevice("", p.NationalCode)
	dev, err := w.svc.StartLogin(ctx, p.NationalCode, owner)
	if err != nil || dev.Earlier || dev.ID == reg.ID {
		t.Fatalf("the known device's first code: %+v %v", dev, err)
	}
	if again, err := w.svc.StartLogin(ctx, p.NationalCode, owner); err != nil || again.ID != dev.ID || !again.Earlier {
		t.Errorf("the known device again: %+v %v, want its own code %s", again, err, dev.ID)
	}
	if again, err := w.svc.StartLogin(ctx, p.NationalCode, cl); err != nil || again.ID != reg.ID {
		t.Errorf("a browser without the mark: %+v %v, want the registration's code %s", again, err, reg.ID)
	}

	// The code offered again logs in; once answered it is not offered.
	if _, _, _, err := w.svc.Login(ctx, ch.ID, regCode, cl, identity.LoginOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.StartLogin(ctx, p.NationalCode, cl)
	wantCode(t, err, identity.CodeCooldown)

	// Nor once burnt by wrong codes.
	w.clock.Add(61 * time.Second)
	ch, err = w.svc.StartLogin(ctx, p.NationalCode, cl)
	if err != nil || ch.Earlier {
		t.Fatalf("a new code after the cooldown: %+v %v", ch, err)
	}
	wrong := wrongFor(w.sms.lastCode(t, mobile))
	for range w.svc.Policy.MaxAttempts {
		_, _, _, err = w.svc.Login(ctx, ch.ID, wrong, cl, identity.LoginOptions{})
	}
	wantCode(t, err, identity.CodeTooManyAttempts)
	_, err = w.svc.StartLogin(ctx, p.NationalCode, cl)
	wantCode(t, err, identity.CodeCooldown)
}

// TestLoginPrefetch: a login's Prefetch queues reads ahead of the
// challenge's, by the challenge's account, whose answers its Then has.
func TestLoginPrefetch(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := persona(t, "wife")
	a, ch, err := w.svc.Register(ctx, natural(p), cl)
	if err != nil {
		t.Fatal(err)
	}
	var got string
	var prefetched bool
	opts := identity.LoginOptions{
		Prefetch: func(tx *sqldb.Tx, account, challengeID string) error {
			return tx.QueueQuery(ctx, `SELECT login_id FROM identity_accounts WHERE id = `+account, []any{challengeID},
				func(scan func(...any) error) error { return scan(&got) })
		},
		Then: func(*sqldb.Tx, identity.Session, identity.Account) error {
			prefetched = got != ""
			return nil
		},
	}
	if _, _, _, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, p.Mobiles[0]), cl, opts); err != nil {
		t.Fatal(err)
	}
	if !prefetched || got != a.LoginID {
		t.Errorf("Then saw the prefetched login ID %q (before Then: %v), want %q", got, prefetched, a.LoginID)
	}
}

// TestWrongCodesAcrossCodes: wrong codes count against the account over
// all its codes, so that asking for new codes does not give a guesser
// new tries without end: past the limit the account's codes stop, the
// open ones and new ones alike, until the window ends.
func TestWrongCodesAcrossCodes(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.svc.Policy.WrongCodes = identity.Limit{Max: 7, Window: 24 * time.Hour}
	p := persona(t, "wife")
	_, first, err := w.svc.Register(ctx, natural(p), cl)
	if err != nil {
		t.Fatal(err)
	}
	code := w.sms.lastCode(t, p.Mobiles[0])
	for range 5 { // the first code burnt: 5 wrong
		_, _, _, err = w.svc.Login(ctx, first.ID, wrongFor(code), cl, identity.LoginOptions{})
	}
	wantCode(t, err, identity.CodeTooManyAttempts)
	w.clock.Add(time.Minute)
	second, err := w.svc.StartLogin(ctx, p.NationalCode, cl)
	if err != nil {
		t.Fatal(err)
	}
	code = w.sms.lastCode(t, p.Mobiles[0])
	for range 2 { // 7 wrong in all: still allowed
		_, _, _, err = w.svc.Login(ctx, second.ID, wrongFor(code), cl, identity.LoginOptions{})
		wantCode(t, err, identity.CodeCodeWrong)
	}
	_, _, _, err = w.svc.Login(ctx, second.ID, wrongFor(code), cl, identity.LoginOptions{})
	if e := wantCode(t, err, identity.CodeCodesLocked); e != nil && (e.RetryAfter < 23*time.Hour || e.RetryAfter > 24*time.Hour) {
		t.Errorf("locked for %v, want the rest of the day's window", e.RetryAfter)
	}
	// The open code, right as it is, no longer logs in, and no new code
	// is sent, by login or by asking again.
	if _, _, _, err := w.svc.Login(ctx, second.ID, code, cl, identity.LoginOptions{}); err == nil {
		t.Error("the right code logged in while the account's codes are stopped")
	}
	sent := w.sms.count()
	w.clock.Add(time.Minute)
	_, err = w.svc.StartLogin(ctx, p.NationalCode, cl)
	wantCode(t, err, identity.CodeCodesLocked)
	_, err = w.svc.Resend(ctx, second.ID, cl)
	wantCode(t, err, identity.CodeCodesLocked)
	if w.sms.count() != sent {
		t.Errorf("%d codes sent while the account's codes are stopped", w.sms.count()-sent)
	}
	// The next day the person logs in again.
	w.clock.Add(24 * time.Hour)
	ch, err := w.svc.StartLogin(ctx, p.NationalCode, cl)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, p.Mobiles[0]), cl, identity.LoginOptions{}); err != nil {
		t.Fatalf("login after the window: %v", err)
	}
}

func TestConcurrentRightCodeLogsInOnce(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := persona(t, "husband")
	_, ch, err := w.svc.Register(ctx, natural(p), cl)
	if err != nil {
		t.Fatal(err)
	}
	code := w.sms.lastCode(t, p.Mobiles[0])
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 8 {
		wg.Go(func() {
			if _, _, _, err := w.svc.Login(ctx, ch.ID, code, cl, identity.LoginOptions{}); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ok != 1 {
		t.Errorf("%d logins with one code, want 1", ok)
	}
}

func TestRateLimits(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.svc.Policy.ResendAfter = 0
	p := persona(t, "elderly")
	if _, _, err := w.svc.Register(ctx, natural(p), cl); err != nil {
		t.Fatal(err)
	}
	// The registration's code and four more fill the per-login limit of 5
	// in 15 minutes.
	for i := range 4 {
		if _, err := w.svc.StartLogin(ctx, p.NationalCode, cl); err != nil {
			t.Fatalf("code %d: %v", i+2, err)
		}
	}
	_, err := w.svc.StartLogin(ctx, p.NationalCode, identity.Client{IP: "198.51.100.7"})
	e := wantCode(t, err, identity.CodeRateLimited)
	if e.RetryAfter <= 0 || e.RetryAfter > 15*time.Minute {
		t.Errorf("Retry-After %v", e.RetryAfter)
	}
	// A second service value on the same database (another node, or the
	// same one after a restart) sees the same counters.
	other := *w.svc
	if _, err := other.StartLogin(ctx, p.NationalCode, cl); err == nil {
		t.Error("the limit did not hold for another node")
	}
	w.clock.Add(15 * time.Minute)
	if _, err := w.svc.StartLogin(ctx, p.NationalCode, cl); err != nil {
		t.Errorf("after the window: %v", err)
	}

	// Per IP: unknown identifiers count too, so probing is bounded.
	w.svc.Policy.PerIP = identity.Limit{Max: 3, Window: time.Hour}
	probe := identity.Client{IP: "203.0.113.9"}
	for range 3 {
		_, err := w.svc.StartLogin(ctx, "0000000019", probe)
		wantCode(t, err, identity.CodeNotRegistered)
	}
	_, err = w.svc.StartLogin(ctx, "0000000019", probe)
	wantCode(t, err, identity.CodeRateLimited)
	// An IPv6 subscriber holds a whole /64: its addresses count as one.
	unknown := func(i int) string {
		first9 := fmt.Sprintf("%09d", 300000+i)
		return first9 + fmt.Sprint(iran.NationalCodeCheckDigit(first9))
	}
	for i := range 3 {
		_, err := w.svc.StartLogin(ctx, unknown(i), identity.Client{IP: fmt.Sprintf("2001:db8:1:2::%x", i+1)})
		wantCode(t, err, identity.CodeNotRegistered)
	}
	_, err = w.svc.StartLogin(ctx, unknown(3), identity.Client{IP: "2001:db8:1:2:ffff::9"})
	wantCode(t, err, identity.CodeRateLimited)
	_, err = w.svc.StartLogin(ctx, unknown(4), identity.Client{IP: "2001:db8:1:3::1"})
	wantCode(t, err, identity.CodeNotRegistered)

	// Per mobile, with the counter keyed by the account's mobile, which
	// the login reads in the counting statement: two logins' codes fill a
	// limit of 2 (the registration's code counts against the login, not
	// the mobile the registration has yet to prove).
	w.svc.Policy.PerIP, w.svc.Policy.PerMobile = identity.Limit{}, identity.Limit{Max: 2, Window: time.Hour}
	o := persona(t, "ordinary")
	if _, _, err := w.svc.Register(ctx, natural(o), cl); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := w.svc.StartLogin(ctx, o.NationalCode, cl); err != nil {
			t.Fatalf("login %d: %v", i+1, err)
		}
	}
	_, err = w.svc.StartLogin(ctx, o.NationalCode, cl)
	wantCode(t, err, identity.CodeRateLimited)
	var hits int
	if err := w.db.Read.QueryRow(`SELECT hits FROM identity_limits WHERE key = $1`, "mobile:"+o.Mobiles[0]).Scan(&hits); err != nil || hits != 2 {
		t.Errorf("the mobile's counter: %d, %v; want 2 (the refused login's hit is not kept)", hits, err)
	}
}

// TestDailyCodesPerMobile: under the default policy a mobile is sent at
// most 20 codes a day, however the codes are spread over the quarter
// hours, from however many addresses; the person is told to come back in
// hours, and the next day codes go again.
func TestDailyCodesPerMobile(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := persona(t, "ordinary")
	if _, _, err := w.svc.Register(ctx, natural(p), cl); err != nil {
		t.Fatal(err)
	}
	// The registration's code is not counted against the mobile it has
	// yet to prove; twenty logins' codes are, four per quarter hour.
	for i := range 20 {
		if i%4 == 0 {
			w.clock.Add(15 * time.Minute)
		} else {
			w.clock.Add(time.Minute)
		}
		if _, err := w.svc.StartLogin(ctx, p.NationalCode, identity.Client{IP: fmt.Sprintf("198.51.100.%d", i+1)}); err != nil {
			t.Fatalf("code %d: %v", i+1, err)
		}
	}
	w.clock.Add(15 * time.Minute)
	_, err := w.svc.StartLogin(ctx, p.NationalCode, identity.Client{IP: "203.0.113.50"})
	e := wantCode(t, err, identity.CodeRateLimited)
	if e == nil || e.RetryAfter < 15*time.Hour || e.RetryAfter > 24*time.Hour || !strings.Contains(e.En, "hours") || !strings.Contains(e.Fa, "ساعت") {
		t.Fatalf("the 21st code of the day: %+v", e)
	}
	w.clock.Add(e.RetryAfter)
	if _, err := w.svc.StartLogin(ctx, p.NationalCode, cl); err != nil {
		t.Errorf("the next day: %v", err)
	}
}

// TestDailyRegistrationAttempts: a refused registration says which
// check failed, so attempts per identifier are limited over a day as
// well as a quarter hour: ten a day, from however many addresses,
// bound how fast anyone can try birth dates for a national code.
func TestDailyRegistrationAttempts(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := persona(t, "ordinary")
	wrong := natural(p)
	for i := range 10 {
		if i%5 == 0 {
			w.clock.Add(15 * time.Minute)
		}
		wrong.BirthDate = fmt.Sprintf("1370/05/%02d", i+1)
		_, _, err := w.svc.Register(ctx, wrong, identity.Client{IP: fmt.Sprintf("198.51.100.%d", i+1)})
		if e := wantCode(t, err, identity.CodeBirthDateMismatch); e == nil {
			t.Fatalf("attempt %d", i+1)
		}
	}
	w.clock.Add(15 * time.Minute)
	_, _, err := w.svc.Register(ctx, natural(p), identity.Client{IP: "203.0.113.50"})
	e := wantCode(t, err, identity.CodeRateLimited)
	if e == nil || e.RetryAfter < 20*time.Hour || !strings.Contains(e.En, "hours") {
		t.Fatalf("the 11th attempt of the day: %+v", e)
	}
	w.clock.Add(e.RetryAfter)
	if _, _, err := w.svc.Register(ctx, natural(p), cl); err != nil {
		t.Errorf("the next day: %v", err)
	}
}

// TestFailedRegistrationsDoNotStopLogins: registration attempts are
// limited per identifier with a counter of their own, so that refused
// registrations (a mistyped birth date) do not use up the codes the
// identifier's logins may be sent; the limit holds for every node.
func TestFailedRegistrationsDoNotStopLogins(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := persona(t, "ordinary")
	wrong := natural(p)
	wrong.BirthDate = "1370/05/13"
	for i := range 4 {
		_, _, err := w.svc.Register(ctx, wrong, cl)
		if e := wantCode(t, err, identity.CodeBirthDateMismatch); e == nil {
			t.Fatalf("attempt %d", i+1)
		}
	}
	if _, _, err := w.svc.Register(ctx, natural(p), cl); err != nil {
		t.Fatal(err)
	}
	// From another browser, once the cooldown has passed, the login's
	// code goes; the identifier's codes so far are the registration's.
	w.clock.Add(time.Minute)
	if _, err := w.svc.StartLogin(ctx, p.NationalCode, identity.Client{IP: "198.51.100.7"}); err != nil {
		t.Fatalf("a login after four refused registrations and one that went: %v", err)
	}

	// Registration attempts are still limited: five per identifier in
	// 15 minutes, here on two nodes sharing the database.
	q := persona(t, "wife")
	wrong = natural(q)
	wrong.BirthDate = "1300/01/01"
	other := *w.svc
	for i := range 5 {
		node := w.svc
		if i%2 == 1 {
			node = &other
		}
		_, _, err := node.Register(ctx, wrong, identity.Client{IP: fmt.Sprintf("192.0.2.%d", 100+i)})
		wantCode(t, err, identity.CodeBirthDateMismatch)
	}
	_, _, err := w.svc.Register(ctx, natural(q), identity.Client{IP: "192.0.2.200"})
	if e := wantCode(t, err, identity.CodeRateLimited); e.RetryAfter <= 0 || e.RetryAfter > 15*time.Minute {
		t.Errorf("Retry-After %v", e.RetryAfter)
	}
	w.clock.Add(15 * time.Minute)
	if _, _, err := w.svc.Register(ctx, natural(q), cl); err != nil {
		t.Errorf("a registration once the window has passed: %v", err)
	}
}

// TestEndIdleSessions: sessions left to idle out, or past their absolute
// end, are ended by the sweep without their browser coming back, each
// told to OnSessionEnd (for the agencies' back-channel logout) once; a
// session used, or given a longer idle time by a service, is left alone
// until its own end.
func TestEndIdleSessions(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	var ended []string
	w.svc.OnSessionEnd = func(_ context.Context, id string) { ended = append(ended, id) }
	login := func(key string, opts identity.LoginOptions) (identity.Session, string) {
		t.Helper()
		_, sess, token := w.signIn(t, key, opts)
		return sess, token
	}
	sweep := func(want int) {
		t.Helper()
		n, err := w.svc.EndIdleSessions(ctx, 100)
		if err != nil || n != want {
			t.Fatalf("swept %d sessions, %v; want %d", n, err, want)
		}
	}
	left, _ := login("ordinary", identity.LoginOptions{})
	used, usedToken := login("two-mobiles", identity.LoginOptions{})
	long, _ := login("wife", identity.LoginOptions{})
	if err := w.svc.ExtendIdle(ctx, long.ID, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	sweep(0)
	w.clock.Add(20 * time.Minute)
	if _, _, err := w.svc.Authenticate(ctx, usedToken); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(11 * time.Minute) // 31 minutes: the session left alone is past its idle time
	sweep(1)
	if len(ended) != 1 || ended[0] != left.ID {
		t.Fatalf("ended %v, want only %s", ended, left.ID)
	}
	sweep(0)                      // once
	w.clock.Add(20 * time.Minute) // the used one's 30 minutes since its use
	sweep(1)
	if ended[1] != used.ID {
		t.Errorf("ended %v, want %s second", ended, used.ID)
	}
	w.clock.Add(70 * time.Minute) // two hours for the extended one
	sweep(1)
	if ended[2] != long.ID {
		t.Errorf("ended %v, want %s third", ended, long.ID)
	}
	var reason string
	if err := w.db.Read.QueryRow(`SELECT end_reason FROM identity_sessions WHERE id = $1`, long.ID).Scan(&reason); err != nil || reason != "idle" {
		t.Errorf("end reason %q, %v; want idle", reason, err)
	}
	if _, _, err := w.svc.Authenticate(ctx, usedToken); !errors.Is(err, identity.ErrNoSession) {
		t.Errorf("a swept session still authenticates: %v", err)
	}

	// A session used until near its absolute end (12 hours) is ended at
	// that end, though its idle time has not run out.
	busy, busyToken := login("husband", identity.LoginOptions{})
	for range 35 { // 11 hours 40 minutes of use
		w.clock.Add(20 * time.Minute)
		if _, _, err := w.svc.Authenticate(ctx, busyToken); err != nil {
			t.Fatal(err)
		}
	}
	w.clock.Add(21 * time.Minute)
	sweep(1)
	if err := w.db.Read.QueryRow(`SELECT end_reason FROM identity_sessions WHERE id = $1`, busy.ID).Scan(&reason); err != nil || reason != "expired" {
		t.Errorf("end reason %q, %v; want expired", reason, err)
	}
}

// TestEndSessionWithoutReason: a session ended without a reason is
// recorded as "ended", and so is no longer among the live sessions the
// sweep looks through (whose end reason is empty).
func TestEndSessionWithoutReason(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a, sess, _ := w.signIn(t, "ordinary", identity.LoginOptions{})
	if err := w.svc.EndSession(ctx, a.ID, sess.ID, "", cl); err != nil {
		t.Fatal(err)
	}
	var reason string
	var live int
	if err := w.db.Read.QueryRow(`SELECT end_reason, (SELECT COUNT(*) FROM identity_sessions WHERE end_reason = '')
		FROM identity_sessions WHERE id = $1`, sess.ID).Scan(&reason, &live); err != nil || reason != "ended" || live != 0 {
		t.Fatalf("end reason %q, %d live, %v; want ended and none live", reason, live, err)
	}
	w.clock.Add(13 * time.Hour)
	if n, err := w.svc.EndIdleSessions(ctx, 100); err != nil || n != 0 {
		t.Fatalf("swept %d sessions, %v; want none", n, err)
	}
}

func TestSessionTimeouts(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	_, sess, token := w.signIn(t, "two-mobiles", identity.LoginOptions{})
	// Use keeps the session alive past the idle time.
	for range 3 {
		w.clock.Add(20 * time.Minute)
		if _, _, err := w.svc.Authenticate(ctx, token); err != nil {
			t.Fatalf("session ended while in use: %v", err)
		}
	}
	ended := []string{}
	w.svc.OnSessionEnd = func(_ context.Context, id string) { ended = append(ended, id) }
	w.clock.Add(31 * time.Minute)
	if _, _, err := w.svc.Authenticate(ctx, token); !errors.Is(err, identity.ErrNoSession) {
		t.Fatalf("idle session still valid: %v", err)
	}
	if len(ended) != 1 || ended[0] != sess.ID {
		t.Errorf("ended %v, want %s", ended, sess.ID)
	}

	// A long service asks for a longer idle time (A7), bounded by the
	// absolute lifetime.
	w.clock.Add(time.Minute)
	p := persona(t, "two-mobiles")
	ch, err := w.svc.StartLogin(ctx, p.NationalCode, cl)
	if err != nil {
		t.Fatal(err)
	}
	_, _, token, err = w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, p.Mobiles[0]), cl, identity.LoginOptions{Idle: 90 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Add(80 * time.Minute)
	if _, _, err := w.svc.Authenticate(ctx, token); err != nil {
		t.Fatalf("a 90-minute session ended after 80: %v", err)
	}
	// An agency's service asks for two hours (through single sign-on).
	sess2, _, err := w.svc.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.ExtendIdle(ctx, sess2.ID, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	w.clock.Add(110 * time.Minute)
	if _, _, err := w.svc.Authenticate(ctx, token); err != nil {
		t.Fatalf("a session extended to two hours ended after 110 minutes: %v", err)
	}
	for range 8 {
		w.clock.Add(85 * time.Minute)
		if _, _, err := w.svc.Authenticate(ctx, token); err != nil {
			break
		}
	}
	if _, _, err := w.svc.Authenticate(ctx, token); !errors.Is(err, identity.ErrNoSession) {
		t.Errorf("session outlived its absolute lifetime: %v", err)
	}
}

func TestChangeMobile(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := persona(t, "two-mobiles")
	a, pending, err := w.svc.Register(ctx, natural(p), cl)
	if err != nil {
		t.Fatal(err)
	}
	oldCode := w.sms.lastCode(t, p.Mobiles[0])
	// A number Shahkar gives to someone else is refused.
	_, err = w.svc.ChangeMobile(ctx, a.ID, persona(t, "ordinary").Mobiles[0], cl)
	wantCode(t, err, identity.CodeMobileNotOwner)
	audited := func(kind string) int {
		n := 0
		for _, k := range w.audit.kinds() {
			if k == kind {
				n++
			}
		}
		return n
	}
	if n := audited(identity.EventMobileRefuse); n != 1 {
		t.Errorf("%d refused mobile changes audited, want 1", n)
	}
	ch, err := w.svc.ChangeMobile(ctx, a.ID, p.Mobiles[1], cl)
	if err != nil {
		t.Fatal(err)
	}
	if ch.MaskedMobile != identity.MaskMobile(p.Mobiles[1]) {
		t.Errorf("code went to %s, want the new number", ch.MaskedMobile)
	}
	// Asked again within the cooldown, for the same number, the change
	// answers with the code already sent, and sends none.
	sent := w.sms.count()
	if again, err := w.svc.ChangeMobile(ctx, a.ID, p.Mobiles[1], cl); err != nil || again.ID != ch.ID || !again.Earlier {
		t.Errorf("the change asked again: %+v %v, want the code %s already sent", again, err, ch.ID)
	}
	if w.sms.count() != sent {
		t.Error("the change asked again within the cooldown sent a code")
	}
	// The code of the new number must come back.
	_, err = w.svc.ConfirmMobile(ctx, a.ID, ch.ID, "12", cl)
	wantCode(t, err, identity.CodeCodeWrong)
	if n := audited(identity.EventOTPFailed); n != 1 {
		t.Errorf("%d wrong codes for the new number audited, want 1", n)
	}
	got, err := w.svc.ConfirmMobile(ctx, a.ID, ch.ID, w.sms.lastCode(t, p.Mobiles[1]), cl)
	if err != nil {
		t.Fatal(err)
	}
	if got.Mobile != p.Mobiles[1] {
		t.Errorf("mobile %s", got.Mobile)
	}
	// The former number is told where the account's codes go now.
	if n := len(w.sms.notices); n != 1 || w.sms.notices[0].to != p.Mobiles[0] ||
		!strings.Contains(w.sms.notices[0].text, identity.MaskMobile(p.Mobiles[1])) {
		t.Errorf("notices %+v, want one to the former number naming the new one, masked", w.sms.notices)
	}
	// Within the cooldown, neither a change to another number nor a login
	// is offered a code sent before: the change's was to another number,
	// and is used; the registration's went to the former number.
	_, err = w.svc.ChangeMobile(ctx, a.ID, p.Mobiles[0], cl)
	wantCode(t, err, identity.CodeCooldown)
	_, err = w.svc.StartLogin(ctx, p.NationalCode, cl)
	wantCode(t, err, identity.CodeCooldown)
	// A login code sent to the former number before the change no longer
	// logs in, and the change's own challenge sends nothing more.
	_, _, _, err = w.svc.Login(ctx, pending.ID, oldCode, cl, identity.LoginOptions{})
	wantCode(t, err, identity.CodeCodeExpired)
	w.clock.Add(2 * time.Minute)
	_, err = w.svc.Resend(ctx, ch.ID, cl)
	wantCode(t, err, identity.CodeCodeExpired)
	// Asking again for that login's code sends it to the number the
	// account has now, and that code logs in.
	before := w.sms.count()
	rc, err := w.svc.Resend(ctx, pending.ID, cl)
	if err != nil || rc.MaskedMobile != identity.MaskMobile(p.Mobiles[1]) {
		t.Fatalf("resent login code to %s %v, want the new number", rc.MaskedMobile, err)
	}
	if w.sms.count() != before+1 {
		t.Fatalf("%d messages sent by the resend, want 1", w.sms.count()-before)
	}
	if _, _, _, err := w.svc.Login(ctx, rc.ID, w.sms.lastCode(t, p.Mobiles[1]), cl, identity.LoginOptions{}); err != nil {
		t.Fatalf("login with the resent code: %v", err)
	}
	// A challenge already answered sends nothing.
	w.clock.Add(2 * time.Minute)
	_, err = w.svc.Resend(ctx, rc.ID, cl)
	wantCode(t, err, identity.CodeCodeExpired)

	lc, err := w.svc.StartLogin(ctx, p.NationalCode, cl)
	if err != nil || lc.MaskedMobile != identity.MaskMobile(p.Mobiles[1]) {
		t.Errorf("login code to %s %v, want the new number", lc.MaskedMobile, err)
	}
}

func TestForeignNationalRegistration(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	f := persona(t, "foreigner")
	in := identity.RegisterInput{Kind: identity.KindForeign, ForeignID: f.FIDA, BirthDate: f.BirthDate, Mobile: persona(t, "ordinary").Mobiles[0]}
	_, _, err := w.svc.Register(ctx, in, cl)
	wantCode(t, err, identity.CodeMobileNotOwner)
	in.Mobile = f.Mobiles[0]
	in.BirthDate = "1368/03/02"
	_, _, err = w.svc.Register(ctx, in, cl)
	// The birth date is the foreign-nationals bureau's, not the civil
	// registry's, and the reason says so.
	if e := wantCode(t, err, identity.CodeBirthDateMismatch); e.Field != "birthDate" ||
		!strings.Contains(e.Fa, "ادارهٔ کل امور اتباع") || strings.Contains(e.Fa, "ثبت احوال") ||
		!strings.Contains(e.En, "Foreign Immigrants") || strings.Contains(e.En, "civil registry") {
		t.Errorf("a foreign national's birth date mismatch: field %q, %q / %q", e.Field, e.Fa, e.En)
	}
	in.BirthDate = f.BirthDate
	in.ForeignID = "19871234560"
	_, _, err = w.svc.Register(ctx, in, cl)
	wantCode(t, err, identity.CodeInvalid)
	in.ForeignID = f.FIDA
	a, ch, err := w.svc.Register(ctx, in, cl)
	if err != nil {
		t.Fatal(err)
	}
	if a.LoginID != f.FIDA || a.ForeignID != f.FIDA || a.NationalCode != "" || a.FirstName != f.FirstName || a.Source["foreignId"] != "foreign-nationals" {
		t.Errorf("account %+v", a)
	}
	if _, _, token, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, f.Mobiles[0]), cl, identity.LoginOptions{}); err != nil {
		t.Fatal(err)
	} else {
		// The residence: the postal code the bureau has for them, and
		// the Post's province and city for it, each with its source,
		// kept with the account.
		_, got, err := w.svc.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"postalCode": f.PostalCode, "province": "خراسان رضوی", "city": "مشهد",
			"source postalCode": "foreign-nationals", "source province": "post", "source city": "post"}
		have := map[string]string{"postalCode": got.PostalCode, "province": got.Province, "city": got.City,
			"source postalCode": got.Source["postalCode"], "source province": got.Source["province"], "source city": got.Source["city"]}
		if diff := cmp.Diff(want, have); diff != "" {
			t.Errorf("a foreign national's residence (-want +got):\n%s", diff)
		}
	}
	// The audit log names the person by the FIDA, as others by the
	// national code.
	w.audit.mu.Lock()
	defer w.audit.mu.Unlock()
	for _, e := range w.audit.events {
		if (e.Kind == identity.EventRegistration || e.Kind == identity.EventLogin) && e.Actor != f.FIDA {
			t.Errorf("%s event's actor %q, want the FIDA %s", e.Kind, e.Actor, f.FIDA)
		}
	}
}

// TestRegisterWithoutResidence: the legal residence is a convenience, so a
// residence service that fails does not stop a registration.
func TestRegisterWithoutResidence(t *testing.T) {
	w := newWorld(t)
	reg := w.svc.Registries.(*identity.ExchangeRegistries)
	reg.Services.Residence = "IR/GOV/nowhere/registry/residence" // the gateway answers 404
	p := persona(t, "ordinary")
	a, _, err := w.svc.Register(context.Background(), natural(p), cl)
	if err != nil {
		t.Fatalf("registration failed with the residence service down: %v", err)
	}
	if a.PostalCode != "" || a.Province != "" || a.City != "" || a.Source["postalCode"] != "" {
		t.Errorf("an address without its registry: %q %q %q %q", a.PostalCode, a.Province, a.City, a.Source["postalCode"])
	}
}

// TestForeignNationalWithoutThePost: the Post's province and city are a
// convenience, as a citizen's legal residence is: when the Post cannot
// be asked, a foreign national registers with the bureau's postal code
// alone.
func TestForeignNationalWithoutThePost(t *testing.T) {
	w := newWorld(t)
	reg := w.svc.Registries.(*identity.ExchangeRegistries)
	reg.Services.Post = "IR/GOV/nowhere/address/postcode" // the gateway answers 404
	f := persona(t, "foreigner")
	in := identity.RegisterInput{Kind: identity.KindForeign, ForeignID: f.FIDA, BirthDate: f.BirthDate, Mobile: f.Mobiles[0]}
	a, _, err := w.svc.Register(context.Background(), in, cl)
	if err != nil {
		t.Fatalf("registration failed without the Post: %v", err)
	}
	if a.PostalCode != f.PostalCode || a.Source["postalCode"] != "foreign-nationals" || a.Province != "" || a.City != "" || a.Source["city"] != "" {
		t.Errorf("without the Post: postal code %q (%s), province %q, city %q (%s)", a.PostalCode, a.Source["postalCode"], a.Province, a.City, a.Source["city"])
	}
}

// lastDetails is the details of the last event of kind recorded.
func (a *auditLog) lastDetails(kind string) map[string]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := len(a.events) - 1; i >= 0; i-- {
		if a.events[i].Kind == kind {
			return a.events[i].Details
		}
	}
	return nil
}
