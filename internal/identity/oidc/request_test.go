package oidc_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/internal/web/webtest"
)

// expiredTitle is the title of the page for a login request that is no
// longer valid.
const expiredTitle = "درخواست ورود منقضی شده است"

// authURL is an authorization request of the default client for scope,
// with a state, nonce and PKCE challenge as long as a library makes them.
func (e *env) authURL(scope string) string {
	return e.url + "/oauth2/authorize?" + url.Values{"client_id": {"agency"}, "redirect_uri": {redirectRP},
		"response_type": {"code"}, "scope": {scope}, "state": {oauth2.GenerateVerifier()}, "nonce": {oauth2.GenerateVerifier()},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())}, "code_challenge_method": {"S256"}}.Encode()
}

// bridge sends a browser without a session to authURL and returns the
// login bridge's URL, to which the login it is sent to will bring it
// back, and the sealed request in it.
func (e *env) bridge(authURL string) (string, string) {
	e.t.Helper()
	b := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := b.Get(authURL)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	loc, back := bridgeOf(resp)
	if back == nil {
		e.t.Fatalf("authorize: %d to %q, want the login with the bridge to come back to", resp.StatusCode, loc)
	}
	return e.url + back.String(), back.Query().Get("id")
}

// bridgeOf returns where an answer of the authorization endpoint sends
// the browser and, if that is the login, the login bridge it is to come
// back to.
func bridgeOf(resp *http.Response) (string, *url.URL) {
	loc := resp.Header.Get("Location")
	u, err := url.Parse(loc)
	if err != nil || resp.StatusCode != http.StatusFound {
		return loc, nil
	}
	back, err := url.Parse(u.Query().Get("return"))
	if err != nil || back.Path != oidc.PathLogin || back.Query().Get("id") == "" {
		return loc, nil
	}
	return loc, back
}

// wantExpired checks that resp is the expired-request page and sends
// the browser nowhere, least of all back to the agency with a code.
func wantExpired(t *testing.T, resp *http.Response) {
	t.Helper()
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), expiredTitle) {
		t.Fatalf("got %d to %q: %.300s; want the expired page (400)", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		t.Errorf("the expired page sends the browser to %s", loc)
	}
}

// wantExpiredAt checks that browser b, getting u, gets the expired page.
func wantExpiredAt(t *testing.T, b *http.Client, u string) {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	wantExpired(t, resp)
}

