package web_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// scenario is one request against the real handler chain and what the
// response must and must not contain.
type scenario struct {
	name    string
	req     func(t *testing.T, s *shell) *http.Request
	status  int
	want    []string          // substrings of the body
	notWant []string          // substrings the body must not have
	headers map[string]string // exact header values; "" means absent
	logs    []string          // substrings of the log after the request
}

func get(target string) func(*testing.T, *shell) *http.Request {
	return func(*testing.T, *shell) *http.Request {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.RemoteAddr = "127.0.0.1:50000"
		return req
	}
}

func withHeader(f func(*testing.T, *shell) *http.Request, kv ...string) func(*testing.T, *shell) *http.Request {
	return func(t *testing.T, s *shell) *http.Request {
		req := f(t, s)
		for i := 0; i+1 < len(kv); i += 2 {
			req.Header.Add(kv[i], kv[i+1])
		}
		return req
	}
}

func from(f func(*testing.T, *shell) *http.Request, remote string) func(*testing.T, *shell) *http.Request {
	return func(t *testing.T, s *shell) *http.Request {
		req := f(t, s)
		req.RemoteAddr = remote
		return req
	}
}

// csrfPost posts the form after fetching a page for the CSRF cookie;
// token is "right", "wrong" or "none" (no cookie and no field).
func csrfPost(target, token string, form url.Values) func(*testing.T, *shell) *http.Request {
	return func(t *testing.T, s *shell) *http.Request {
		res, _ := s.get(t, "/")
		c := cookieNamed(res, "csrf")
		if c == nil {
			t.Fatal("home page set no csrf cookie")
		}
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		switch token {
		case "right":
			f.Set("csrf_token", c.Value)
		case "wrong":
			f.Set("csrf_token", strings.Repeat("x", len(c.Value)))
		}
		req := postForm(target, f)
		if token != "none" {
			req.AddCookie(c)
		}
		return req
	}
}

const wantCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func TestScenarios(t *testing.T) {
	name := url.Values{"name": {"علی"}}
	scenarios := []scenario{
		{name: "Persian by default", req: get("/"), status: 200,
			want: []string{`<html lang="fa" dir="rtl">`, "پنجره ملی خدمات دولت هوشمند", "۱٬۲۳۴٬۵۶۷",
				`<time datetime="2024-12-18" title="18 December 2024">۲۸ آذر ۱۴۰۳</time>`, "آخرین به‌روزرسانی",
				`<dd class="stat-today">۱</dd>`, "v0.1.0-test"},
			headers: map[string]string{"Content-Language": "fa"}},
		{name: "English by query", req: get("/?lang=en"), status: 200,
			want: []string{`<html lang="en" dir="ltr">`, "National Window of Smart Government Services", "1,234,567",
				`<time datetime="2024-12-18">18 December 2024</time>`, `<dd class="stat-today">1</dd>`}},
		{name: "English remembered by cookie", req: withHeader(get("/"), "Cookie", "lang=en"), status: 200,
			want: []string{`dir="ltr"`}},
		{name: "switch link keeps path and query", req: get("/?q=x"), status: 200,
			want: []string{`<a class="lang-switch" href="/?lang=en&amp;q=x" lang="en" hreflang="en">English</a>`}},
		{name: "switch link back to Persian", req: get("/?lang=en&q=x"), status: 200,
			want: []string{`<a class="lang-switch" href="/?lang=fa&amp;q=x" lang="fa" hreflang="fa">فارسی</a>`}},
		{name: "skip link and landmarks", req: get("/"), status: 200,
			want: []string{`<a class="skip" href="#main">پرش به محتوای اصلی</a>`, `<main id="main" tabindex="-1">`,
				`<header class="site-header">`, `<nav class="site-nav" aria-label="پیوندهای اصلی">`, `<footer class="site-footer">`,
				`<a href="/" aria-current="page">خانه</a>`}},
		{name: "mandatory field starred", req: get("/"), status: 200,
			want: []string{`<label for="name">نام <span class="req" aria-hidden="true">*</span></label>`,
				`required aria-required="true"`, "فیلدهای ستاره‌دار الزامی هستند"}},
		{name: "404 page in Persian", req: get("/no/such/page"), status: 404,
			want:    []string{"صفحه پیدا نشد", `<a href="/">بازگشت به صفحهٔ اصلی</a>`, "شناسهٔ درخواست", `dir="rtl"`},
			headers: map[string]string{"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": wantCSP}},
		{name: "404 page in English", req: get("/no/such/page?lang=en"), status: 404,
			want: []string{"Page not found", "Back to the home page", `dir="ltr"`}},
		{name: "404 under /api/ is problem+json", req: get("/api/v1/nothing"), status: 404,
			want:    []string{`"code":"not-found"`, `"title_fa":"پیدا نشد"`, `"request_id":`},
			headers: map[string]string{"Content-Type": "application/problem+json; charset=utf-8"}},
		{name: "405 for an API is problem+json", req: csrfPost("/api/v1/echo", "none", nil), status: 405,
			want:    []string{`"code":"method-not-allowed"`},
			headers: map[string]string{"Allow": "GET, HEAD"}},
		{name: "405 for a page is a page", req: withHeader(get("/submit"), "Accept", "text/html"), status: 405,
			want: []string{"این روش درخواست پذیرفته نیست"}, headers: map[string]string{"Allow": "POST"}},
		{name: "panic becomes a 500 page", req: get("/boom"), status: 500,
			want: []string{"خطایی در سامانه رخ داد", "شناسهٔ درخواست"}, notWant: []string{"secret panic text"},
			logs: []string{"secret panic text", `"stack":"goroutine`, `"msg":"http request"`, `"status":500`, `"path":"/boom"`}},
		{name: "panic in an API becomes a problem", req: get("/api/v1/boom"), status: 500,
			want: []string{`"code":"internal"`}, notWant: []string{"secret api panic"},
			headers: map[string]string{"Content-Type": "application/problem+json; charset=utf-8"}},
		{name: "server error hides its cause", req: get("/fail?lang=en"), status: 500,
			want: []string{"Something went wrong"}, notWant: []string{"secret database error"},
			logs: []string{"secret database error"}},
		{name: "form without CSRF token", req: csrfPost("/submit", "none", name), status: 403,
			want: []string{"درخواست پذیرفته نشد", "Request refused"[:0]}, notWant: []string{"دریافت شد"}},
		{name: "form without CSRF token in English", req: csrfPost("/submit?lang=en", "none", name), status: 403,
			want: []string{"Request refused", "reload the page"}},
		{name: "form over the size limit", req: csrfPost("/submit", "right", url.Values{"name": {strings.Repeat("ی", 200_000)}}), status: 413,
			want: []string{"فرم بیش از اندازه بزرگ است"}, notWant: []string{"دریافت شد", "درخواست پذیرفته نشد"}},
		{name: "form with a wrong CSRF token", req: csrfPost("/submit", "wrong", name), status: 403,
			want: []string{"درخواست پذیرفته نشد"}, logs: []string{"csrf check failed"}},
		{name: "form with the right CSRF token", req: csrfPost("/submit", "right", name), status: 200,
			want: []string{"دریافت شد: علی"}},
		{name: "cross-site form with the right token", req: withHeader(csrfPost("/submit", "right", name), "Sec-Fetch-Site", "cross-site"),
			status: 403},
		{name: "a form posted from another site to a PostAsGet route is sent on as a query",
			req: withHeader(func(*testing.T, *shell) *http.Request {
				return postForm("/forward?lang=en", url.Values{"name": {"علی"}, "state": {"x y"}})
			}, "Sec-Fetch-Site", "cross-site"), status: 303,
			headers: map[string]string{"Location": "/forward?lang=en&name=%D8%B9%D9%84%DB%8C&state=x+y", "Cache-Control": "no-store"}},
		{name: "a PostAsGet form too long for a URL", status: 400,
			req: func(*testing.T, *shell) *http.Request {
				return postForm("/forward", url.Values{"x": {strings.Repeat("a", 20_000)}})
			},
			want: []string{"درخواست خوانده نشد", "بیش از اندازه بلند"}, headers: map[string]string{"Location": ""}},
		{name: "a PostAsGet form over the size limit", status: 413,
			req: func(*testing.T, *shell) *http.Request {
				return postForm("/forward", url.Values{"x": {strings.Repeat("a", 2<<20)}})
			},
			want: []string{"فرم بیش از اندازه بزرگ است"}},
		{name: "invalid form gets a linked error summary", req: csrfPost("/submit", "right", url.Values{"name": {""}}), status: 422,
			want: []string{`<div class="error-summary" role="alert"`, `<a href="#name">نام: نام را بنویسید.</a>`,
				`aria-invalid="true" aria-describedby="name-hint name-error"`}},
		{name: "secure headers on pages", req: get("/"), status: 200,
			headers: map[string]string{
				"Content-Security-Policy":    wantCSP,
				"X-Content-Type-Options":     "nosniff",
				"Referrer-Policy":            "same-origin",
				"Permissions-Policy":         "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
				"Cross-Origin-Opener-Policy": "same-origin",
				"X-Frame-Options":            "DENY",
				"Strict-Transport-Security":  "",
				"Cache-Control":              "no-store",
			}},
		{name: "HSTS over TLS", status: 200,
			req: func(t *testing.T, s *shell) *http.Request {
				req := get("/")(t, s)
				req.TLS = &tls.ConnectionState{}
				return req
			},
			headers: map[string]string{"Strict-Transport-Security": "max-age=63072000; includeSubDomains"}},
		{name: "HSTS behind a trusted TLS proxy", req: from(withHeader(get("/"), "X-Forwarded-Proto", "https"), "10.0.0.5:4000"), status: 200,
			headers: map[string]string{"Strict-Transport-Security": "max-age=63072000; includeSubDomains"}},
		{name: "untrusted X-Forwarded-Proto ignored", req: from(withHeader(get("/"), "X-Forwarded-Proto", "https"), "192.0.2.1:4000"), status: 200,
			headers: map[string]string{"Strict-Transport-Security": ""}},
		{name: "APIs get the locked-down CSP", req: get("/api/v1/echo"), status: 200,
			headers: map[string]string{"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'", "Set-Cookie": ""}},
		{name: "loopback visitor is this computer", req: get("/"), status: 200,
			want: []string{`<bdi class="ltr" dir="ltr">127.0.0.1</bdi>`, "<dd>این رایانه</dd>"}},
		{name: "loopback visitor in English", req: get("/?lang=en"), status: 200,
			want: []string{"<dd>This computer</dd>"}},
		{name: "private network visitor", req: from(get("/"), "192.168.1.10:1234"), status: 200,
			want: []string{"192.168.1.10", "<dd>شبکهٔ محلی</dd>"}},
		{name: "CGNAT visitor", req: from(get("/?lang=en"), "100.64.3.4:1234"), status: 200,
			want: []string{"<dd>Local network</dd>"}},
		{name: "Iranian visitor through a trusted proxy", req: from(withHeader(get("/"), "X-Forwarded-For", "2.176.10.20"), "10.1.2.3:999"), status: 200,
			want: []string{`<bdi class="ltr" dir="ltr">2.176.10.20</bdi>`, "<dd>ایران</dd>"}},
		{name: "Iranian visitor in English", req: from(withHeader(get("/?lang=en"), "X-Forwarded-For", "203.0.113.9, 2.176.10.20"), "10.1.2.3:999"), status: 200,
			want: []string{"2.176.10.20", "<dd>Iran</dd>"}},
		{name: "forwarded header from an untrusted peer ignored", req: from(withHeader(get("/?lang=en"), "X-Forwarded-For", "2.176.10.20"), "[2001:4860::8888]:999"), status: 200,
			want: []string{"2001:4860::8888", "<dd>United States</dd>"}, notWant: []string{"2.176.10.20"}},
		{name: "browser and OS shown", req: withHeader(get("/"), "User-Agent", "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"), status: 200,
			want: []string{`<bdi dir="ltr" lang="en">Firefox 133</bdi>`, `<bdi dir="ltr" lang="en">Linux</bdi>`}},
		{name: "sane request ID echoed", req: withHeader(get("/nope"), "X-Request-ID", "abc-123.X_y"), status: 404,
			want: []string{"<code>abc-123.X_y</code>"}, headers: map[string]string{"X-Request-ID": "abc-123.X_y"},
			logs: []string{`"request_id":"abc-123.X_y"`, `"method":"GET"`, `"path":"/nope"`, `"status":404`, `"bytes":`,
				`"duration":`, `"remote_ip":"127.0.0.1"`, `"user_agent":`}},
		{name: "insane request ID replaced", req: withHeader(get("/nope"), "X-Request-ID", "<script>"), status: 404,
			notWant: []string{"<script>"}},
		{name: "health check", req: get("/healthz"), status: 200,
			want: []string{`"status":"ok"`, `"db":"ok"`, `"version":"v0.1.0-test"`}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			s := newShell(t, nil)
			res, body := s.do(t, sc.req(t, s))
			if res.StatusCode != sc.status {
				t.Errorf("status %d, want %d", res.StatusCode, sc.status)
			}
			for _, w := range sc.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q", w)
				}
			}
			for _, w := range sc.notWant {
				if strings.Contains(body, w) {
					t.Errorf("body has %q", w)
				}
			}
			for k, v := range sc.headers {
				if got := res.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			logs := s.logs.String()
			for _, w := range sc.logs {
				if !strings.Contains(logs, w) {
					t.Errorf("log lacks %q", w)
				}
			}
			if t.Failed() && testing.Verbose() {
				t.Logf("body:\n%s\nlog:\n%s", body, logs)
			}
		})
	}
}
