package agency_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"github.com/panjereh/panjereh/internal/web/webtest"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/panjereh/panjereh/internal/agency"
	"github.com/panjereh/panjereh/internal/identity/oidc"
)

// TestLoginShowsReleasedAttributes clicks through «ورود از طریق دولت من»:
// the agency's home, the provider's consent page, the callback, and the
// page of what the provider released.
func TestLoginShowsReleasedAttributes(t *testing.T) {
	e := newEnv(t, nil, nil)
	b := e.browser()
	me := e.login(b)
	if me.status != http.StatusOK || me.url != e.url+agency.PathMe {
		t.Fatalf("after login: %d at %s: %.500s", me.status, me.url, me.body)
	}
	for _, want := range []string{
		`data-claim="nationalCode"`, "۰۰۸۴۵۷۵۹۴۸", // Persian digits on the Persian page
		`data-claim="given_name"`, "مریم", `data-claim="family_name"`, "احمدی",
		`data-claim="gender"`, "زن",
		`data-claim="birthdate"`, `datetime="1991-04-20"`, `data-claim="birthDateShamsi"`,
		`data-claim="phone_number"`, "&#43;۹۸۹۱۲۱۲۳۴۵۶۷", // html/template writes + as &#43;
		`<code class="acr">loa1</code>`, "هویت تطبیق‌شده با ثبت احوال و شاهکار", "رمز یک‌بارمصرف", "پیامک",
		`&#34;nationalId&#34;: &#34;0084575948&#34;`, // the compatibility userinfo's answer
	} {
		if !strings.Contains(me.body, want) {
			t.Errorf("attributes page lacks %q", want)
		}
	}
	// Only what the scopes released: the father's name was not asked for.
	if strings.Contains(me.body, `data-claim="fatherName"`) || strings.Contains(me.body, "علی") {
		t.Error("the page shows the father's name, which the agency did not ask for")
	}
	if p := webtest.AccessibilityProblems(me.body); p != nil {
		t.Errorf("attributes page: %v", p)
	}
	en := e.get(b, e.url+agency.PathMe+"?lang=en")
	for _, want := range []string{`lang="en"`, "National code", "0084575948", "Female", "one-time code",
		"Level 1: identity matched with the civil registry and Shahkar"} {
		if !strings.Contains(en.body, want) {
			t.Errorf("English attributes page lacks %q", want)
		}
	}
	home := e.get(b, e.url+"/?lang=fa")
	if !strings.Contains(home.body, "خوش آمدید") || !strings.Contains(home.body, "مریم احمدی") {
		t.Errorf("home page after login: %.500s", home.body)
	}
	if p := webtest.AccessibilityProblems(home.body); p != nil {
		t.Errorf("home page: %v", p)
	}
	// A second login needs no consent: the provider remembers it.
	b2 := e.browser()
	b2.Jar = b.Jar
	again := e.get(b2, e.url+"/login?return=/licences")
	if again.url != e.url+agency.PathLicences {
		t.Errorf("second login ended at %s", again.url)
	}
}

// TestHomeNamesTheGuide: the home page tells a developer where the
// integration guide and the site's code are, as paths in the source
// repository, in both languages.
func TestHomeNamesTheGuide(t *testing.T) {
	e := newEnv(t, nil, nil)
	for lang, want := range map[string]string{"fa": "راهنمای اتصال دستگاه‌ها، در مخزن کد پنجره:",
		"en": "The guide to connecting an agency, in Panjereh&#39;s source code repository:"} {
		home := e.get(e.browser(), e.url+"/?lang="+lang)
		for _, w := range []string{want, `<code dir="ltr">docs/integrate-sso.md</code>`, `<code dir="ltr">internal/agency</code>`} {
			if !strings.Contains(home.body, w) {
				t.Errorf("%s home page lacks %q", lang, w)
			}
		}
		if p := webtest.AccessibilityProblems(home.body); p != nil {
			t.Errorf("%s home page: %v", lang, p)
		}
	}
}

