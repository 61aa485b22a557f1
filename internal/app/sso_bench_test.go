package app

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/benchtest"
	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/notify"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/internal/web/webtest"
)

// benchRegistries answers registration for the benchmark's synthetic
// people: everyone exists, is alive and owns the mobile given.
type benchRegistries struct{}

func (benchRegistries) Person(_ context.Context, code string, birth iran.JalaliDate) (identity.Person, error) {
	return identity.Person{NationalCode: code, FirstName: "علی", LastName: "رضایی", FatherName: "حسین", Gender: 1, BirthDate: birth}, nil
}

func (benchRegistries) MobileMatches(context.Context, string, string) (bool, error) { return true, nil }

func (benchRegistries) LegalPerson(context.Context, string) (identity.Company, error) {
	return identity.Company{}, identity.ErrNoRecord
}

func (benchRegistries) Foreigner(context.Context, string) (identity.Foreigner, error) {
	return identity.Foreigner{}, identity.ErrNoRecord
}

// phone stands for the people's phones: it is the SMS provider the
// outbox's dispatcher delivers to, the development sink (its lines
// discarded), and keeps the last code that reached each mobile for the
// person to read.
type phone struct {
	sink    notify.DevSink
	mu      sync.Mutex
	latest  map[string]string        // mobile -> the last code delivered
	arrived map[string]chan struct{} // closed when a code reaches mobile
}

func newPhone() *phone {
	return &phone{latest: map[string]string{}, arrived: map[string]chan struct{}{}}
}

// Send delivers d through the development sink and onto the phone.
func (p *phone) Send(ctx context.Context, d notify.Delivery) (string, error) {
	ref, err := p.sink.Send(ctx, d)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latest[d.To] = notify.OTPCode(d.Purpose, d.Body)
	if ch, ok := p.arrived[d.To]; ok {
		close(ch)
		delete(p.arrived, d.To)
	}
	return ref, nil
}

// forget clears what mobile has received, before a new code is asked
// for; with no mobile, what every one has.
func (p *phone) forget(mobile ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(mobile) == 0 {
		clear(p.latest)
	}
	for _, m := range mobile {
		delete(p.latest, m)
	}
}

// await returns the code that reached mobile since it was last
// forgotten, waiting for it to be delivered.
func (p *phone) await(mobile string) (string, error) {
	p.mu.Lock()
	code, ok := p.latest[mobile]
	ch := p.arrived[mobile]
	if !ok && ch == nil {
		ch = make(chan struct{})
		p.arrived[mobile] = ch
	}
	p.mu.Unlock()
	if ok {
		return code, nil
	}
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		return "", fmt.Errorf("no code reached %s within 30 s", mobile)
	}
	return p.await(mobile)
}

// code returns the last code that reached mobile, or "".
func (p *phone) code(mobile string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.latest[mobile]
}

var (
	benchCSRF      = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	benchID        = regexp.MustCompile(`name="id" value="([^"]+)"`)
	benchReturn    = regexp.MustCompile(`name="return" value="([^"]+)"`)
	benchChallenge = regexp.MustCompile(`name="c" value="([^"]+)"`)
)

// BenchmarkCompleteLogin measures complete single sign-on logins through
// the window's HTTP handlers, 64 at a time, each by a different
// registered person: an agency sends the browser to /oauth2/authorize,
// the window asks for the national code, sends the code by SMS (through
// the outbox, whose dispatcher delivers it to the development sink and
// so to the person's phone), takes it back, starts the session, asks for
// and records consent, issues the authorization code, and the agency
// exchanges it at the token endpoint for ES256 ID and access tokens. The
// audit log is on. A code reaches the phone some milliseconds after it
// is sent (the dispatcher gathers the codes written together into one
// batch); the browsers read it at once, as no person does, and so many
// of them are needed to keep the two cores busy while some wait for it.
//
// In "first" every person logs in to the agency for the first time and
// is asked for consent; in "returning" every person has consented
// before, as in most logins, and the window issues the code without
// asking again.
func BenchmarkCompleteLogin(b *testing.B) {
	for _, returning := range []bool{false, true} {
		name := "first"
		if returning {
			name = "returning"
		}
		b.Run(name, func(b *testing.B) { benchmarkCompleteLogin(b, returning) })
	}
}

