package agency_test

import (
	"context"
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
	"sync/atomic"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/clocktest"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web/webtest"

	"github.com/panjereh/panjereh/internal/agency"
	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

// clock is the settable clock tests share.
type clock = clocktest.Clock

// windowSessions stands in for the national window's login: a browser
// sent to log in is logged in at once as the test's person, and a cookie
// names its window session.
type windowSessions struct {
	now func() time.Time

	mu       sync.Mutex
	byID     map[string]oidc.Session
	ids      []string // in the order they began
	extended map[string]time.Duration
}

const (
	subject      = "acct-5c1e"
	nationalCode = "0084575948"
)

func (s *windowSessions) Current(r *http.Request) (oidc.Session, bool) {
	c, err := r.Cookie("window_session")
	if err != nil {
		return oidc.Session{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[c.Value]
	return sess, ok
}

func (s *windowSessions) LoginURL(returnTo, acr string, force bool, lang string) string {
	return "/test/login?" + url.Values{"return": {returnTo}}.Encode()
}

func (s *windowSessions) Extend(_ context.Context, id string, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.extended == nil {
		s.extended = map[string]time.Duration{}
	}
	s.extended[id] = d
	return nil
}

func (s *windowSessions) End(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, id)
	return nil
}

func (s *windowSessions) Mount(m *web.Mux) {
	m.Page("GET /test/login", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		sess := oidc.Session{ID: "window-" + string(rune('a'+len(s.ids))), Subject: subject, ACR: "loa1",
			AMR: []string{"otp", "sms"}, AuthTime: s.now()}
		s.byID[sess.ID] = sess
		s.ids = append(s.ids, sess.ID)
		s.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "window_session", Value: sess.ID, Path: "/"})
		http.Redirect(w, r, r.URL.Query().Get("return"), http.StatusFound)
	})
}

// first returns the ID of the oldest window session.
func (s *windowSessions) first() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ids[0]
}

// has reports whether a window session is still on.
func (s *windowSessions) has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.byID[id]
	return ok
}

// last returns the ID of the newest window session.
func (s *windowSessions) last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ids[len(s.ids)-1]
}

type accounts map[string]oidc.Claims

func (a accounts) Claims(_ context.Context, subject string) (oidc.Claims, error) {
	return a[subject], nil
}

type noAudit struct{}

func (noAudit) Record(context.Context, oidc.AuditEvent) error { return nil }

func (noAudit) RecordTx(context.Context, *sqldb.Tx, oidc.AuditEvent) error { return nil }

// env is a live national SSO and the agency, each on its own port of
// 127.0.0.1, the agency registered as a client.
type env struct {
	t        *testing.T
	clock    *clock
	provider *oidc.Provider
	window   *windowSessions
	ssoURL   string
	url      string // the agency's
	agency   *agency.Agency
	ssoDown  atomic.Bool // the provider answers 503 to everything
}

// listen opens a listener on a free loopback port and returns its URL.
func listen(t *testing.T) (net.Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln, "http://" + ln.Addr().String()
}

// serve serves h on ln until the test ends.
func serve(t *testing.T, ln net.Listener, h http.Handler) {
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
}

// The people who log in: an Iranian with a national code, and a foreign
// national with a foreign national ID (FIDA) and none.
var (
	iranian = oidc.Claims{Kind: "natural", NationalID: nationalCode, Mobile: "09121234567", FirstName: "مریم",
		LastName: "احمدی", FatherName: "علی", Gender: "FEMALE", BirthDate: time.Date(1991, 4, 20, 0, 0, 0, 0, time.UTC),
		BirthDateShamsi: "1370/01/31"}
	foreigner = oidc.Claims{Kind: "foreign", ForeignID: "100012345678", Mobile: "09361234567", FirstName: "Ahmad",
		LastName: "Karimi", Gender: "MALE", BirthDate: time.Date(1988, 7, 2, 0, 0, 0, 0, time.UTC)}
)

// newEnv starts the provider and the agency, with the Iranian logging
// in. change, if given, edits the agency's registration before it is
// saved; nix is the agency's exchange client, or nil.
func newEnv(t *testing.T, nix *nix.Client, change func(*oidc.Client)) *env {
	t.Helper()
	return newEnvFor(t, iranian, nix, change)
}