// TestCallbackRefusesWrongState: a callback whose state is not the one
// this browser's login sent, or without any login started, is refused
// before any code is exchanged.
func TestCallbackRefusesWrongState(t *testing.T) {
	e := newEnv(t, nil, nil)
	b := e.browser()
	start, err := noFollow(b).Get(e.url + "/login")
	if err != nil {
		t.Fatal(err)
	}
	start.Body.Close()
	auth, _ := url.Parse(start.Header.Get("Location"))
	q := auth.Query()
	if start.StatusCode != http.StatusFound || !strings.HasPrefix(auth.String(), e.ssoURL+"/oauth2/authorize") ||
		q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || q.Get("nonce") == "" ||
		q.Get("state") == "" || q.Get("client_id") != "rahvar" {
		t.Fatalf("login redirect: %d to %s", start.StatusCode, auth)
	}
	for name, u := range map[string]string{
		"wrong state": e.url + agency.PathCallback + "?code=abc&state=forged",
		"no state":    e.url + agency.PathCallback + "?code=abc",
	} {
		p := e.get(b, u)
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, "ورود ناتمام ماند") {
			t.Errorf("%s: %d %.300s", name, p.status, p.body)
		}
	}
	// The right state, but the login was used up by the attempts above.
	p := e.get(b, e.url+agency.PathCallback+"?code=abc&state="+url.QueryEscape(q.Get("state")))
	if p.status != http.StatusBadRequest {
		t.Errorf("a spent login: %d", p.status)
	}
	// Another browser cannot finish this browser's login.
	p = e.get(e.browser(), e.url+agency.PathCallback+"?code=abc&state="+url.QueryEscape(q.Get("state")))
	if p.status != http.StatusBadRequest {
		t.Errorf("a login from another browser: %d", p.status)
	}
}

// TestDeniedConsent: the person refusing consent comes back with
// access_denied and is told so.
func TestDeniedConsent(t *testing.T) {
	e := newEnv(t, nil, nil)
	b := e.browser()
	consent := e.get(b, e.url+"/login")
	id := consentIDRE.FindStringSubmatch(consent.body)
	if id == nil {
		t.Fatalf("no consent page: %.300s", consent.body)
	}
	p := e.post(b, e.ssoURL+"/oauth2/consent", url.Values{"csrf_token": {e.csrf(consent)}, "id": {id[1]}, "decision": {"deny"}})
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "اجازه داده نشد") {
		t.Errorf("denied consent: %d %.300s", p.status, p.body)
	}
}

