package identity_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/internal/web/webtest"
)

// browser is a cookie-keeping client of the site that posts forms with
// the CSRF token, as a browser would.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newSite(t *testing.T, w *world) *browser {
	t.Helper()
	srv := serveSite(t, w, nil)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &browser{t: t, base: srv.URL, c: c}
}

// serveSite serves the identity pages of w on 127.0.0.1, behind the
// proxies trusted if any.
func serveSite(t *testing.T, w *world, trusted []netip.Prefix) *httptest.Server {
	t.Helper()
	m, err := web.New(web.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: w.db, Now: w.clock.Now,
		StatsFlushInterval: time.Hour, TrustedProxies: trusted})
	if err != nil {
		t.Fatal(err)
	}
	m.Mount(&identity.Handler{Service: w.svc})
	t.Cleanup(func() { m.Close(context.Background()) })
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	res, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") && res.StatusCode != http.StatusSeeOther {
		if diff := cmp.Diff([]string(nil), webtest.AccessibilityProblems(string(body))); diff != "" {
			b.t.Errorf("%s: accessibility problems (-want +got):\n%s", path, diff)
		}
	}
	return res, string(body)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	u, _ := url.Parse(b.base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "csrf" {
			form.Set(web.CSRFField, c.Value)
		}
	}
	res, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(body)
}

// registeredAtSite registers persona key and opens the site in a browser
// that has its CSRF cookie; ch is the registration's code.
func registeredAtSite(t *testing.T, key string) (*world, *browser, registry.Persona, identity.Challenge) {
	t.Helper()
	w := newWorld(t)
	b := newSite(t, w)
	p := persona(t, key)
	_, ch, err := w.svc.Register(context.Background(), natural(p), cl)
	if err != nil {
		t.Fatal(err)
	}
	b.get("/login") // the CSRF cookie
	return w, b, p, ch
}

// challengeOf is the challenge a code page's form answers.
func challengeOf(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="c" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no code form on the page:\n%s", body)
	}
	return m[1]
}

func wantStatus(t *testing.T, res *http.Response, body string, status int, contains ...string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", res.Request.Method, res.Request.URL.Path, res.StatusCode, status, body)
	}
	for _, c := range contains {
		if !strings.Contains(body, c) {
			t.Errorf("%s %s: body lacks %q", res.Request.Method, res.Request.URL.Path, c)
		}
	}
}