// wantCodeAt checks that browser b, getting u, is sent to the redirect
// URI with an authorization code.
func wantCodeAt(t *testing.T, b *http.Client, u string) {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), redirectRP) {
		t.Fatalf("got %d to %q, want the code at the redirect URI", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// noFollow is a browser logged in at the window, with the CSRF cookie,
// that does not follow redirects.
func (e *env) noFollow() *http.Client { return e.consoleBrowser(true) }

// consentForm runs b through the bridge to the consent page and returns
// its form.
func (e *env) consentForm(b *http.Client, bridge string) url.Values {
	e.t.Helper()
	resp, err := b.Get(bridge)
	if err != nil {
		e.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf, id := csrfRE.FindStringSubmatch(string(body)), idRE.FindStringSubmatch(string(body))
	if resp.StatusCode != http.StatusOK || csrf == nil || id == nil {
		e.t.Fatalf("bridge: %d %.300s, want the consent page", resp.StatusCode, body)
	}
	return url.Values{"csrf_token": {csrf[1]}, "id": {id[1]}, "decision": {"allow"}}
}

// TestAuthorizeWritesNothing: the authorization endpoint seals the
// request into the bridge's URL and writes no row; the grant is written
// once, when the person approves it.
func TestAuthorizeWritesNothing(t *testing.T) {
	e := newEnv(t)
	before := e.count(t, "oidc_grants")
	bridge, sealed := e.bridge(e.authURL("openid profile national_code phone"))
	if got := e.count(t, "oidc_grants"); got != before {
		t.Errorf("oidc_grants has %d rows after /oauth2/authorize, want %d", got, before)
	}
	if !strings.HasPrefix(sealed, "r1.") {
		t.Errorf("sealed request %q has no version prefix", sealed)
	}
	// The URL the browser carries (to the bridge, and through the login
	// page's return address) stays well within what proxies accept.
	if len(bridge) > 1024 {
		t.Errorf("the bridge's URL is %d bytes long", len(bridge))
	}
	back, _ := e.authorize(e.browser(), bridge)
	if back.Query().Get("code") == "" {
		t.Fatalf("callback %s, want a code", back)
	}
	if got := e.count(t, "oidc_grants"); got != before+1 {
		t.Errorf("oidc_grants has %d rows after the approval, want %d", got, before+1)
	}
}

// TestBrokenRequestIsExpired: a sealed request that does not open is
// refused like an expired one, at the bridge and at the consent form.
func TestBrokenRequestIsExpired(t *testing.T) {
	e := newEnv(t)
	_, sealed := e.bridge(e.authURL("openid phone"))
	mid := len(sealed) / 2
	flip := "A"
	if sealed[mid] == 'A' {
		flip = "B"
	}
	tests := []struct{ name, id string }{
		{"missing", ""},
		{"garbage", "garbage"},
		{"prefix only", "r1."},
		{"not base64url", "r1.!!!*"},
		{"one character changed", sealed[:mid] + flip + sealed[mid+1:]},
		{"truncated", sealed[:len(sealed)-8]},
		{"too short to hold a nonce", sealed[:12]},
		{"another format's prefix", "r2." + sealed[3:]},
		{"no prefix", sealed[3:]},
		{"a grant ID", "AAAAAAAAAAAAAAAAAAAAAAAA"},
	}
	b := e.noFollow()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantExpiredAt(t, b, e.url+oidc.PathLogin+"?id="+url.QueryEscape(tt.id))
			resp, err := b.PostForm(e.url+oidc.PathConsent, url.Values{"csrf_token": {e.csrfToken(b)}, "id": {tt.id}, "decision": {"allow"}})
			if err != nil {
				t.Fatal(err)
			}
			wantExpired(t, resp)
		})
	}
	// The untouched request still opens.
	resp, err := b.Get(e.url + oidc.PathLogin + "?id=" + url.QueryEscape(sealed))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the genuine request: %d, want the consent page", resp.StatusCode)
	}
}

// TestRequestLifetime: a sealed request opens for ten minutes after the
// authorization request, at the bridge and at the consent form, and is
// refused like an expired one after.
func TestRequestLifetime(t *testing.T) {
	e := newEnv(t)
	b := e.noFollow()
	t.Run("bridge just before expiry", func(t *testing.T) {
		bridge, _ := e.bridge(e.authURL("openid"))
		e.clock.Add(10*time.Minute - time.Second)
		wantCodeAt(t, b, bridge)
	})
	t.Run("bridge at expiry", func(t *testing.T) {
		bridge, _ := e.bridge(e.authURL("openid"))
		e.clock.Add(10 * time.Minute)
		wantExpiredAt(t, b, bridge)
	})
	t.Run("consent after expiry", func(t *testing.T) {
		bridge, _ := e.bridge(e.authURL("openid birthdate"))
		form := e.consentForm(b, bridge)
		e.clock.Add(10*time.Minute + time.Second)
		resp, err := b.PostForm(e.url+oidc.PathConsent, form)
		if err != nil {
			t.Fatal(err)
		}
		wantExpired(t, resp)
	})
	if got := e.count(t, "oidc_grants"); got != 1 {
		t.Errorf("oidc_grants has %d rows, want the one approved in time", got)
	}
}

