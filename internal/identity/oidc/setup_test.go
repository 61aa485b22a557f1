package oidc_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"github.com/panjereh/panjereh/internal/clocktest"
	"github.com/panjereh/panjereh/internal/web/webtest"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/internal/web"
)

// clock is the settable clock tests share.
type clock = clocktest.Clock

// sessions is a small stand-in for the identity package: the browser
// logs in at /test/login as the persona the test chose, and a cookie
// names the session.
type sessions struct {
	clock    *clock
	mu       sync.Mutex
	byID     map[string]oidc.Session
	next     oidc.Session // who logs in at /test/login
	ended    []string
	extended map[string]time.Duration
	n        int
	// p is the provider whose Resume, or Resumption with its Prefetch
	// when prefetch is set, the code form's answer (POST /test/login)
	// tries in its transaction on db as the window's does.
	p        *oidc.Provider
	prefetch bool
	db       *sqldb.DB
}

func (s *sessions) Current(r *http.Request) (oidc.Session, bool) {
	c, err := r.Cookie("test_session")
	if err != nil {
		return oidc.Session{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[c.Value]
	return sess, ok
}

func (s *sessions) LoginURL(returnTo, acr string, force bool, lang string) string {
	return "/test/login?" + url.Values{"return": {returnTo}, "acr": {acr}}.Encode()
}

func (s *sessions) Extend(_ context.Context, id string, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.extended == nil {
		s.extended = map[string]time.Duration{}
	}
	s.extended[id] = d
	return nil
}

func (s *sessions) End(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, id)
	s.ended = append(s.ended, id)
	return nil
}

func (s *sessions) Mount(m *web.Mux) {
	start := func(w http.ResponseWriter) oidc.Session {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.n++
		sess := s.next
		sess.ID = fmt.Sprintf("session-%d", s.n)
		sess.AuthTime = s.clock.Now()
		s.byID[sess.ID] = sess
		http.SetCookie(w, &http.Cookie{Name: "test_session", Value: sess.ID, Path: "/"})
		return sess
	}
	m.Page("GET /test/login", func(w http.ResponseWriter, r *http.Request) {
		start(w)
		http.Redirect(w, r, r.URL.Query().Get("return"), http.StatusFound)
	})
	// The answer to a login form, as the window's code form answers.
	m.Page("POST /test/login", func(w http.ResponseWriter, r *http.Request) {
		sess, ret := start(w), r.PostFormValue("return")
		var onward func(http.ResponseWriter, *http.Request)
		err := s.db.InTx(r.Context(), func(tx *sqldb.Tx) error {
			var err error
			if !s.prefetch {
				onward, err = s.p.Resume(r.Context(), tx, r, ret, sess)
				return err
			}
			z := s.p.Resumption(r, ret)
			if z == nil {
				return nil
			}
			if err := z.Prefetch(r.Context(), tx, "$1", sess.Subject); err != nil {
				return err
			}
			onward, err = z.Resume(r.Context(), tx, sess)
			return err
		})
		switch {
		case err != nil:
			m.ServerError(w, r, err)
		case onward != nil:
			onward(w, r)
		default:
			m.Continue(w, r, ret)
		}
	})
}

type accounts map[string]oidc.Claims

func (a accounts) Claims(_ context.Context, subject string) (oidc.Claims, error) {
	return a[subject], nil
}

type auditor struct {
	mu      sync.Mutex
	events  []oidc.AuditEvent
	invalid []error // events the window's audit log would refuse
	down    error   // when set, RecordTx fails, as a log that cannot write
}

func (a *auditor) RecordTx(ctx context.Context, tx *sqldb.Tx, e oidc.AuditEvent) error {
	a.mu.Lock()
	down := a.down
	a.mu.Unlock()
	if down != nil {
		return down
	}
	tx.AfterCommit(func() { a.Record(ctx, e) })
	return nil
}

func (a *auditor) Record(_ context.Context, e oidc.AuditEvent) error {
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

func (a *auditor) kinds() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, e := range a.events {
		out = append(out, e.Kind)
	}
	return out
}

// env is a live provider on 127.0.0.1.
type env struct {
	t        testing.TB
	h        http.Handler
	p        *oidc.Provider
	opts     oidc.Options // what p was made with, for a second node
	db       *sqldb.DB
	url      string
	clock    *clock
	sessions *sessions
	audit    *auditor
}

const (
	persona    = "acct-7f3a"
	redirectRP = "http://127.0.0.1:9/cb"
)

// newEnv starts a provider; tweaks change its options first.
func newEnv(t testing.TB, tweaks ...func(*oidc.Options)) *env {
	t.Helper()
	db := sqldbtest.Open(t)
	clk := clocktest.New(time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String()
	e := &env{t: t, db: db, url: issuer, clock: clk, audit: &auditor{},
		sessions: &sessions{clock: clk, byID: map[string]oidc.Session{},
			next: oidc.Session{Subject: persona, ACR: "loa1", AMR: []string{"otp", "sms"}, Roles: []string{"overseer"}}}}
	birth := time.Date(1991, 4, 20, 0, 0, 0, 0, time.UTC)
	opts := oidc.Options{
		Issuer: issuer, AllowInsecure: true, DB: db, Sessions: e.sessions, Audit: e.audit, Now: clk.Now,
		Accounts: accounts{persona: {Kind: "natural", NationalID: "0084575948", Mobile: "09121234567", FirstName: "مریم",
			LastName: "احمدی", FatherName: "علی", Gender: "FEMALE", BirthDate: birth, BirthDateShamsi: "1370/01/31",
			PostalCode: "1598765432", Province: "تهران", City: "تهران"}},
		KeyPublishDelay: time.Minute, Logger: slog.New(slog.NewTextHandler(tlog{t}, nil)),
	}
	for _, tw := range tweaks {
		tw(&opts)
	}
	e.opts = opts
	e.p, err = oidc.New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	e.sessions.p, e.sessions.db = e.p, db
	t.Cleanup(func() {
		e.audit.mu.Lock()
		defer e.audit.mu.Unlock()
		for _, err := range e.audit.invalid {
			t.Errorf("an audit event the audit log refuses: %v", err)
		}
	})
	m, err := web.New(web.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	m.Mount(e.p, e.sessions)
	e.h = m.Handler()
	srv := httptest.NewUnstartedServer(m.Handler())
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	e.client(&oidc.Client{ID: "agency", NameFa: "سازمان نمونه", NameEn: "Sample agency", RedirectURIs: []string{redirectRP},
		PostLogoutURIs: []string{"http://127.0.0.1:9/bye"}, Scopes: []string{"openid", "profile", "national_code", "phone",
			"birthdate", "father_name", "address", "offline_access"}, MaxACR: "loa3", AuthMethod: oidc.AuthSecretBasic,
		IDTokenAlg: "ES256", ClientCredentials: true})
	return e
}

// client registers c and returns its secret, if it has one.
func (e *env) client(c *oidc.Client) string {
	e.t.Helper()
	secret, err := e.p.SaveClient(context.Background(), "overseer-1", c, false)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// browser is a cookie-keeping HTTP client that stops at the relying
// party's redirect URIs.
func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if !strings.HasPrefix(req.URL.String(), e.url) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

var (
	csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	idRE   = regexp.MustCompile(`name="id" value="([^"]+)"`)
)

// authorize runs the browser's part of the flow from authURL and returns
// where the provider finally sends it back, and whether it asked for
// consent on the way (which it grants).
func (e *env) authorize(b *http.Client, authURL string) (*url.URL, bool) {
	e.t.Helper()
	resp, err := b.Get(authURL)
	if err != nil {
		e.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	asked := false
	if resp.StatusCode == http.StatusOK && strings.Contains(string(body), `action="/oauth2/consent"`) {
		asked = true
		form := url.Values{"csrf_token": {csrfRE.FindStringSubmatch(string(body))[1]},
			"id": {idRE.FindStringSubmatch(string(body))[1]}, "decision": {"allow"}}
		resp, err = b.PostForm(e.url+"/oauth2/consent", form)
		if err != nil {
			e.t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	target := resp.Header.Get("Location")
	if resp.StatusCode == http.StatusOK {
		// After a form the provider moves on with a page, not a redirect.
		target = webtest.ContinueTarget(string(body))
	}
	if target == "" || (resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusOK) {
		e.t.Fatalf("authorization ended with %d, not a redirect: %.300s", resp.StatusCode, body)
	}
	loc, err := url.Parse(target)
	if err != nil {
		e.t.Fatal(err)
	}
	return loc, asked
}

// base64URL decodes a JWT's header segment.
func base64URL(jwt string) ([]byte, error) {
	h, _, _ := strings.Cut(jwt, ".")
	return base64.RawURLEncoding.DecodeString(h)
}

// tlog writes the provider's log lines to the test's log.
type tlog struct{ t testing.TB }

func (l tlog) Write(b []byte) (int, error) { l.t.Log(strings.TrimSpace(string(b))); return len(b), nil }

// since returns the events recorded after the first n.
func (a *auditor) since(n int) []oidc.AuditEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]oidc.AuditEvent(nil), a.events[n:]...)
}
