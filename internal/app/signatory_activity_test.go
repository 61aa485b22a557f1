package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/clocktest"
	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/notify"
	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

// TestActivityOfACompanyTakenOver: once a company's signatory has left
// and a current one has registered the company again, the account's
// security activity page shows the new signatory their own events and
// none of the former signatory's, from before the takeover or of it (the
// ends of their sessions), though the account keeps its login ID and ID.
// A natural person's activity is every event about their national code,
// as before.
func TestActivityOfACompanyTakenOver(t *testing.T) {
	ctx := context.Background()
	w := newTakeoverWindow(t)
	ceo, board, husband := registryPersona(t, "ceo"), registryPersona(t, "ordinary"), registryPersona(t, "husband")
	ceoAt := identity.Client{IP: "198.51.100.7", UserAgent: "CEO-Browser/1.0"}
	boardAt := identity.Client{IP: "203.0.113.9", UserAgent: "Board-Browser/2.0"}

	// The CEO registers the company and logs in; a second registration of
	// theirs is refused, an event the audit log knows no actor of.
	company, ceoToken := w.signIn(t, companyFor(ceo, ceo.LegalID), ceo.Mobiles[0], ceoAt)
	if _, _, err := w.svc.Register(ctx, companyFor(ceo, ceo.LegalID), ceoAt); err == nil {
		t.Fatal("the company registered twice")
	}
	w.clock.Add(time.Minute)
	if _, _, err := w.svc.Register(ctx, companyFor(board, ceo.LegalID), boardAt); err == nil {
		t.Fatal("a board member took the company over while its CEO is still a signatory")
	}
	body := w.activityPage(t, ceoToken)
	for _, want := range []string{ceoAt.IP, ceoAt.UserAgent, "<td>ورود</td>", "ثبت‌نام ناموفق"} {
		if !strings.Contains(body, want) {
			t.Errorf("the CEO's activity lacks %q:\n%s", want, body)
		}
	}

	// The CEO leaves; the board member, a current signatory, registers
	// the company again and logs in.
	w.clock.Add(time.Minute)
	if _, err := w.db.Write.ExecContext(ctx, `UPDATE reg_signatories SET to_date = '1405-09-01' WHERE legal_id = $1 AND national_code = $2`,
		ceo.LegalID, ceo.NationalCode); err != nil {
		t.Fatal(err)
	}
	takenOver, boardToken := w.signIn(t, companyFor(board, ceo.LegalID), board.Mobiles[0], boardAt)
	if takenOver.ID != company.ID || takenOver.LoginID != company.LoginID {
		t.Fatalf("the takeover made account %s (%s), want %s", takenOver.ID, takenOver.LoginID, company.ID)
	}
	body = w.activityPage(t, boardToken)
	for _, want := range []string{boardAt.IP, boardAt.UserAgent, "<td>ثبت‌نام</td>", "<td>ارسال رمز یک‌بارمصرف</td>", "<td>ورود</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the new signatory's activity lacks %q:\n%s", want, body)
		}
	}
	for _, leak := range []string{ceoAt.IP, ceoAt.UserAgent, "پایان نشست", "ثبت‌نام ناموفق"} {
		if strings.Contains(body, leak) {
			t.Errorf("the new signatory's activity shows the former signatory's %q:\n%s", leak, body)
		}
	}
	items, err := w.handler.Activity.Activity(ctx, company.LoginID, company.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	got := activityRows(items)
	want := []string{"Login " + boardAt.IP, "One-time code sent " + boardAt.IP, "Registration " + boardAt.IP}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the company's activity after the takeover (-want +got):\n%s", diff)
	}
	// The audit log keeps the former signatory's events, their
	// sessions' ends at the takeover without the new signatory's address.
	all, err := w.audit.ForSubject(ctx, company.LoginID, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var ceoEvents, ends int
	for _, e := range all.Entries {
		if e.IP == ceoAt.IP {
			ceoEvents++
		}
		if e.Kind == audit.KindSessionEnded {
			ends++
			if e.Actor != audit.ActorPerson(ceo.NationalCode) || e.IP != "" || e.UserAgent != "" || e.Details["reason"] != "signatory-changed" {
				t.Errorf("the end of the former signatory's session at the takeover: %+v", e)
			}
		}
	}
	if ceoEvents == 0 || ends != 1 {
		t.Errorf("the audit log holds %d of the CEO's events and %d session ends; want some and one", ceoEvents, ends)
	}
	// The former signatory's session is over, and with it their page.
	if res, _ := w.get(t, "/account/activity", ceoToken); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the former signatory's session got the activity page: %d", res.StatusCode)
	}

	// A natural person's activity is every event about their national
	// code, a refusal before they registered included.
	refused := naturalOf(husband)
	refused.BirthDate = "1360/01/01"
	if _, _, err := w.svc.Register(ctx, refused, ceoAt); err == nil {
		t.Fatal("a registration with a wrong birth date succeeded")
	}
	w.clock.Add(time.Minute)
	person, _ := w.signIn(t, naturalOf(husband), husband.Mobiles[0], boardAt)
	w.sync(t)
	items, err = w.handler.Activity.Activity(ctx, person.LoginID, person.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	all, err = w.audit.ForSubject(ctx, person.LoginID, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	want = nil
	for _, e := range all.Entries {
		_, en := e.Kind.Title()
		want = append(want, en+" "+e.IP)
	}
	if diff := cmp.Diff(want, activityRows(items)); diff != "" || len(want) != 4 {
		t.Errorf("a natural person's activity (-every event about them +listed), want 4 rows:\n%s", diff)
	}
}

// activityRows is each item's English title and address.
func activityRows(items []identity.ActivityItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.What.En+" "+it.IP)
	}
	return out
}