// TestLogoutThroughTheSSO: the logout button ends the agency's session
// and sends the browser to the provider's end-session endpoint with the
// ID token as hint; the provider ends the window session and sends it
// back to the agency's page after logout.
func TestLogoutThroughTheSSO(t *testing.T) {
	e := newEnv(t, nil, nil)
	b := e.browser()
	me := e.login(b)
	resp, err := noFollow(b).PostForm(e.url+agency.PathLogout, url.Values{"csrf_token": {e.csrf(me)}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// The form's answer moves on to the provider with a page, not a
	// redirect: a redirect off the site would break form-action 'self'.
	to, _ := url.Parse(webtest.ContinueTarget(string(body)))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(to.String(), e.ssoURL+"/oauth2/logout?") ||
		to.Query().Get("id_token_hint") == "" || to.Query().Get("post_logout_redirect_uri") != e.url+agency.PathLoggedOut {
		t.Fatalf("logout: %d to %s", resp.StatusCode, to)
	}
	windowSession := e.window.last()
	// The ID token is no logout token, though the provider signed it for
	// this agency.
	resp, err = http.PostForm(e.url+agency.PathBackchannel, url.Values{"logout_token": {to.Query().Get("id_token_hint")}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an ID token as logout token: %d, want 400", resp.StatusCode)
	}
	out := e.get(b, to.String())
	if out.url != e.url+agency.PathLoggedOut || !strings.Contains(out.body, "خارج شدید") {
		t.Fatalf("after logout: %s %.300s", out.url, out.body)
	}
	if e.window.has(windowSession) {
		t.Error("the window session survived the logout")
	}
	mustBeLoggedOut(t, e, b)
	// The provider's back-channel logout for the session that just ended
	// finds nothing left to end, and is accepted all the same.
	if n, err := e.provider.DeliverPending(context.Background()); n != 1 || err != nil {
		t.Errorf("back-channel delivery after logout: %d, %v", n, err)
	}
}

// mustBeLoggedOut checks that the agency sends b to log in again.
func mustBeLoggedOut(t *testing.T, e *env, b *http.Client) {
	t.Helper()
	resp, err := noFollow(b).Get(e.url + agency.PathMe)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), agency.PathLogin) {
		t.Errorf("%s after logout: %d to %q, want a redirect to log in", agency.PathMe, resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestBackChannelLogout: when the window session ends elsewhere, the
// provider's logout token ends the agency's session too.
func TestBackChannelLogout(t *testing.T) {
	e := newEnv(t, nil, nil)
	b := e.browser()
	e.login(b)
	other := e.browser() // another person's session at the agency stays
	e.login(other)

	e.provider.SessionEnded(context.Background(), e.window.first())
	if n, err := e.provider.DeliverPending(context.Background()); n != 1 || err != nil {
		t.Fatalf("delivered %d, %v; want the agency to accept one logout token", n, err)
	}
	mustBeLoggedOut(t, e, b)
	if p := e.get(noFollow(other), e.url+agency.PathMe); p.status != http.StatusOK {
		t.Errorf("a session of another window session ended too: %d", p.status)
	}
}

// TestForgedLogoutTokens: logout tokens that are not the provider's for
// this agency are refused, and end nothing.
func TestForgedLogoutTokens(t *testing.T) {
	// The provider sends another client's logout tokens to a capture
	// server, and the agency gets none of its own: so a genuine token
	// with another audience can be replayed at the agency.
	var mu sync.Mutex
	var captured []string
	capture := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		captured = append(captured, r.PostFormValue("logout_token"))
		mu.Unlock()
	}))
	defer capture.Close()
	e := newEnv(t, nil, func(c *oidc.Client) { c.BackchannelURI = "" })
	_, err := e.provider.SaveClient(context.Background(), "overseer", &oidc.Client{ID: "other", NameFa: "دیگر",
		NameEn: "Other", RedirectURIs: []string{"http://127.0.0.1:9/cb"}, BackchannelURI: capture.URL,
		Scopes: []string{"openid"}, MaxACR: "loa1", AuthMethod: oidc.AuthSecretBasic, IDTokenAlg: "ES256"}, false)
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	me := e.login(b)
	sid := regexpFind(t, me.body, `<code class="sid">([^<]+)</code>`)
	// The same window session enters the other client.
	resp, err := noFollow(b).Get(e.ssoURL + "/oauth2/authorize?" + url.Values{"client_id": {"other"},
		"redirect_uri": {"http://127.0.0.1:9/cb"}, "response_type": {"code"}, "scope": {"openid"}, "state": {"s"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for resp.StatusCode == http.StatusFound && !strings.HasPrefix(resp.Header.Get("Location"), "http://127.0.0.1:9/") {
		next, _ := resp.Request.URL.Parse(resp.Header.Get("Location"))
		if resp, err = noFollow(b).Get(next.String()); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	e.provider.SessionEnded(context.Background(), e.window.last())
	n, err := e.provider.DeliverPending(context.Background())
	mu.Lock()
	defer mu.Unlock()
	if n != 1 || err != nil || len(captured) != 1 {
		t.Fatalf("deliveries: %d, %v, captured %d", n, err, len(captured))
	}

	// A well-formed token for this agency and this sid, signed with a key
	// that is not the provider's.
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := e.clock.Now()
	claims := map[string]any{"iss": e.ssoURL, "aud": "rahvar", "sub": subject, "sid": sid, "iat": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(), "jti": "j-1",
		"events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}}}
	cases := map[string]string{
		"another client's token": captured[0],
		"wrong key":              sign(t, key, "logout+jwt", claims),
		"no typ":                 sign(t, key, "", claims),
		"garbage":                "not.a.token",
		"empty":                  "",
	}
	for name, tok := range cases {
		resp, err := http.PostForm(e.url+agency.PathBackchannel, url.Values{"logout_token": {tok}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, resp.StatusCode)
		}
	}
	if p := e.get(noFollow(b), e.url+agency.PathMe); p.status != http.StatusOK {
		t.Errorf("a refused logout token ended the session: %d", p.status)
	}
}

func sign(t *testing.T, key *ecdsa.PrivateKey, typ string, claims map[string]any) string {
	t.Helper()
	opts := &jose.SignerOptions{}
	if typ != "" {
		opts = opts.WithType(jose.ContentType(typ))
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: "forged"}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// regexpFind returns the first group of pattern in s.
func regexpFind(t *testing.T, s, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in %.300s", pattern, s)
	}
	return m[1]
}
