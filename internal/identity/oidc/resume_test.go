package oidc_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/web/webtest"
)

// TestResume: when a person logs in for an authorization request that
// needs no consent, the login's answer completes it and sends the
// browser back to the agency with a code, without a visit to the bridge;
// when consent is needed, or the request cannot be completed, the
// browser goes on to the bridge as before, which says why.
func TestResume(t *testing.T) {
	for _, prefetch := range []bool{false, true} {
		t.Run(fmt.Sprintf("prefetch=%v", prefetch), func(t *testing.T) { testResume(t, prefetch) })
	}
}

// testResume is TestResume with the reads Resume needs made in its own
// round trip, or queued beforehand (Resumption.Prefetch) as the window's
// login does.
func testResume(t *testing.T, prefetch bool) {
	e := newEnv(t)
	e.sessions.prefetch = prefetch
	// loginAnswer posts the login form for the request sealed in bridge
	// with a new browser and returns where its answer sends it.
	loginAnswer := func(t *testing.T, bridge string) (*http.Client, int, string) {
		t.Helper()
		b := e.noFollow()
		resp, err := b.PostForm(e.url+"/test/login", url.Values{"csrf_token": {e.csrfToken(b)},
			"return": {strings.TrimPrefix(bridge, e.url)}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return b, resp.StatusCode, string(body)
		}
		return b, resp.StatusCode, webtest.ContinueTarget(string(body))
	}

	t.Run("no consent needed: back to the agency at once", func(t *testing.T) {
		before := e.count(t, "oidc_grants")
		bridge, _ := e.bridge(e.authURL("openid"))
		_, status, target := loginAnswer(t, bridge)
		back, err := url.Parse(target)
		if err != nil || status != http.StatusOK || !strings.HasPrefix(target, redirectRP) || back.Query().Get("code") == "" {
			t.Fatalf("login answered %d to %q, want the agency with a code", status, target)
		}
		if got := e.count(t, "oidc_grants"); got != before+1 {
			t.Errorf("%d grants written, want 1", got-before)
		}
		// The request is spent: the bridge's URL does not give a second code.
		wantExpiredAt(t, e.noFollow(), bridge)
		// And a second login for it is refused the same way.
		_, status, _ = loginAnswer(t, bridge)
		if status != http.StatusBadRequest {
			t.Errorf("a second login for a spent request answered %d, want the expired page (400)", status)
		}
	})
	t.Run("consent needed: on to the bridge, which asks", func(t *testing.T) {
		bridge, _ := e.bridge(e.authURL("openid profile"))
		b, status, target := loginAnswer(t, bridge)
		if status != http.StatusOK || e.url+target != bridge {
			t.Fatalf("login answered %d to %q, want the bridge %q", status, target, bridge)
		}
		e.consentForm(b, bridge)
	})
	t.Run("consent remembered: back to the agency; prompt=consent: on to the bridge", func(t *testing.T) {
		if _, asked := e.authorize(e.browser(), e.authURL("openid profile")); !asked {
			t.Fatal("the first request for profile did not ask for consent")
		}
		bridge, _ := e.bridge(e.authURL("openid profile"))
		if _, status, target := loginAnswer(t, bridge); status != http.StatusOK || !strings.HasPrefix(target, redirectRP+"?code=") {
			t.Errorf("consent remembered: login answered %d to %q, want the agency with a code", status, target)
		}
		bridge, _ = e.bridge(e.authURL("openid profile") + "&prompt=consent")
		if _, status, target := loginAnswer(t, bridge); status != http.StatusOK || e.url+target != bridge {
			t.Errorf("prompt=consent: login answered %d to %q, want the bridge", status, target)
		}
	})
	t.Run("expired or altered request: on to the bridge, which says so", func(t *testing.T) {
		bridge, sealed := e.bridge(e.authURL("openid"))
		altered := strings.Replace(bridge, sealed, sealed[:len(sealed)-2]+"AA", 1)
		if _, status, target := loginAnswer(t, altered); status != http.StatusOK || e.url+target != altered {
			t.Errorf("altered request: login answered %d to %q, want the bridge", status, target)
		}
		e.clock.Add(10 * time.Minute)
		b, status, target := loginAnswer(t, bridge)
		if status != http.StatusOK || e.url+target != bridge {
			t.Fatalf("expired request: login answered %d to %q, want the bridge", status, target)
		}
		wantExpiredAt(t, b, bridge)
	})
	t.Run("not a login for an agency", func(t *testing.T) {
		if _, status, target := loginAnswer(t, e.url+"/account"); status != http.StatusOK || target != "/account" {
			t.Errorf("login answered %d to %q, want /account", status, target)
		}
	})
}

// pagerSessions is the test's sessions with a login page of their own
// that the provider can show in place.
type pagerSessions struct{ *sessions }

func (s pagerSessions) LoginPage(w http.ResponseWriter, _ *http.Request, returnTo, acr string, _ bool, lang string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "login page (%s, %s), then %s", acr, lang, returnTo)
}

// TestLoginPageInPlace: with sessions that can show their login page,
// the authorization endpoint shows it instead of redirecting to it, and
// the page comes back to the login bridge with the sealed request.
func TestLoginPageInPlace(t *testing.T) {
	e := newEnv(t, func(o *oidc.Options) { o.Sessions = pagerSessions{o.Sessions.(*sessions)} })
	b := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := b.Get(e.authURL("openid"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	prefix := "login page (loa1, fa), then " + oidc.PathLogin + "?id=r1."
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Location") != "" || !strings.HasPrefix(string(body), prefix) {
		t.Fatalf("authorize: %d to %q: %.200s; want the login page in place, coming back to the bridge", resp.StatusCode,
			resp.Header.Get("Location"), body)
	}
}
