package portal_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/panjereh/panjereh/internal/portal"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/internal/web/webtest"
)

var testNow = time.Date(2024, 12, 18, 8, 30, 0, 0, time.UTC)

// newSite is the shell with the portal mounted, as the application wires
// it.
func newSite(t testing.TB) (*web.Mux, http.Handler) {
	t.Helper()
	m, err := web.New(web.Options{
		Logger:             slog.New(slog.NewTextHandler(io.Discard, nil)),
		DB:                 sqldbtest.Open(t),
		Now:                func() time.Time { return testNow },
		StatsFlushInterval: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	m.Mount(&portal.Portal{RegistryURL: "http://127.0.0.1:8181", Updated: time.Date(2024, 12, 17, 9, 0, 0, 0, time.UTC)})
	t.Cleanup(func() { m.Close(context.Background()) })
	return m, m.Handler()
}

func do(h http.Handler, req *http.Request) (*http.Response, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// validate posts the validator form with a valid CSRF token unless
// noToken.
func validate(t *testing.T, h http.Handler, target string, form url.Values, noToken bool) (*http.Response, string) {
	t.Helper()
	res, _ := do(h, httptest.NewRequest(http.MethodGet, "/", nil))
	var csrf *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "csrf" {
			csrf = c
		}
	}
	if csrf == nil {
		t.Fatal("no csrf cookie")
	}
	if !noToken {
		form.Set(web.CSRFField, csrf.Value)
	}
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(csrf)
	return do(h, req)
}

func TestPages(t *testing.T) {
	_, h := newSite(t)
	tests := []struct {
		name, target string
		status       int
		want         []string
	}{
		{"home in Persian", "/", 200, []string{`dir="rtl"`, "آنچه امروز کار می‌کند", "پایگاه‌های پایهٔ شبیه‌سازی‌شده",
			"ثبت احوال: استعلام هویت", "شاهکار", "مدارک تحصیلی", `<code>http://127.0.0.1:8181</code>`,
			"بررسی شناسه‌ها", "به‌زودی", "هنوز در دسترس نیست", "فیلدهای ستاره‌دار الزامی هستند",
			`<h3 id="catalog-h">شناسنامهٔ خدمات و جست‌وجوی خدمت <span class="badge ok">در دسترس</span></h3>`, `<a href="/open-data">`,
			`<label for="id-value">شناسه <span class="req" aria-hidden="true">*</span></label>`,
			`<span class="updated"><time datetime="2024-12-17" title="17 December 2024">۲۷ آذر ۱۴۰۳</time></span>`}},
		{"home in English", "/?lang=en", 200, []string{`dir="ltr"`, "What works today", "Simulated base registries",
			"Civil registry: identity inquiry", "Third-party insurance", "Identifier validator", "Coming next", "Not yet available",
			`<h3 id="catalog-h">The service catalog and service search <span class="badge ok">Available</span></h3>`,
			"Fields marked with a star are required.", "17 December 2024"}},
		{"about in Persian", "/about", 200, []string{"قلم وزیرمتن", "SIL Open Font License 1.1", "CC BY 4.0", "nro.net",
			"@ip-location-db/geo-whois-asn-country@", `href="/assets/fonts/OFL.`, `aria-current="page">درباره و پروانه‌ها`}},
		{"about in English", "/about?lang=en", 200, []string{"The Vazirmatn font", "Number Resource Organization"}},
		{"validate reloaded", "/validate", 303, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := do(h, httptest.NewRequest(http.MethodGet, tt.target, nil))
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q", w)
				}
			}
			if tt.status == 200 {
				if diff := cmp.Diff([]string(nil), webtest.AccessibilityProblems(body)); diff != "" {
					t.Errorf("accessibility (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestValidator(t *testing.T) {
	_, h := newSite(t)
	tests := []struct {
		name    string
		target  string
		form    url.Values
		noToken bool
		status  int
		want    []string
	}{
		{"valid national code", "/validate", url.Values{"kind": {"national-code"}, "value": {"0084575948"}}, false, 200,
			[]string{`class="result valid"`, "کد ملی: معتبر است", "<code>0084575948</code>"}},
		{"national code with a wrong check digit", "/validate", url.Values{"kind": {"national-code"}, "value": {"0084575949"}}, false, 200,
			[]string{`class="result invalid"`, "کد ملی: معتبر نیست", `<span class="reason">`}},
		{"wrong check digit in English", "/validate?lang=en", url.Values{"kind": {"national-code"}, "value": {"0084575949"}}, false, 200,
			[]string{"National code: not valid", "check digit of the national code does not match"}},
		{"mobile in Persian digits with operator", "/validate?lang=en", url.Values{"kind": {"mobile"}, "value": {"۰۹۳۵۱۲۳۴۵۶۷"}}, false, 200,
			[]string{"Mobile number: valid", "<code>09351234567</code>", "Operator: Irancell"}},
		{"kind detected automatically", "/validate", url.Values{"kind": {"auto"}, "value": {"IR820540102680020817909002"}}, false, 200,
			[]string{"شماره شبا: معتبر است", "نوع به‌طور خودکار تشخیص داده شد"}},
		{"undetectable kind", "/validate?lang=en", url.Values{"kind": {"auto"}, "value": {"12345"}}, false, 200,
			[]string{"cannot be told from its shape"}},
		{"empty value", "/validate", url.Values{"kind": {"auto"}, "value": {" "}}, false, 422,
			[]string{`<a href="#id-value">شناسه: شناسه را وارد کنید.</a>`, `aria-invalid="true"`}},
		{"unknown kind", "/validate?lang=en", url.Values{"kind": {"passport"}, "value": {"1"}}, false, 422,
			[]string{"Choose the kind of identifier from the list."}},
		{"without CSRF token", "/validate", url.Values{"kind": {"auto"}, "value": {"0084575948"}}, true, 403,
			[]string{"درخواست پذیرفته نشد"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := validate(t, h, tt.target, tt.form, tt.noToken)
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q", w)
				}
			}
			if diff := cmp.Diff([]string(nil), webtest.AccessibilityProblems(body)); diff != "" {
				t.Errorf("accessibility (-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkHome(b *testing.B) {
	_, h := newSite(b)
	for _, lang := range []string{"fa", "en"} {
		b.Run(lang, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?lang="+lang, nil))
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