// newEnvFor is newEnv with person logging in.
func newEnvFor(t *testing.T, person oidc.Claims, nix *nix.Client, change func(*oidc.Client)) *env {
	t.Helper()
	clk := clocktest.New(time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC))
	logger := slog.New(slog.NewTextHandler(tlog{t}, nil))
	e := &env{t: t, clock: clk, window: &windowSessions{now: clk.Now, byID: map[string]oidc.Session{}}}

	ssoLn, ssoURL := listen(t)
	e.ssoURL = ssoURL
	var err error
	e.provider, err = oidc.New(context.Background(), oidc.Options{
		Issuer: ssoURL, AllowInsecure: true, DB: sqldbtest.Open(t), Sessions: e.window, Audit: noAudit{}, Now: clk.Now,
		Accounts: accounts{subject: person}, Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	sso := newMux(t, clk)
	sso.Mount(e.provider, e.window)
	h := sso.Handler()
	serve(t, ssoLn, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e.ssoDown.Load() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))

	agencyLn, agencyURL := listen(t)
	e.url = agencyURL
	c := &oidc.Client{ID: "rahvar", NameFa: "راهنمایی و رانندگی", NameEn: "Traffic police",
		RedirectURIs: []string{agencyURL + agency.PathCallback}, PostLogoutURIs: []string{agencyURL + agency.PathLoggedOut},
		BackchannelURI: agencyURL + agency.PathBackchannel, Scopes: []string{"openid", "profile", "national_code", "birthdate", "phone"},
		MaxACR: "loa1", AuthMethod: oidc.AuthSecretBasic, IDTokenAlg: "ES256", RequirePKCE: true}
	if change != nil {
		change(c)
	}
	secret, err := e.provider.SaveClient(context.Background(), "overseer", c, false)
	if err != nil {
		t.Fatal(err)
	}
	e.agency, err = agency.New(agency.Config{
		Issuer: ssoURL, ClientID: "rahvar", ClientSecret: secret,
		RedirectURL: agencyURL + agency.PathCallback, PostLogoutURL: agencyURL + agency.PathLoggedOut,
		Scopes: c.Scopes, Nix: nix, Logger: logger, Now: clk.Now,
		HTTPClient: &http.Client{Timeout: 5 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := newMux(t, clk)
	m.Mount(e.agency)
	serve(t, agencyLn, m.Handler())
	return e
}

func newMux(t *testing.T, clk *clock) *web.Mux {
	t.Helper()
	m, err := web.New(web.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	return m
}

// browser keeps cookies and follows redirects, as a browser does.
func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

// noFollow is b without following redirects, sharing its cookies.
func noFollow(b *http.Client) *http.Client {
	return &http.Client{Jar: b.Jar, Timeout: b.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// page is a fetched page.
type page struct {
	status int
	url    string // after redirects
	body   string
}

func (e *env) get(b *http.Client, u string) page {
	e.t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		e.t.Fatal(err)
	}
	return readPage(e.t, resp)
}

// post submits a form and, like a browser, follows the page a form's
// answer may move on with (web.Mux.Continue).
func (e *env) post(b *http.Client, u string, form url.Values) page {
	e.t.Helper()
	resp, err := b.PostForm(u, form)
	if err != nil {
		e.t.Fatal(err)
	}
	p := readPage(e.t, resp)
	if target := webtest.ContinueTarget(p.body); p.status == http.StatusOK && target != "" {
		next, err := resp.Request.URL.Parse(target)
		if err != nil {
			e.t.Fatal(err)
		}
		return e.get(b, next.String())
	}
	return p
}

func readPage(t *testing.T, resp *http.Response) page {
	t.Helper()
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, url: resp.Request.URL.String(), body: string(body)}
}

// csrf returns the CSRF token of a page's form.
func (e *env) csrf(p page) string {
	e.t.Helper()
	m := csrfRE.FindStringSubmatch(p.body)
	if m == nil {
		e.t.Fatalf("no CSRF token on %s: %.300s", p.url, p.body)
	}
	return m[1]
}

var consentIDRE = regexp.MustCompile(`name="id" value="([^"]+)"`)

// login presses «ورود از طریق دولت من» on the agency's home page and,
// unless the person consented before, allows the agency on the
// provider's consent page; it returns the page the browser ends on.
func (e *env) login(b *http.Client) page {
	e.t.Helper()
	home := e.get(b, e.url+"/")
	if !strings.Contains(home.body, "ورود از طریق دولت من") || !strings.Contains(home.body, `href="/login"`) {
		e.t.Fatalf("home page without the login button: %.500s", home.body)
	}
	consent := e.get(b, e.url+"/login")
	if consent.url == e.url+agency.PathMe {
		return consent
	}
	if !strings.HasPrefix(consent.url, e.ssoURL+"/oauth2/login") || !strings.Contains(consent.body, `action="/oauth2/consent"`) {
		e.t.Fatalf("login ended at %s with %d, not the consent page: %.500s", consent.url, consent.status, consent.body)
	}
	id := consentIDRE.FindStringSubmatch(consent.body)
	if id == nil {
		e.t.Fatalf("consent page without the request's id: %.500s", consent.body)
	}
	return e.post(b, e.ssoURL+"/oauth2/consent", url.Values{"csrf_token": {e.csrf(consent)}, "id": {id[1]}, "decision": {"allow"}})
}

// tlog writes log lines to the test's log.
type tlog struct{ t testing.TB }

func (l tlog) Write(b []byte) (int, error) { l.t.Log(strings.TrimSpace(string(b))); return len(b), nil }
