package oidc_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/web/webtest"
)

// suspendedText is the suspended page's title and the start of its
// text, by language.
var suspendedText = map[string][2]string{
	"fa": {"ورود از طریق این دستگاه فعلاً متوقف شده است", "این دستگاه در پنجرهٔ ملی ثبت شده است"},
	"en": {"Logging in through this agency is suspended for now", "This agency is registered with the national window"},
}

// wantSuspended checks that resp is the page telling that logging in
// through the agency is suspended (403), in lang and not in the other
// language, and that it sends the browser nowhere.
func wantSuspended(t *testing.T, resp *http.Response, lang string) {
	t.Helper()
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("got %d to %q: %.300s; want the suspended page (403)", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	for l, text := range suspendedText {
		for _, s := range text {
			if got := strings.Contains(string(body), s); got != (l == lang) {
				t.Errorf("the %s page has %q: %v", lang, s, got)
			}
		}
	}
	if strings.Contains(string(body), expiredTitle) || strings.Contains(string(body), redirectRP) {
		t.Errorf("the suspended page tells of an expired request or links to the agency: %.600s", body)
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		t.Errorf("the suspended page sends the browser to %s", loc)
	}
}

// wantNotToAgency checks that resp does not send the browser to the
// agency at all, with a code or an error, by a redirect or by a page that
// moves on by itself.
func wantNotToAgency(t *testing.T, resp *http.Response) {
	t.Helper()
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, target := range []string{resp.Header.Get("Location"), webtest.ContinueTarget(string(body))} {
		if strings.HasPrefix(target, redirectRP) {
			t.Errorf("got %d sending the browser to the agency: %s", resp.StatusCode, target)
		}
	}
}

// setLang makes b ask for pages in lang, as the language switch does.
func (e *env) setLang(b *http.Client, lang string) {
	u, _ := url.Parse(e.url)
	b.Jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
}

// setDisabled disables or enables the client id at the console.
func (e *env) setDisabled(id string, disabled bool) {
	e.t.Helper()
	c, err := e.p.Client(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	c.Disabled = disabled
	e.client(c)
}

// codesIssued is the number of grants approved with a code.
func (e *env) codesIssued(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.db.Read.QueryRow(`SELECT COUNT(*) FROM oidc_grants WHERE code_hash IS NOT NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRequestOfSuspendedClient: when the ministry disables an agency
// while a person is logging in through it, the login is stopped wherever
// it goes on (back from the login page, at the login form's answer, at
// the bridge, at the consent page and its answer, allow or not): the
// person is told, in the page's language, that logging in through the
// agency is suspended (403), as a new request would be, and the agency
// gets no code. The request is ended: enabled again, the agency gets no
// code for it either, while a new request goes through.
func TestRequestOfSuspendedClient(t *testing.T) {
	e := newEnv(t)
	// loginAnswer posts the login form for bridge, as the window's code
	// form does, prefetching Resume's reads or not, and follows its
	// answer when that is to go on to the bridge (Resume leaving the
	// request to the bridge, which says why).
	loginAnswer := func(t *testing.T, b *http.Client, bridge string, prefetch bool) *http.Response {
		t.Helper()
		e.sessions.prefetch = prefetch
		defer func() { e.sessions.prefetch = false }()
		resp, err := b.PostForm(e.url+"/test/login", url.Values{"csrf_token": {e.csrfToken(b)},
			"return": {strings.TrimPrefix(bridge, e.url)}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && e.url+webtest.ContinueTarget(string(body)) == bridge {
			return mustGet(t, b, bridge)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp
	}
	post := func(t *testing.T, b *http.Client, form url.Values, decision string) *http.Response {
		t.Helper()
		form.Set("decision", decision)
		resp, err := b.PostForm(e.url+oidc.PathConsent, form)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	tests := []struct {
		name  string
		scope string
		// consent is whether the person reaches the consent page before
		// the agency is disabled.
		consent bool
		// browser is the person's browser: logged in already or not.
		browser func() *http.Client
		// resume goes on with the request sealed in bridge, as the person
		// does once the agency is disabled; form is the consent page's.
		resume func(t *testing.T, b *http.Client, bridge string, form url.Values) *http.Response
	}{
		{"back from the login page", "openid", false, e.browser,
			func(t *testing.T, b *http.Client, bridge string, _ url.Values) *http.Response {
				return mustGet(t, b, e.url+"/test/login?"+url.Values{"return": {strings.TrimPrefix(bridge, e.url)}}.Encode())
			}},
		{"the login form's answer", "openid", false, e.noFollow,
			func(t *testing.T, b *http.Client, bridge string, _ url.Values) *http.Response {
				return loginAnswer(t, b, bridge, false)
			}},
		{"the login form's answer, prefetched", "openid", false, e.noFollow,
			func(t *testing.T, b *http.Client, bridge string, _ url.Values) *http.Response {
				return loginAnswer(t, b, bridge, true)
			}},
		{"bridge with a session, nothing to consent to", "openid", false, e.noFollow,
			func(t *testing.T, b *http.Client, bridge string, _ url.Values) *http.Response {
				return mustGet(t, b, bridge)
			}},
		{"consent page shown again", "openid profile", true, e.noFollow,
			func(t *testing.T, b *http.Client, bridge string, _ url.Values) *http.Response {
				return mustGet(t, b, bridge)
			}},
		{"consent allowed", "openid phone", true, e.noFollow,
			func(t *testing.T, b *http.Client, _ string, form url.Values) *http.Response {
				return post(t, b, form, "allow")
			}},
		{"consent refused", "openid birthdate", true, e.noFollow,
			func(t *testing.T, b *http.Client, _ string, form url.Values) *http.Response {
				return post(t, b, form, "deny")
			}},
	}
	ended := 0
	for _, tt := range tests {
		for _, lang := range []string{"fa", "en"} {
			t.Run(tt.name+"/"+lang, func(t *testing.T) {
				e.setDisabled("agency", false) // after a row that stopped short
				bridge, _ := e.bridge(e.authURL(tt.scope))
				b := tt.browser()
				e.setLang(b, lang)
				var form url.Values
				if tt.consent {
					form = e.consentForm(b, bridge)
				}
				e.setDisabled("agency", true)
				events := len(e.audit.kinds())
				wantSuspended(t, tt.resume(t, b, bridge, form), lang)
				ended++
				// Nothing is approved, consented to or refused; as the
				// authorization endpoint's refusal, the page is not an
				// event of the person's.
				for _, ev := range e.audit.since(events) {
					t.Errorf("audit event %s for a request of a disabled agency", ev.Kind)
				}
				if got := e.codesIssued(t); got != 0 {
					t.Fatalf("%d codes issued for a disabled agency", got)
				}

				// Enabled again, the request stays ended: the person starts
				// again from the agency, which hears nothing more of it,
				// and nothing is recorded of the person.
				e.setDisabled("agency", false)
				events = len(e.audit.kinds())
				wantNotToAgency(t, tt.resume(t, b, bridge, form))
				for _, ev := range e.audit.since(events) {
					t.Errorf("audit event %s for an ended request", ev.Kind)
				}
				b = e.noFollow()
				resp := mustGet(t, b, bridge)
				if resp.StatusCode == http.StatusOK {
					// A request that needs consent asks for it before
					// the approval finds it ended.
					resp.Body.Close()
					resp = post(t, b, e.consentForm(b, bridge), "allow")
				}
				wantExpired(t, resp)
				if got := e.codesIssued(t); got != 0 {
					t.Fatalf("%d codes issued for ended requests", got)
				}
			})
		}
	}
	back, _ := e.authorize(e.browser(), e.authURL("openid profile"))
	if back.Query().Get("code") == "" {
		t.Fatalf("a new request once enabled: sent to %s, want a code", back)
	}
	if got := e.count(t, "oidc_grants"); got != ended+1 {
		t.Errorf("oidc_grants has %d rows, want %d ended requests and the approved one", got, ended)
	}
	// The ended requests' rows go with the grants, once the requests
	// could no longer be presented.
	e.clock.Add(10*time.Minute + time.Second)
	if m, err := e.p.Maintain(context.Background()); err != nil || m.Grants != int64(ended+1) {
		t.Errorf("maintenance: %+v, %v; want %d grants removed", m, err, ended+1)
	}
}

// TestSuspendedClientRequestStaysEnded: once the agency is enabled
// again, the login form's answer for a request ended while it was
// disabled gets the expired page, as for a spent request, whether
// Resume's reads were prefetched or not; the row that ends it holds no
// code and is revoked. A request approved before the agency was disabled
// keeps its grant and code.
func TestSuspendedClientRequestStaysEnded(t *testing.T) {
	e := newEnv(t)
	approved, _ := e.bridge(e.authURL("openid"))
	wantCodeAt(t, e.noFollow(), approved)
	ended, _ := e.bridge(e.authURL("openid"))
	e.setDisabled("agency", true)
	wantSuspended(t, mustGet(t, e.noFollow(), approved), "fa")
	wantSuspended(t, mustGet(t, e.noFollow(), ended), "fa")
	e.setDisabled("agency", false)
	for _, prefetch := range []bool{false, true} {
		e.sessions.prefetch = prefetch
		b := e.noFollow()
		resp, err := b.PostForm(e.url+"/test/login", url.Values{"csrf_token": {e.csrfToken(b)},
			"return": {strings.TrimPrefix(ended, e.url)}})
		if err != nil {
			t.Fatal(err)
		}
		wantExpired(t, resp)
	}
	var revoked, withCode int
	if err := e.db.Read.QueryRow(`SELECT COUNT(revoked_at), COUNT(code_hash) FROM oidc_grants`).Scan(&revoked, &withCode); err != nil {
		t.Fatal(err)
	}
	if revoked != 1 || withCode != 1 {
		t.Errorf("%d grants revoked and %d with a code, want the ended request revoked and the approved one kept", revoked, withCode)
	}
}

// mustGet gets u with b.
func mustGet(t *testing.T, b *http.Client, u string) *http.Response {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestCodeOfSuspendedClient: a code issued just before the agency was
// disabled is refused at the token endpoint with invalid_client (401), as
// every request of a disabled client is, and gives no tokens.
func TestCodeOfSuspendedClient(t *testing.T) {
	e := newEnv(t)
	r := e.rp("agency", e.secretFor(t))
	v := oauth2.GenerateVerifier()
	back, _ := e.authorize(e.browser(), r.cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(v)))
	code := back.Query().Get("code")
	if code == "" {
		t.Fatalf("callback %s, want a code", back)
	}
	e.setDisabled("agency", true)
	tok, err := r.cfg.Exchange(context.Background(), code, oauth2.VerifierOption(v))
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_client" || re.Response.StatusCode != http.StatusUnauthorized {
		t.Fatalf("exchange for the disabled client: %v, %v; want invalid_client (401)", tok, err)
	}
	var used int
	if err := e.db.Read.QueryRow(`SELECT COUNT(code_used_at) FROM oidc_grants`).Scan(&used); err != nil || used != 0 {
		t.Errorf("%d codes spent, %v; want none", used, err)
	}
	if k := e.audit.kinds(); slices.Contains(k, "oidc.code.replay") {
		t.Errorf("audit events %v", k)
	}
}

// TestSuspensionConfirmedBeforeEnding: a request is ended only when the
// client is disabled on the primary, not merely in this node's cache of
// clients, which may still hold a suspension that another node has
// lifted; such a request goes on once the client is enabled.
func TestSuspensionConfirmedBeforeEnding(t *testing.T) {
	e := newEnv(t)
	bridge, _ := e.bridge(e.authURL("openid"))
	other, _ := e.bridge(e.authURL("openid"))
	e.setDisabled("agency", true)
	// Another request's bridge puts the suspension in this node's cache.
	wantSuspended(t, mustGet(t, e.noFollow(), other), "fa")
	// Another node enables the client: the primary says so, this node's
	// cache does not know yet.
	if _, err := e.db.Write.ExecContext(context.Background(), `UPDATE oidc_clients SET disabled = $1 WHERE id = 'agency'`, false); err != nil {
		t.Fatal(err)
	}
	wantCodeAt(t, e.noFollow(), bridge)
}