func TestPagesRegisterLoginAccountLogout(t *testing.T) {
	w := newWorld(t)
	b := newSite(t, w)
	p := persona(t, "ordinary")

	res, body := b.get("/register")
	wantStatus(t, res, body, 200, "ثبت‌نام در دولت من", `name="nationalCode"`, `autocomplete="tel"`)
	res, body = b.get("/register?lang=en")
	wantStatus(t, res, body, 200, "Register with My Government")
	b.get("/register?lang=fa")

	// Every field wrong at once: each says why, in one answer.
	res, body = b.post("/register", url.Values{"kind": {"natural"}, "nationalCode": {""}, "birthDate": {"13"}, "mobile": {""}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity, "کد ملی وارد نشده است", "شماره همراه وارد نشده است")
	if n := strings.Count(body, `aria-invalid="true"`); n != 3 {
		t.Errorf("%d fields marked wrong, want the national code, the birth date and the mobile:\n%s", n, body)
	}

	// A birth date that does not match: the form comes back with the
	// reason on its field, in Persian.
	form := url.Values{"kind": {"natural"}, "nationalCode": {p.NationalCode}, "birthDate": {"1370/05/13"}, "mobile": {p.Mobiles[0]}}
	res, body = b.post("/register", form)
	wantStatus(t, res, body, http.StatusUnprocessableEntity, "تاریخ تولد با اطلاعات ثبت احوال مطابقت ندارد", `aria-invalid="true"`)

	form.Set("birthDate", "۱۳۷۰/۰۵/۱۲")
	form.Set("return", "https://evil.example/")
	res, body = b.post("/register", form)
	wantStatus(t, res, body, http.StatusSeeOther)
	next := res.Header.Get("Location")
	if !strings.HasPrefix(next, "/login/code?c=") || strings.Contains(next, "evil") {
		t.Fatalf("redirect to %q", next)
	}
	// The code's end and the resend's wait are times of day to the
	// second, minutes away: two minutes and one from the world's clock
	// (08:00 UTC, 11:30 in Tehran).
	res, body = b.get(next)
	wantStatus(t, res, body, 200, `<bdi dir="ltr">۰۹۱۲***۴۵۶۷</bdi>`, `autocomplete="one-time-code"`,
		`اعتبار کد تا <time datetime="2026-11-23T11:32:00+03:30">۱۱:۳۲:۰۰</time>`,
		`ارسال دوباره پس از <time datetime="2026-11-23T11:31:00+03:30">۱۱:۳۱:۰۰</time>`)
	c := strings.TrimPrefix(next, "/login/code?c=")

	// Logging in instead, within the minute, answers with the page for
	// the code already sent, saying so, and sends none.
	sent := w.sms.count()
	res, body = b.post("/login", url.Values{"loginId": {p.NationalCode}})
	wantStatus(t, res, body, http.StatusOK, `name="c" value="`+c+`"`,
		`کد پیشین هنوز معتبر است و کد تازه‌ای فرستاده نشد؛ همان کد را وارد کنید. زمان ارسال آن: <time datetime="2026-11-23T11:30:00+03:30">۱۱:۳۰:۰۰</time>`)
	if w.sms.count() != sent {
		t.Error("a login within the cooldown sent a code")
	}

	res, body = b.post("/login/code", url.Values{"c": {c}, "code": {"99999"}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity, "کد نادرست است")
	res, body = b.post("/login/code", url.Values{"c": {c}, "code": {w.sms.lastCode(t, p.Mobiles[0])}})
	wantStatus(t, res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account" {
		t.Fatalf("after login to %q", loc)
	}
	res, body = b.get("/account")
	wantStatus(t, res, body, 200, p.FirstName, p.LastName, p.FatherName, "سازمان ثبت احوال", "سامانهٔ شاهکار", "loa1",
		"<td>شخص حقیقی ایرانی</td>")
	if strings.Contains(body, "Iranian natural person") {
		t.Error("the Persian profile says the kind of account in English too")
	}
	res, body = b.get("/account/sessions")
	wantStatus(t, res, body, 200, "همین نشست", "Go-http-client", "۲ آذر ۱۴۰۵، ساعت ۱۱:۳۰")

	for _, page := range []string{"/account/connections", "/account/accesses", "/account/activity"} {
		res, body = b.get(page)
		wantStatus(t, res, body, 200, "این بخش در این اجرا در دسترس نیست")
	}
	res, body = b.post("/logout", url.Values{})
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = b.get("/account")
	wantStatus(t, res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/login?return=%2Faccount" {
		t.Errorf("account without a session redirects to %q", loc)
	}

	// Logging in again with a return address comes back to it. The code
	// page answers the login form, with the script that puts its own
	// address, where it renders the same, in the address bar.
	w.clock.Add(2 * time.Minute)
	res, body = b.post("/login", url.Values{"loginId": {p.NationalCode}, "return": {"/account/sessions"}})
	wantStatus(t, res, body, http.StatusOK, "۰۹۱۲***۴۵۶۷", `autocomplete="one-time-code"`, `name="return" value="/account/sessions"`)
	m := regexp.MustCompile(`<script src="/assets/js/address\.[0-9a-f]+\.js" data-address="([^"]+)" defer>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the code page answering the login form has no address:\n%s", body)
	}
	next = html.UnescapeString(m[1])
	c = challengeOf(t, body)
	if want := "/login/code?c=" + c + "&return=%2Faccount%2Fsessions"; next != want {
		t.Errorf("the code page's address %q, want %q", next, want)
	}
	res, again := b.get(next)
	wantStatus(t, res, again, http.StatusOK, "۰۹۱۲***۴۵۶۷", `name="c" value="`+c+`"`)
	if strings.Contains(again, "address.") {
		t.Error("the code page at its own address has the address script")
	}
	if lang := `href="/login/code?c=` + c + `&amp;lang=en&amp;return=%2Faccount%2Fsessions"`; !strings.Contains(body, lang) {
		t.Errorf("the code page answering the form does not switch language at its own address (%s):\n%s", lang, body)
	}
	res, body = b.post("/login/code", url.Values{"c": {c}, "code": {w.sms.lastCode(t, p.Mobiles[0])}, "return": {"/account/sessions"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account/sessions" {
		t.Errorf("after login to %q", loc)
	}
}

func TestPagesRefusals(t *testing.T) {
	w := newWorld(t)
	b := newSite(t, w)
	b.get("/login")
	res, body := b.post("/login", url.Values{"loginId": {"0012345678"}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity, "رقم کنترل")
	res, body = b.post("/login", url.Values{"loginId": {"0000000019"}})
	wantStatus(t, res, body, http.StatusNotFound, "نخست ثبت‌نام کنید")
	// Too many digits for any of the three identifiers the field takes:
	// the reason says what it takes, not only a national code's length.
	res, body = b.post("/login", url.Values{"loginId": {"1987123456012"}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity,
		"شناسه بیش از اندازه بلند است: کد ملی ۱۰ رقم، شناسهٔ ملی شخص حقوقی ۱۱ رقم و شناسهٔ فراگیر اتباع خارجی ۱۲ رقم است؛ ۱۳ رقم وارد شده است.")
	if strings.Contains(body, "کد ملی باید ۱۰ رقم باشد") {
		t.Error("a 13-digit identifier is told that a national code has 10 digits")
	}
	b.get("/login?lang=en")
	res, body = b.post("/login", url.Values{"loginId": {"1987123456012"}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity,
		"the identifier is too long: a national code has 10 digits, a legal national ID 11 and a foreign national identifier (FIDA) 12; 13 were given")
	b.get("/login?lang=fa")
	w.svc.Policy.PerIP = identity.Limit{Max: 1, Window: time.Hour}
	res, body = b.post("/login", url.Values{"loginId": {"0000000019"}})
	// The address's window began with the first refusal's count, 15
	// minutes long then.
	wantStatus(t, res, body, http.StatusTooManyRequests, "درخواست‌های زیادی فرستاده شده است؛ ۱۵ دقیقهٔ دیگر دوباره تلاش کنید.")
	if res.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// A form without the CSRF token is refused.
	res2, err := http.PostForm(b.base+"/login", url.Values{"loginId": {"0012345679"}})
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusForbidden {
		t.Errorf("login without CSRF token: %d", res2.StatusCode)
	}
	res, body = b.get("/login/code?c=nonexistent")
	wantStatus(t, res, body, http.StatusGone, "این کد دیگر معتبر نیست")
}

// TestSessionCookieBehindProxy: the window runs behind a proxy that ends
// TLS; when a trusted proxy says the client used HTTPS, the session and
// device cookies are Secure and __Host-, like the CSRF cookie, and the
// session's is read back under that name.
func TestSessionCookieBehindProxy(t *testing.T) {
	w := newWorld(t)
	srv := serveSite(t, w, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
	p := persona(t, "ordinary")
	_, ch, err := w.svc.Register(context.Background(), natural(p), cl)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path string, form url.Values, cookies ...*http.Cookie) *http.Response {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, srv.URL+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Header.Set("X-Forwarded-Proto", "https")
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	named := func(res *http.Response, name string) *http.Cookie {
		t.Helper()
		for _, ck := range res.Cookies() {
			if ck.Name == name {
				return ck
			}
		}
		t.Fatalf("%s %s set no %s cookie; set %v", res.Request.Method, res.Request.URL.Path, name, res.Header.Values("Set-Cookie"))
		return nil
	}
	csrf := named(do(http.MethodGet, "/login", nil), "__Host-csrf")
	res := do(http.MethodPost, "/login/code", url.Values{"c": {ch.ID}, "code": {w.sms.lastCode(t, p.Mobiles[0])}, web.CSRFField: {csrf.Value}}, csrf)
	sess := named(res, "__Host-pnj_session")
	if !sess.Secure || !sess.HttpOnly || sess.Path != "/" || sess.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie %+v: want Secure, HttpOnly, Path=/, SameSite=Lax", sess)
	}
	if dev := named(res, "__Host-pnj_device"); !dev.Secure || !dev.HttpOnly || dev.Path != "/" || dev.SameSite != http.SameSiteStrictMode {
		t.Errorf("device cookie %+v: want Secure, HttpOnly, Path=/, SameSite=Strict", dev)
	}
	if res := do(http.MethodGet, "/account", nil, sess); res.StatusCode != http.StatusOK {
		t.Errorf("the account page with the session cookie: %d, want 200", res.StatusCode)
	}
}

// TestMobileChangeNeedsAFreshLogin: a session whose login is more than
// 15 minutes old, such as one left open on a shared computer, cannot move
// the account's mobile; the page asks for a new login, which comes back
// to it.
func TestMobileChangeNeedsAFreshLogin(t *testing.T) {
	w, b, p, ch := registeredAtSite(t, "two-mobiles")
	res, body := b.post("/login/code", url.Values{"c": {ch.ID}, "code": {w.sms.lastCode(t, p.Mobiles[0])}})
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = b.get("/account/mobile")
	wantStatus(t, res, body, http.StatusOK, `name="mobile"`)

	w.clock.Add(16 * time.Minute)
	res, body = b.get("/account/mobile")
	wantStatus(t, res, body, http.StatusForbidden, "ورود شما باید تازه باشد", `href="/login?return=%2Faccount%2Fmobile"`)
	if strings.Contains(body, `name="mobile"`) {
		t.Error("the page with an old login still offers the form")
	}
	sent := w.sms.count()
	res, body = b.post("/account/mobile", url.Values{"mobile": {p.Mobiles[1]}})
	wantStatus(t, res, body, http.StatusForbidden, "ورود شما باید تازه باشد")
	if w.sms.count() != sent {
		t.Error("a code was sent for a change asked with an old login")
	}

	// A new login brings the person back to the page, and the change goes.
	res, body = b.post("/login", url.Values{"loginId": {p.NationalCode}, "return": {"/account/mobile"}})
	wantStatus(t, res, body, http.StatusOK)
	c := challengeOf(t, body)
	res, body = b.post("/login/code", url.Values{"c": {c}, "code": {w.sms.lastCode(t, p.Mobiles[0])}, "return": {"/account/mobile"}})
	wantStatus(t, res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account/mobile" {
		t.Fatalf("after the new login to %q", loc)
	}
	res, body = b.post("/account/mobile", url.Values{"mobile": {p.Mobiles[1]}})
	wantStatus(t, res, body, http.StatusOK, `autocomplete="one-time-code"`)
	// Asked again, the page is the code's already sent, and says so.
	c = challengeOf(t, body)
	res, body = b.post("/account/mobile", url.Values{"mobile": {p.Mobiles[1]}})
	wantStatus(t, res, body, http.StatusOK, `name="c" value="`+c+`"`, "کد پیشین هنوز معتبر است", `action="/account/mobile/confirm"`)
}

// TestPagesForCodesNoLongerUsable: a code that can no longer be used
// sends the person back to the login form with the reason above it, not
// on the identifier's field, and never to a bare form: after the last
// wrong try, a resend of a used code, the last wrong try at a mobile
// change; and the back button to the code page of a login that went
// through goes on to the account.
func TestPagesForCodesNoLongerUsable(t *testing.T) {
	w, b, p, ch := registeredAtSite(t, "two-mobiles")
	var res *http.Response
	var body string
	for range w.svc.Policy.MaxAttempts {
		res, body = b.post("/login/code", url.Values{"c": {ch.ID}, "code": {"000000"}})
	}
	wantStatus(t, res, body, http.StatusUnprocessableEntity, `<div class="error-summary" role="alert"><p>کد بیش از اندازه نادرست وارد شد`)
	if strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("the burnt code is blamed on the identifier's field:\n%s", body)
	}

	// A new code, and a login with it.
	w.clock.Add(2 * time.Minute)
	res, body = b.post("/login", url.Values{"loginId": {p.NationalCode}})
	wantStatus(t, res, body, http.StatusOK)
	c := challengeOf(t, body)
	res, body = b.post("/login/code", url.Values{"c": {c}, "code": {w.sms.lastCode(t, p.Mobiles[0])}})
	wantStatus(t, res, body, http.StatusSeeOther)

	// Its code page again, as the back button shows it: the person is in.
	res, body = b.get("/login/code?c=" + c)
	wantStatus(t, res, body, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account" {
		t.Errorf("the used code's page, logged in, goes to %q", loc)
	}
	// A resend of the used code says why nothing is sent.
	w.clock.Add(2 * time.Minute)
	res, body = b.post("/login/resend", url.Values{"c": {c}})
	wantStatus(t, res, body, http.StatusGone, `role="alert"><p>این کد دیگر معتبر نیست`)

	// The last wrong try at a mobile change's code.
	res, body = b.post("/account/mobile", url.Values{"mobile": {p.Mobiles[1]}})
	wantStatus(t, res, body, http.StatusOK, `autocomplete="one-time-code"`)
	m := challengeOf(t, body)
	for range w.svc.Policy.MaxAttempts {
		res, body = b.post("/account/mobile/confirm", url.Values{"c": {m}, "code": {"000000"}})
	}
	wantStatus(t, res, body, http.StatusUnprocessableEntity, `name="mobile"`, "کد بیش از اندازه نادرست وارد شد")

	// Started at the login form, in another browser, the code page's
	// forms carry the identifier back: a resend answers with the new
	// code's page, which carries it too, and after that code's last
	// wrong try the login form has the identifier filled in.
	b2 := newSite(t, w)
	b2.get("/login")
	w.clock.Add(2 * time.Minute)
	res, body = b2.post("/login", url.Values{"loginId": {" " + p.NationalCode + " "}})
	carried := `name="loginId" value="` + p.NationalCode + `"`
	wantStatus(t, res, body, http.StatusOK, `autocomplete="one-time-code"`, carried)
	c = challengeOf(t, body)
	w.clock.Add(time.Minute)
	res, body = b2.post("/login/resend", url.Values{"c": {c}, "loginId": {p.NationalCode}})
	wantStatus(t, res, body, http.StatusOK, `autocomplete="one-time-code"`, carried, `data-address="/login/code?c=`)
	c2 := challengeOf(t, body)
	if c2 == c {
		t.Fatal("the resend's page is the old code's")
	}
	for i := range w.svc.Policy.MaxAttempts {
		res, body = b2.post("/login/code", url.Values{"c": {c2}, "code": {"000000"}, "loginId": {p.NationalCode}})
		if i < w.svc.Policy.MaxAttempts-1 && !strings.Contains(body, carried) {
			t.Fatalf("the page after wrong try %d no longer carries the identifier:\n%s", i+1, body)
		}
	}
	wantStatus(t, res, body, http.StatusUnprocessableEntity, `role="alert"><p>کد بیش از اندازه نادرست وارد شد`,
		`id="login-id" name="loginId"`, `value="`+p.NationalCode+`"`)
	// What the form brings back is only ever an identifier.
	res, body = b2.post("/login/code", url.Values{"c": {c2}, "code": {"000000"}, "loginId": {`"><script>`}})
	wantStatus(t, res, body, http.StatusUnprocessableEntity, `id="login-id" name="loginId"`)
	if strings.Contains(body, "script&gt;") || strings.Contains(body, `value="&#34;`) {
		t.Errorf("the login form took back what is no identifier:\n%s", body)
	}
}

// TestRegistriesDownPage: when the registries cannot be reached, the
// registration page says so with the request's ID for the person to
// quote, and the log has the cause under that ID.
func TestRegistriesDownPage(t *testing.T) {
	w := newWorld(t)
	var logged bytes.Buffer
	w.svc.Logger = slog.New(web.NewContextHandler(slog.NewTextHandler(&logged, nil)))
	b := newSite(t, w)
	b.get("/register")
	w.down()
	p := persona(t, "ordinary")
	res, body := b.post("/register", url.Values{"kind": {"natural"}, "nationalCode": {p.NationalCode}, "birthDate": {p.BirthDate}, "mobile": {p.Mobiles[0]}})
	id := res.Header.Get("X-Request-Id")
	wantStatus(t, res, body, http.StatusServiceUnavailable, "استعلام از سامانه‌های پایه اکنون ممکن نیست", "شناسهٔ درخواست: "+id)
	if l := logged.String(); id == "" || !strings.Contains(l, "request_id="+id) || !strings.Contains(l, "code=registry-unavailable") || !strings.Contains(l, "err=") {
		t.Errorf("the log does not have the failure's cause under request %q:\n%s", id, l)
	}
}

// TestResendWithinTheCooldown: asking for the code again within the
// minute is refused above the form, as the page's message, not as an
// error of the code's field, which the person has typed nothing wrong
// in; the code page stays, and its code can still be used.
func TestResendWithinTheCooldown(t *testing.T) {
	w, b, p, ch := registeredAtSite(t, "ordinary")
	sent := w.sms.count()
	res, body := b.post("/login/resend", url.Values{"c": {ch.ID}, "loginId": {p.NationalCode}})
	wantStatus(t, res, body, http.StatusTooManyRequests,
		`<div class="error-summary" role="alert"><p>کد پیشین هنوز تازه است؛ ۶۰ ثانیهٔ دیگر دوباره درخواست کنید.</p></div>`,
		`name="c" value="`+ch.ID+`"`, `name="loginId" value="`+p.NationalCode+`"`)
	if res.Header.Get("Retry-After") != "60" {
		t.Errorf("Retry-After %q, want 60", res.Header.Get("Retry-After"))
	}
	for _, blame := range []string{`aria-invalid="true"`, "لطفاً این موارد را اصلاح کنید", `id="otp-code-error"`} {
		if strings.Contains(body, blame) {
			t.Errorf("the cooldown is blamed on the code's field (%s):\n%s", blame, body)
		}
	}
	if w.sms.count() != sent {
		t.Error("a code was sent within the cooldown")
	}
	b.get("/login?lang=en")
	res, body = b.post("/login/resend", url.Values{"c": {ch.ID}})
	wantStatus(t, res, body, http.StatusTooManyRequests, `role="alert"><p>a code was just sent; you can ask for another in 60 seconds</p>`)
	if strings.Contains(body, "Please correct the following") || strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("the cooldown is blamed on the code's field:\n%s", body)
	}
	res, body = b.post("/login/code", url.Values{"c": {ch.ID}, "code": {w.sms.lastCode(t, p.Mobiles[0])}})
	wantStatus(t, res, body, http.StatusSeeOther)
}