// takeoverWindow is the window's identity service, audit log and
// privacy feeds as serve wires them, the simulated registries behind a
// plain router in place of the exchange's gateway (tested in the
// exchange package), and a clock the service and the audit log share.
type takeoverWindow struct {
	svc     *identity.Service
	handler *identity.Handler
	audit   *audit.Log
	db      *sqldb.DB
	clock   *clocktest.Clock
	sms     *smsCodes
	site    string
}

func newTakeoverWindow(t *testing.T) *takeoverWindow {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	db := sqldbtest.Open(t)
	if _, err := registry.Seed(ctx, db, registry.SeedOptions{Persons: 20, Seed: 1, Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}); err != nil {
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
	services := identity.ExchangeServices{
		Identity:     "IR/GOV/sabteahval/registry/identity",
		Shahkar:      "IR/GOV/sazmantanzim/shahkar/ServiceIDmatching",
		LegalPersons: "IR/GOV/ssaa/registry/legal-persons",
		Residence:    "IR/GOV/sabteahval/registry/residence",
		Post:         "IR/GOV/post/address/postcode",
	}
	paths := map[string]string{
		services.Identity:     "/registry/sabteahval/identity",
		services.Shahkar:      "/registry/sazmantanzim/shahkar/ServiceIDmatching",
		services.LegalPersons: "/registry/legal-persons",
		services.Residence:    "/registry/residence",
		services.Post:         "/registry/post/address",
	}
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/r1/")
		for svc, path := range paths {
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
	al := &audit.Log{DB: db, Logger: log, Now: c.Now}
	t.Cleanup(func() { al.Close(context.Background()) })
	codes := &smsCodes{last: map[string]string{}}
	svc := &identity.Service{
		DB: db,
		Registries: &identity.ExchangeRegistries{Client: &nix.Client{Gateway: gw.URL, Subsystem: "IR/GOV/ito/portal", HTTP: gw.Client()},
			Services: services, RequestPrefix: "ITO"},
		SMS:    codes,
		Audit:  auditAdapter{al},
		Secret: []byte("0123456789abcdef0123456789abcdef"),
		Policy: identity.DefaultPolicy(),
		Logger: log,
		Now:    c.Now,
	}
	svc.Policy.PerLogin.Max = 20 // the registrations below count against the legal ID
	acc := &access{service: svc, handler: &identity.Handler{Service: svc}, audit: al}
	m, err := web.New(web.Options{Logger: log, DB: db, Now: c.Now, StatsFlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	p, err := openSSO(ctx, log, db, acc, "http://"+srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	privacyFeeds(acc.handler, db, p, al)
	acc.mount(m)
	m.Mount(p)
	srv.Config.Handler = m.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(func() { m.Close(context.Background()) })
	return &takeoverWindow{svc: svc, handler: acc.handler, audit: al, db: db, clock: c, sms: codes, site: srv.URL}
}

// signIn registers in from the browser at and logs in there with the
// code sent to mobile; it returns the account and the session's token.
func (w *takeoverWindow) signIn(t *testing.T, in identity.RegisterInput, mobile string, at identity.Client) (identity.Account, string) {
	t.Helper()
	ctx := context.Background()
	a, ch, err := w.svc.Register(ctx, in, at)
	if err != nil {
		t.Fatal(err)
	}
	_, _, token, err := w.svc.Login(ctx, ch.ID, w.sms.code(t, mobile), at, identity.LoginOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return a, token
}

// activityPage is the activity page as the session token sees it, once
// the events recorded with the changes they report are in the chain.
func (w *takeoverWindow) activityPage(t *testing.T, token string) string {
	t.Helper()
	w.sync(t)
	res, body := w.get(t, "/account/activity", token)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/account/activity: %d\n%s", res.StatusCode, body)
	}
	return body
}

// sync puts the events recorded with the changes they report in the
// chain, where the activity is read from.
func (w *takeoverWindow) sync(t *testing.T) {
	t.Helper()
	if err := w.audit.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (w *takeoverWindow) get(t *testing.T, path, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, w.site+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "pnj_session", Value: token})
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// smsCodes stands for the people's phones: the last code sent to each
// mobile.
type smsCodes struct {
	mu   sync.Mutex
	last map[string]string
}

func (s *smsCodes) SendCode(_ context.Context, _ sqldb.Querier, mobile, text string, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last[mobile] = notify.CodeIn(text)
	return nil
}

func (s *smsCodes) code(t *testing.T, mobile string) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.last[mobile]
	if c == "" {
		t.Fatalf("no code sent to %s", mobile)
	}
	return c
}

func registryPersona(t *testing.T, key string) registry.Persona {
	t.Helper()
	for _, p := range registry.Personas() {
		if p.Key == key {
			return p
		}
	}
	t.Fatalf("no persona %q", key)
	return registry.Persona{}
}

func naturalOf(p registry.Persona) identity.RegisterInput {
	return identity.RegisterInput{Kind: identity.KindNatural, NationalCode: p.NationalCode, BirthDate: p.BirthDate, Mobile: p.Mobiles[0]}
}

// companyFor is p's registration, as one of its signatories, of the
// company whose legal national ID is legalID.
func companyFor(p registry.Persona, legalID string) identity.RegisterInput {
	in := naturalOf(p)
	in.Kind, in.LegalID = identity.KindLegal, legalID
	return in
}