// TestReplayedRequest: a sealed request is approved once. Presenting
// the bridge's URL or the consent form again after the code was issued
// issues no second code, and the first code still works.
func TestReplayedRequest(t *testing.T) {
	e := newEnv(t)
	r := e.rp("agency", e.secretFor(t)) // openid alone needs no consent
	b := e.noFollow()
	codeOf := func(t *testing.T, resp *http.Response) string {
		t.Helper()
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		target := resp.Header.Get("Location")
		if resp.StatusCode == http.StatusOK {
			target = webtest.ContinueTarget(string(body))
		}
		loc, _ := url.Parse(target)
		if loc == nil || !strings.HasPrefix(loc.String(), redirectRP) || loc.Query().Get("code") == "" {
			t.Fatalf("got %d to %q, want a code at the redirect URI", resp.StatusCode, target)
		}
		return loc.Query().Get("code")
	}
	exchange := func(t *testing.T, code, verifier string) {
		t.Helper()
		if _, err := r.cfg.Exchange(context.Background(), code, oauth2.VerifierOption(verifier)); err != nil {
			t.Fatalf("the first code: %v", err)
		}
	}

	t.Run("bridge", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		bridge, _ := e.bridge(r.cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(v)))
		resp, err := b.Get(bridge)
		if err != nil {
			t.Fatal(err)
		}
		code := codeOf(t, resp)
		for range 2 {
			wantExpiredAt(t, b, bridge)
		}
		exchange(t, code, v)
	})
	t.Run("consent form", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		asking := r.cfg
		asking.Scopes = []string{"openid", "phone"}
		bridge, _ := e.bridge(asking.AuthCodeURL("s", oauth2.S256ChallengeOption(v)))
		form := e.consentForm(b, bridge)
		resp, err := b.PostForm(e.url+oidc.PathConsent, form)
		if err != nil {
			t.Fatal(err)
		}
		code := codeOf(t, resp)
		resp, err = b.PostForm(e.url+oidc.PathConsent, form)
		if err != nil {
			t.Fatal(err)
		}
		wantExpired(t, resp)
		// Consent is remembered now, so the bridge would approve at once:
		// it finds the request spent too.
		wantExpiredAt(t, b, bridge)
		exchange(t, code, v)
	})
	t.Run("another browser", func(t *testing.T) {
		bridge, _ := e.bridge(r.cfg.AuthCodeURL("s"))
		resp, err := b.Get(bridge)
		if err != nil {
			t.Fatal(err)
		}
		codeOf(t, resp)
		wantExpiredAt(t, e.noFollow(), bridge)
	})
	if got := e.count(t, "oidc_grants"); got != 3 {
		t.Errorf("oidc_grants has %d rows, want one per request", got)
	}
}

// TestRequestKey: a request opens on every node with the same
// RequestKey, and not on one with another key or with none set (a random
// one); a key of the wrong length is refused.
func TestRequestKey(t *testing.T) {
	key := bytes.Repeat([]byte{3}, 32)
	e := newEnv(t, func(o *oidc.Options) { o.RequestKey = key })
	_, sealed := e.bridge(e.authURL("openid"))
	tests := []struct {
		name string
		key  []byte
		want int
	}{
		{"same key", key, http.StatusFound},
		{"another key", bytes.Repeat([]byte{4}, 32), http.StatusBadRequest},
		{"random key", nil, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node := e.node(t, tt.key)
			w := httptest.NewRecorder()
			node.ServeHTTP(w, httptest.NewRequest(http.MethodGet, e.url+oidc.PathLogin+"?id="+url.QueryEscape(sealed), nil))
			if w.Code != tt.want {
				t.Fatalf("got %d %.300s, want %d", w.Code, w.Body, tt.want)
			}
			if tt.want == http.StatusBadRequest && !strings.Contains(w.Body.String(), expiredTitle) {
				t.Errorf("got %.300s, want the expired page", w.Body)
			}
		})
	}
	short := e.opts
	short.RequestKey = key[:16]
	if _, err := oidc.New(context.Background(), short); err == nil {
		t.Error("New accepted a 16-byte RequestKey")
	}
}

