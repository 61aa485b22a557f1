package agency_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/panjereh/panjereh/internal/agency"
	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web/webtest"
	"github.com/panjereh/panjereh/nix"
)

// gateway stands in for the exchange gateway (tested in its own
// package): it records the calls and answers as the police registry
// would, or refuses as the gateway does.
type gateway struct {
	mu     sync.Mutex
	calls  []*http.Request
	refuse bool
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.calls = append(g.calls, r)
	refuse := g.refuse
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Nix-Id", "msg-42")
	if refuse {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"status":403,"code":"no-access-right","detail":"IR/GOV/rahvar/portal may not call this service","detail_fa":"اجازهٔ دسترسی نیست"}`))
		return
	}
	_, _ = w.Write([]byte(`{"nationalCode":"` + nationalCode + `","drivingLicences":[
		{"number":"9301234567","nationalCode":"` + nationalCode + `","class":"پایه دو","issued":"2015-06-01","expires":"2030-06-01"},
		{"number":"9307654321","nationalCode":"` + nationalCode + `","class":"موتورسیکلت","issued":"2010-01-10","expires":"2020-01-10"}]}`))
}

func (g *gateway) last() *http.Request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls[len(g.calls)-1]
}

func TestLicencesThroughTheExchange(t *testing.T) {
	g := &gateway{}
	srv := httptest.NewServer(g)
	defer srv.Close()
	nix := &nix.Client{Gateway: srv.URL, Subsystem: "IR/GOV/rahvar/portal", HTTP: srv.Client()}
	e := newEnv(t, nix, nil)
	b := e.browser()
	e.login(b)

	p := e.get(b, e.url+agency.PathLicences)
	if p.status != http.StatusOK {
		t.Fatalf("licences: %d %.500s", p.status, p.body)
	}
	call := g.last()
	if call.URL.Path != "/r1/IR/GOV/police/registry/persons/"+nationalCode+"/driving-licences" || call.Method != http.MethodGet {
		t.Errorf("call %s %s", call.Method, call.URL.Path)
	}
	tc := call.Header.Get("X-Nix-Tracking-Code")
	for h, want := range map[string]string{"X-Nix-Client": "IR/GOV/rahvar/portal", "X-Nix-User": nationalCode,
		"X-Nix-Assurance": "loa1", "X-Nix-Subject": nationalCode} {
		if got := call.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if len(tc) != 16 || !luhnValid(tc) {
		t.Errorf("tracking code %q: want 16 digits with a Luhn check digit", tc)
	}
	// Numbers in Persian digits on the Persian page; the message ID is
	// hexadecimal, an identifier rather than a number.
	for _, want := range []string{"<td>پایه دو</td>", "<td>موتورسیکلت</td>", "۹۳۰۱۲۳۴۵۶۷", `datetime="2030-06-01"`,
		`<span class="badge ok">معتبر</span>`, `<span class="badge">منقضی</span>`,
		`<code class="tracking-code" dir="ltr">` + iran.ToPersianDigits(tc) + `</code>`, `<code class="message-id" dir="ltr">msg-42</code>`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("licences page lacks %q", want)
		}
	}
	if strings.Contains(p.body, tc) {
		t.Errorf("the Persian page shows the tracking code %s in Latin digits", tc)
	}
	if prob := webtest.AccessibilityProblems(p.body); prob != nil {
		t.Errorf("licences page: %v", prob)
	}
	// The English page names the classes in English, in Latin digits.
	en := e.get(b, e.url+agency.PathLicences+"?lang=en")
	entc := g.last().Header.Get("X-Nix-Tracking-Code")
	for _, want := range []string{"<td>Grade 2</td>", "<td>Motorcycle</td>", "9301234567",
		`<code class="tracking-code" dir="ltr">` + entc + `</code>`} {
		if !strings.Contains(en.body, want) {
			t.Errorf("English licences page lacks %q", want)
		}
	}
	if strings.Contains(en.body, "پایه دو") {
		t.Error("the English page shows the licence class in Persian")
	}
	// Each inquiry has its own tracking code.
	e.get(b, e.url+agency.PathLicences)
	if g.last().Header.Get("X-Nix-Tracking-Code") == tc {
		t.Error("two inquiries under one tracking code")
	}

	// A refusal is explained in the person's language, not the gateway's
	// words.
	g.mu.Lock()
	g.refuse = true
	g.mu.Unlock()
	p = e.get(b, e.url+agency.PathLicences+"?lang=fa")
	if p.status != http.StatusBadGateway || !strings.Contains(p.body, "استعلام انجام نشد") ||
		!strings.Contains(p.body, "مجوز دسترسی به پایگاه گواهینامه را ندارد") || strings.Contains(p.body, "no-access-right") {
		t.Errorf("refused inquiry: %d %.800s", p.status, p.body)
	}
	p = e.get(b, e.url+agency.PathLicences+"?lang=en")
	if !strings.Contains(p.body, "no access right to the licence registry") {
		t.Errorf("refused inquiry in English: %.800s", p.body)
	}
}

func TestLicencesWithoutExchangeOrNationalCode(t *testing.T) {
	e := newEnv(t, nil, nil)
	b := e.browser()
	// Not logged in: to the login, and back here afterwards.
	p := e.get(noFollow(b), e.url+agency.PathLicences)
	if p.status != http.StatusSeeOther {
		t.Errorf("licences before login: %d", p.status)
	}
	e.login(b)
	p = e.get(b, e.url+agency.PathLicences)
	if p.status != http.StatusOK || !strings.Contains(p.body, "پیکربندی نشده است") {
		t.Errorf("licences without the exchange: %d %.500s", p.status, p.body)
	}

	// An agency that did not ask for the national code cannot ask the
	// registry about the person.
	g := &gateway{}
	srv := httptest.NewServer(g)
	defer srv.Close()
	nix := &nix.Client{Gateway: srv.URL, Subsystem: "IR/GOV/rahvar/portal", HTTP: srv.Client()}
	e = newEnv(t, nix, func(c *oidc.Client) { c.Scopes = []string{"openid", "profile"} })
	b = e.browser()
	e.login(b)
	p = e.get(b, e.url+agency.PathLicences)
	g.mu.Lock()
	defer g.mu.Unlock()
	if p.status != http.StatusOK || !strings.Contains(p.body, "کد ملی شما به این سامانه داده نشده است") || len(g.calls) != 0 {
		t.Errorf("licences without the national code: %d, %d calls: %.500s", p.status, len(g.calls), p.body)
	}
	// Nor can it tell which registry the person's identity was matched
	// with.
	me := e.get(b, e.url+agency.PathMe+"?lang=en")
	if !strings.Contains(me.body, "Level 1: identity matched with the civil registry or the foreign nationals&#39; registry, and Shahkar") {
		t.Errorf("the assurance level without the national code: %.2000s", me.body)
	}
}

// TestLicencesForAForeignNational: a foreign national logs in with a
// foreign national ID and has no national code. Having given the
// national code permission, he is told that he has no national code, not
// that the permission was missing, and the registry is not asked; his
// assurance level names the foreign nationals' registry.
func TestLicencesForAForeignNational(t *testing.T) {
	g := &gateway{}
	srv := httptest.NewServer(g)
	defer srv.Close()
	nix := &nix.Client{Gateway: srv.URL, Subsystem: "IR/GOV/rahvar/portal", HTTP: srv.Client()}
	e := newEnvFor(t, foreigner, nix, nil)
	b := e.browser()
	me := e.login(b)
	for _, want := range []string{`data-claim="foreignId"`, "۱۰۰۰۱۲۳۴۵۶۷۸", "تبعهٔ خارجی", "هویت تطبیق‌شده با پایگاه اتباع خارجی و شاهکار"} {
		if !strings.Contains(me.body, want) {
			t.Errorf("attributes page lacks %q", want)
		}
	}
	if strings.Contains(me.body, "ثبت احوال") {
		t.Error("the attributes page says a foreign national's identity was matched with the civil registry")
	}
	en := e.get(b, e.url+agency.PathMe+"?lang=en")
	if !strings.Contains(en.body, "Level 1: identity matched with the foreign nationals&#39; registry and Shahkar") ||
		strings.Contains(en.body, "civil registry") {
		t.Errorf("English attributes page: %.2000s", en.body)
	}

	for lang, want := range map[string]string{"fa": "کد ملی ایرانی ندارید", "en": "have no Iranian national code"} {
		p := e.get(b, e.url+agency.PathLicences+"?lang="+lang)
		if p.status != http.StatusOK || !strings.Contains(p.body, want) ||
			strings.Contains(p.body, "داده نشده است") || strings.Contains(p.body, "was not given") {
			t.Errorf("%s licences of a foreign national: %d %.800s", lang, p.status, p.body)
		}
		if prob := webtest.AccessibilityProblems(p.body); prob != nil {
			t.Errorf("%s licences page: %v", lang, prob)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.calls) != 0 {
		t.Errorf("%d calls to the registry without a national code", len(g.calls))
	}
}

func luhnValid(s string) bool {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