// loginRig is a window with its single sign-on on 127.0.0.1, an agency
// registered as a client, and registered people, for complete logins.
type loginRig struct {
	issuer string
	rp     *oauth2.Config
	phone  *phone
	svc    *identity.Service
	people []string // national codes; person i's mobile is mobileOf(i)
}

func mobileOf(i int) string { return fmt.Sprintf("0935%07d", i) }

// newLoginRig starts a rig with n people; returning people have let the
// agency have what it asks for before.
func newLoginRig(tb testing.TB, n int, returning bool) *loginRig {
	windowGC() // as a process serving the window runs
	ctx := context.Background()
	db := sqldbtest.Open(tb)
	log := slog.New(slog.DiscardHandler)
	slog.SetLogLoggerLevel(slog.LevelError) // zitadel's op logs through the default logger
	// The codes go through the outbox and its dispatcher to the
	// development sink, as in the demo.
	outbox, ph := &notify.Outbox{DB: db, Logger: log}, newPhone()
	disp := &notify.Dispatcher{Outbox: outbox, Provider: ph, Logger: log}
	disp.Start(ctx)
	tb.Cleanup(disp.Close)
	svc := &identity.Service{DB: db, Registries: benchRegistries{}, SMS: outbox, Secret: []byte("0123456789abcdef0123456789abcdef"),
		Policy: identity.DefaultPolicy(), Logger: log}
	svc.Policy.PerIP = identity.Limit{} // one benchmark client stands for many people
	al := &audit.Log{DB: db, Logger: log}
	tb.Cleanup(func() { al.Close(context.Background()) })
	svc.Audit = auditAdapter{al}
	acc := &access{service: svc, handler: &identity.Handler{Service: svc}, audit: al}

	m, err := web.New(web.Options{Logger: log, DB: db, StatsFlushInterval: time.Hour})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	p, err := openSSO(ctx, log, db, acc, issuer)
	if err != nil {
		tb.Fatal(err)
	}
	acc.mount(m)
	m.Mount(p)
	srv.Config.Handler = m.Handler()
	srv.Start()
	tb.Cleanup(srv.Close)
	tb.Cleanup(func() { m.Close(context.Background()) })
	const redirect = "http://127.0.0.1:9/callback"
	secret, err := p.SaveClient(ctx, "bench", &oidc.Client{ID: "bench", NameFa: "دستگاه", NameEn: "Agency",
		RedirectURIs: []string{redirect}, Scopes: []string{"openid", "profile", "national_code"}, MaxACR: "loa1",
		AuthMethod: oidc.AuthSecretBasic, IDTokenAlg: "ES256", RequirePKCE: true}, true)
	if err != nil {
		tb.Fatal(err)
	}
	rig := &loginRig{issuer: issuer, phone: ph, svc: svc, people: make([]string, n),
		rp: &oauth2.Config{ClientID: "bench", ClientSecret: secret, RedirectURL: redirect, Scopes: []string{"openid", "profile", "national_code"},
			Endpoint: oauth2.Endpoint{AuthURL: issuer + "/oauth2/authorize", TokenURL: issuer + "/oauth2/token", AuthStyle: oauth2.AuthStyleInHeader}}}

	// The people, registered beforehand; registration sent each a code,
	// so the cooldown is set to nothing for the logins' own codes.
	svc.Policy.ResendAfter = 0
	for i := range rig.people {
		code := fmt.Sprintf("%09d", 200000000+i)
		code += fmt.Sprint(iran.NationalCodeCheckDigit(code))
		acc, _, err := svc.Register(ctx, identity.RegisterInput{Kind: identity.KindNatural, NationalCode: code,
			BirthDate: "1370/01/01", Mobile: mobileOf(i)}, identity.Client{IP: "192.0.2.1"})
		if err != nil {
			tb.Fatal(err)
		}
		rig.people[i] = code
		if returning {
			if _, err := db.Write.ExecContext(ctx, `INSERT INTO oidc_consents (subject, client_id, scopes, granted_at)
				VALUES ($1, 'bench', 'profile national_code', $2)`, acc.ID, time.Now().UTC()); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := al.Sync(ctx); err != nil {
		tb.Fatal(err)
	}
	// The registrations' codes are delivered and read: a person's next
	// code is the login's.
	rig.delivered(tb)
	ph.forget()
	return rig
}

// delivered waits until the outbox has handed every message it holds to
// the phone.
func (r *loginRig) delivered(tb testing.TB) {
	tb.Helper()
	for deadline := time.Now().Add(time.Minute); ; {
		var n int
		if err := r.svc.DB.Read.QueryRow(`SELECT count(*) FROM notify_sms WHERE status IN ('queued', 'sending')`).Scan(&n); err != nil {
			tb.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%d messages still undelivered after a minute", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestCompleteLogin runs the benchmark's complete logins through the
// window's handlers, first and returning: a returning person's code
// sends the browser back to the agency with its code at once.
func TestCompleteLogin(t *testing.T) {
	for _, returning := range []bool{false, true} {
		rig := newLoginRig(t, 3, returning)
		b, agency := newLoadBrowser(rig.issuer), newLoadBrowser(rig.issuer)
		t.Cleanup(b.close)
		t.Cleanup(agency.close)
		for i, code := range rig.people {
			if err := completeLogin(rig.issuer, rig.rp, b, agency, code, mobileOf(i), rig.phone, returning); err != nil {
				t.Errorf("returning %v, person %d: %v", returning, i, err)
			}
		}
	}
}

func benchmarkCompleteLogin(b *testing.B, returning bool) {
	rig := newLoginRig(b, b.N, returning)
	issuer, rp, ph, people := rig.issuer, rig.rp, rig.phone, rig.people

	var next atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	span := benchtest.Start()
	b.RunParallel(func(pb *testing.PB) {
		// Each of the concurrent browsers and the agency keep their
		// connections open, as browsers and HTTP clients do; one browser
		// serves one person after another.
		br, agency := newLoadBrowser(issuer), newLoadBrowser(issuer)
		defer br.close()
		defer agency.close()
		for pb.Next() {
			i := next.Add(1) - 1
			if err := completeLogin(issuer, rp, br, agency, people[i], mobileOf(int(i)), ph, returning); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	span.Report(b, b.N)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
}

// completeLogin is one person's login as a browser and an agency make it;
// a returning person is not asked for consent.
func completeLogin(issuer string, rp *oauth2.Config, b, agency *loadBrowser, nationalCode, mobile string, ph *phone, returning bool) error {
	b.forget() // a new person at this browser
	ph.forget(mobile)
	field := func(re *regexp.Regexp, body string) string {
		if m := re.FindStringSubmatch(body); m != nil {
			return m[1]
		}
		return ""
	}
	verifier := oauth2.GenerateVerifier()
	status, body, err := b.do(http.MethodGet, rp.AuthCodeURL("state", oauth2.S256ChallengeOption(verifier)), nil)
	if err != nil {
		return err
	}
	// The authorization endpoint answers with the login page, which comes
	// back to the login bridge.
	ret := html.UnescapeString(field(benchReturn, body))
	if !strings.HasPrefix(ret, "/oauth2/login?") {
		return fmt.Errorf("authorize: %d %.200s", status, body)
	}
	status, body, err = b.do(http.MethodPost, issuer+"/login", url.Values{"csrf_token": {field(benchCSRF, body)}, "loginId": {nationalCode}, "return": {ret}})
	if err != nil {
		return err
	}
	// The code page answers the form.
	challenge := field(benchChallenge, body)
	if challenge == "" {
		return fmt.Errorf("login: %d %.200s", status, body)
	}
	// The person reads the code on their phone.
	code, err := ph.await(mobile)
	if err != nil {
		return err
	}
	status, body, err = b.do(http.MethodPost, issuer+"/login/code", url.Values{"csrf_token": {field(benchCSRF, body)}, "c": {challenge},
		"code": {code}, "return": {ret}})
	if err != nil {
		return err
	}
	var back *url.URL
	if returning {
		// The code's answer sends the browser back to the agency.
		back, err = url.Parse(webtest.ContinueTarget(body))
		if err != nil || back.Query().Get("code") == "" {
			return fmt.Errorf("code: %d %.200s", status, body)
		}
	} else {
		// It sends the browser to the login bridge, which asks for consent.
		// (The consent's answer below tells whether this page was one.)
		_, body, err = b.do(http.MethodGet, issuer+webtest.ContinueTarget(body), nil)
		if err != nil {
			return err
		}
		status, body, err = b.do(http.MethodPost, issuer+"/oauth2/consent", url.Values{"csrf_token": {field(benchCSRF, body)},
			"id": {field(benchID, body)}, "decision": {"allow"}})
		if err != nil {
			return err
		}
		back, err = url.Parse(webtest.ContinueTarget(body))
		if err != nil || back.Query().Get("code") == "" {
			return fmt.Errorf("consent: %d %.200s", status, body)
		}
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: agency})
	tok, err := rp.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return err
	}
	if tok.Extra("id_token") == nil {
		return fmt.Errorf("no ID token")
	}
	return nil
}

// loadBrowser is one of the benchmark's simulated browsers, or its agency: a
// keep-alive connection of its own to the window, on which it writes
// HTTP/1.1 requests and reads the answers itself, and the cookies of the
// person using it. It does what a browser does in a login (cookies,
// forms, following the window's redirects) and little else, so that it
// takes little of the two cores it shares with the window and the
// database: net/http's client spends two goroutines per connection and
// hands every request and answer between them.
type loadBrowser struct {
	origin  string // http://host:port
	conn    net.Conn
	r       *bufio.Reader
	w       *bufio.Writer
	body    bytes.Buffer // the last answer's body, until the next request
	cookies map[string]string
}

func newLoadBrowser(origin string) *loadBrowser {
	return &loadBrowser{origin: origin, cookies: map[string]string{}}
}

// forget drops the cookies, for the next person.
func (b *loadBrowser) forget() { clear(b.cookies) }

func (b *loadBrowser) close() {
	if b.conn != nil {
		b.conn.Close()
		b.conn = nil
	}
}

// do sends a request for target on the window, a form when form is not
// nil, and follows the window's redirects; it returns the final answer.
func (b *loadBrowser) do(method, target string, form url.Values) (int, string, error) {
	for range 5 {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequest(method, target, body)
		if err != nil {
			return 0, "", err
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for name, value := range b.cookies {
			req.AddCookie(&http.Cookie{Name: name, Value: value})
		}
		res, err := b.RoundTrip(req)
		if err != nil {
			return 0, "", err
		}
		for _, c := range res.Cookies() {
			if c.MaxAge < 0 {
				delete(b.cookies, c.Name)
			} else {
				b.cookies[c.Name] = c.Value
			}
		}
		loc, err := res.Location()
		if res.StatusCode < 300 || res.StatusCode >= 400 || err != nil || !strings.HasPrefix(loc.String(), b.origin) {
			return res.StatusCode, b.body.String(), nil
		}
		method, target, form = http.MethodGet, loc.String(), nil
	}
	return 0, "", fmt.Errorf("%s: too many redirects", target)
}

// RoundTrip sends req on the browser's connection and reads the whole
// answer, into a buffer the next request reuses, dialling again once
// when the window closed the connection kept open. It serves the
// agency's oauth2 client as its transport.
func (b *loadBrowser) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		fresh := b.conn == nil
		if fresh {
			conn, err := net.Dial("tcp", strings.TrimPrefix(b.origin, "http://"))
			if err != nil {
				return nil, err
			}
			b.conn, b.r, b.w = conn, bufio.NewReaderSize(conn, 16<<10), bufio.NewWriterSize(conn, 16<<10)
		}
		res, err := b.exchange(req)
		if err == nil {
			return res, nil
		}
		b.close()
		if fresh || attempt > 0 || req.GetBody == nil && req.Body != nil {
			return nil, err
		}
		if req.GetBody != nil {
			if req.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
	}
}

func (b *loadBrowser) exchange(req *http.Request) (*http.Response, error) {
	if err := req.Write(b.w); err != nil {
		return nil, err
	}
	if err := b.w.Flush(); err != nil {
		return nil, err
	}
	res, err := http.ReadResponse(b.r, req)
	if err != nil {
		return nil, err
	}
	b.body.Reset()
	_, err = b.body.ReadFrom(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(b.body.Bytes()))
	if res.Close {
		b.close()
	}
	return res, nil
}