// node is a second provider on e's database and sessions, with
// RequestKey key.
func (e *env) node(t *testing.T, key []byte) http.Handler {
	t.Helper()
	opts := e.opts
	opts.RequestKey = key
	p, err := oidc.New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	m, err := web.New(web.Options{Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	m.Mount(p, e.sessions)
	return m.Handler()
}

// TestSpentRequestOutlivesItsCode: maintenance keeps an approved grant
// whose code has expired unused as long as its sealed request could be
// presented again, as the row is what refuses a second approval.
func TestSpentRequestOutlivesItsCode(t *testing.T) {
	e := newEnv(t)
	b := e.noFollow()
	bridge, _ := e.bridge(e.authURL("openid"))
	wantCodeAt(t, b, bridge)
	e.clock.Add(5 * time.Minute) // the code has expired, the request not
	m, err := e.p.Maintain(context.Background())
	if err != nil || m.Grants != 0 {
		t.Fatalf("maintenance: %+v, %v; want the grant kept", m, err)
	}
	wantExpiredAt(t, b, bridge)
	e.clock.Add(5*time.Minute + time.Second)
	if m, err = e.p.Maintain(context.Background()); err != nil || m.Grants != 1 {
		t.Errorf("maintenance once the request has expired: %+v, %v; want the grant removed", m, err)
	}
}

// TestRequestFollowsTheClient: a change to the client's registration
// takes effect on requests already sealed, never giving a code: one
// whose redirect URI or scope the client no longer has, or whose client
// is gone, gets the expired page; one whose client is disabled, the
// suspended page (TestRequestOfSuspendedClient follows that through).
func TestRequestFollowsTheClient(t *testing.T) {
	e := newEnv(t, func(o *oidc.Options) { o.CacheTTL = time.Nanosecond })
	save := func(change func(c *oidc.Client)) {
		t.Helper()
		c := &oidc.Client{ID: "agency", NameFa: "سازمان نمونه", NameEn: "Sample agency", RedirectURIs: []string{redirectRP},
			Scopes: []string{"openid", "profile", "phone"}, MaxACR: "loa3", AuthMethod: oidc.AuthSecretBasic, IDTokenAlg: "ES256"}
		change(c)
		e.client(c)
	}
	deleted := func() {
		t.Helper()
		if _, err := e.db.Write.Exec(`DELETE FROM oidc_clients WHERE id = $1`, "agency"); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Second) // past the node's cache of the client
	}
	for _, tt := range []struct {
		name   string
		scope  string
		change func()
		want   func(t *testing.T, resp *http.Response)
	}{
		{"redirect URI removed", "openid", func() { save(func(c *oidc.Client) { c.RedirectURIs = []string{"http://127.0.0.1:9/other"} }) }, wantExpired},
		{"scope withdrawn", "openid phone", func() { save(func(c *oidc.Client) { c.Scopes = []string{"openid", "profile"} }) }, wantExpired},
		{"client deleted", "openid", deleted, wantExpired},
		{"client disabled", "openid", func() { save(func(c *oidc.Client) { c.Disabled = true }) },
			func(t *testing.T, resp *http.Response) { wantSuspended(t, resp, "fa") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			save(func(*oidc.Client) {})
			bridge, _ := e.bridge(e.authURL(tt.scope))
			tt.change()
			resp, err := e.noFollow().Get(bridge)
			if err != nil {
				t.Fatal(err)
			}
			tt.want(t, resp)
		})
	}
	// As registered again, a request goes through.
	save(func(*oidc.Client) {})
	bridge, _ := e.bridge(e.authURL("openid phone"))
	resp, err := e.noFollow().Get(bridge)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusBadRequest {
		t.Errorf("a request the client allows got %d", resp.StatusCode)
	}
}
