package oidc_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/web/webtest"
)

// TestLogoutWithBackChannel: RP-initiated logout ends the window session
// and every agency the session entered gets a signed logout token.
func TestLogoutWithBackChannel(t *testing.T) {
	e := newEnv(t)
	tokens := make(chan string, 4)
	status := http.StatusInternalServerError // the first delivery fails, to be retried
	agency := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status != http.StatusOK {
			w.WriteHeader(status)
			status = http.StatusOK
			return
		}
		tokens <- r.PostFormValue("logout_token")
	}))
	defer agency.Close()
	c, _ := e.p.Client(context.Background(), "agency")
	c.BackchannelURI = agency.URL + "/backchannel"
	e.client(c)

	r := e.rp("agency", e.secretFor(t), "profile")
	b := e.browser()
	tok, id := e.login(r, b)
	raw := tok.Extra("id_token").(string)

	q := url.Values{"id_token_hint": {raw}, "post_logout_redirect_uri": {"http://127.0.0.1:9/bye"}, "state": {"x"}}
	resp, err := b.Get(e.url + "/oauth2/logout?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "http://127.0.0.1:9/bye?state=x" {
		t.Fatalf("logout: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if len(e.sessions.ended) != 1 {
		t.Errorf("window sessions ended: %v", e.sessions.ended)
	}
	// The first attempt fails; the retry is due after the back-off.
	if n, err := e.p.DeliverPending(context.Background()); n != 0 || err != nil {
		t.Fatalf("first delivery: %d, %v", n, err)
	}
	e.clock.Add(time.Minute)
	var logout string
	for logout == "" {
		if _, err := e.p.DeliverPending(context.Background()); err != nil {
			t.Fatal(err)
		}
		select {
		case logout = <-tokens:
		case <-time.After(50 * time.Millisecond):
		}
	}
	keys := gooidc.NewRemoteKeySet(context.Background(), e.url+"/oauth2/jwks")
	payload, err := keys.VerifySignature(context.Background(), logout)
	if err != nil {
		t.Fatalf("logout token signature: %v", err)
	}
	var claims map[string]any
	_ = json.Unmarshal(payload, &claims)
	var idc struct {
		SID string `json:"sid"`
	}
	_ = id.Claims(&idc)
	events, _ := claims["events"].(map[string]any)
	if claims["iss"] != e.url || claims["aud"] != "agency" || claims["sub"] != persona || claims["sid"] != idc.SID ||
		idc.SID == "" || claims["jti"] == nil || events["http://schemas.openid.net/event/backchannel-logout"] == nil {
		t.Errorf("logout token claims = %v (ID token sid %q)", claims, idc.SID)
	}
	if _, ok := claims["nonce"]; ok {
		t.Error("a logout token must not carry a nonce")
	}
	// The tokens issued in the session no longer work.
	e.compat(t, tok.AccessToken, http.StatusUnauthorized)
	if !slices.Contains(e.audit.kinds(), "oidc.logout") {
		t.Errorf("audit = %v", e.audit.kinds())
	}
	// Ending the session again sends nothing more.
	e.p.SessionEnded(context.Background(), e.sessions.ended[0])
	if n, _ := e.p.DeliverPending(context.Background()); n != 0 {
		t.Errorf("second SessionEnded delivered %d more", n)
	}
}

// TestBackChannelRefused: an agency that answers a logout token with 400
// has refused it (Back-Channel Logout 1.0, 2.8); the same token would be
// refused again, so it is not sent again, and the agency's reason is kept
// for the operators. Other failures are retried (TestLogoutWithBackChannel).
func TestBackChannelRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	posts := 0
	agency := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts++
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"invalid_request","error_description":"the token's audience is not this agency"}`)
	}))
	defer agency.Close()
	c, _ := e.p.Client(ctx, "agency")
	c.BackchannelURI = agency.URL + "/backchannel"
	e.client(c)
	e.login(e.rp("agency", e.secretFor(t), "profile"), e.browser())
	var sid string
	if err := e.db.Read.QueryRow(`SELECT session_id FROM oidc_grants`).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	e.p.SessionEnded(ctx, sid)
	for range 3 {
		if n, err := e.p.DeliverPending(ctx); n != 0 || err != nil {
			t.Fatalf("a refused delivery: %d, %v", n, err)
		}
		e.clock.Add(time.Hour)
	}
	var attempts int
	var failed sql.NullTime
	var reason string
	if err := e.db.Read.QueryRow(`SELECT attempts, failed_at, last_error FROM oidc_logout_deliveries`).Scan(&attempts, &failed, &reason); err != nil {
		t.Fatal(err)
	}
	if posts != 1 || attempts != 1 || !failed.Valid ||
		reason != "refused with status 400: invalid_request the token's audience is not this agency" {
		t.Errorf("%d posts; delivery attempts %d, failed %v, last error %q; want one post, failed at once with the agency's reason",
			posts, attempts, failed, reason)
	}
}

// TestLogoutWithHintOfRemovedKey: an ID token signed by a key since
// retired and removed cannot be verified, and is taken as no hint: the
// person is asked, and confirming ends the session and sends the
// back-channel logout. A hint whose signature fails under a key of the
// provider, or that another issuer made, is still refused.
func TestLogoutWithHintOfRemovedKey(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tokens := make(chan string, 4)
	agency := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tokens <- r.PostFormValue("logout_token")
	}))
	defer agency.Close()
	c, _ := e.p.Client(ctx, "agency")
	c.BackchannelURI = agency.URL + "/backchannel"
	e.client(c)
	r := e.rp("agency", e.secretFor(t))
	b := e.browser()
	tok, _ := e.login(r, b)
	hint := tok.Extra("id_token").(string)
	logout := func(hint string) (int, string) {
		t.Helper()
		return e.logoutPage(t, b, url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {"http://127.0.0.1:9/bye"}, "state": {"x"}})
	}
	// Its signature altered, under a key the provider has: refused.
	forged := hint[:len(hint)-4] + "AAAA"
	if forged == hint {
		forged = hint[:len(hint)-4] + "BBBB"
	}
	if status, _ := logout(forged); status != http.StatusBadRequest {
		t.Fatalf("logout with a forged hint: %d, want 400", status)
	}

	if err := e.p.RotateKeys(ctx); err != nil {
		t.Fatal(err)
	}
	// Past the key publish delay and the lifetime of what the old key
	// signed, when the old key is removed.
	e.clock.Add(2*time.Hour + 2*time.Minute)
	if _, err := e.p.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	var keys int
	if err := e.db.Read.QueryRow(`SELECT COUNT(*) FROM oidc_keys`).Scan(&keys); err != nil || keys != 2 {
		t.Fatalf("%d keys left after the rotation (%v), want the two new ones", keys, err)
	}

	// Another issuer's token, under a key the provider does not know:
	// refused.
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: other, KeyID: "ES256-elsewhere"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	jws, _ := signer.Sign([]byte(`{"iss":"https://idp.example","sub":"` + persona + `","aud":"agency"}`))
	foreign, _ := jws.CompactSerialize()
	if status, _ := logout(foreign); status != http.StatusBadRequest {
		t.Fatalf("logout with another issuer's hint: %d, want 400", status)
	}

	// The old hint: the person is asked first.
	status, page := logout(hint)
	if status != http.StatusOK || !strings.Contains(page, `action="/oauth2/logout/confirm"`) || len(e.sessions.ended) != 0 {
		t.Fatalf("logout with a hint of a removed key: %d, ended %v: %.300s", status, e.sessions.ended, page)
	}
	form := url.Values{"csrf_token": {csrfRE.FindStringSubmatch(page)[1]},
		"query": {url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {"http://127.0.0.1:9/bye"}, "state": {"x"}}.Encode()}}
	resp, err := b.PostForm(e.url+"/oauth2/logout/confirm", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// After a form the provider moves on with a page, not a redirect.
	if target := webtest.ContinueTarget(string(body)); resp.StatusCode != http.StatusOK || target != "http://127.0.0.1:9/bye?state=x" {
		t.Fatalf("confirmed logout: %d to %q", resp.StatusCode, target)
	}
	if len(e.sessions.ended) != 1 {
		t.Errorf("window sessions ended: %v", e.sessions.ended)
	}
	if n, err := e.p.DeliverPending(ctx); n != 1 || err != nil {
		t.Fatalf("back-channel logouts delivered: %d, %v", n, err)
	}
	select {
	case lt := <-tokens:
		payload, err := gooidc.NewRemoteKeySet(ctx, e.url+"/oauth2/jwks").VerifySignature(ctx, lt)
		var claims map[string]any
		_ = json.Unmarshal(payload, &claims)
		if err != nil || claims["sub"] != persona || claims["aud"] != "agency" {
			t.Errorf("logout token %v, %v", claims, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no back-channel logout token")
	}
}

func TestLogoutRefusesUnregisteredRedirect(t *testing.T) {
	e := newEnv(t)
	r := e.rp("agency", e.secretFor(t))
	b := e.browser()
	tok, _ := e.login(r, b)
	q := url.Values{"id_token_hint": {tok.Extra("id_token").(string)}, "post_logout_redirect_uri": {"https://evil.example/"}}
	resp, err := b.Get(e.url + "/oauth2/logout?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("got %d, want 400", resp.StatusCode)
	}
	// A return address without a hint or client_id names no agency to
	// look it up for; with client_id, it is the agency's.
	q = url.Values{"post_logout_redirect_uri": {"http://127.0.0.1:9/bye"}, "state": {"x"}}
	if status, body := e.logoutPage(t, b, q); status != http.StatusBadRequest ||
		!strings.Contains(body, "The agency asking for logout is not named") && !strings.Contains(body, "دستگاه درخواست‌کنندهٔ خروج معلوم نیست") {
		t.Errorf("logout to an address without naming the agency: %d %.300s", status, body)
	}
	q.Set("client_id", "agency")
	if status, body := e.logoutPage(t, b, q); status != http.StatusOK || len(e.sessions.ended) != 0 {
		t.Errorf("logout with client_id and no hint: %d, ended %v, want the confirmation page: %.300s", status, e.sessions.ended, body)
	}
	// Without a hint, the person is asked before being logged out.
	resp, err = b.Get(e.url + "/oauth2/logout")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(e.sessions.ended) != 0 {
		t.Fatalf("logout without a hint: %d, ended %v", resp.StatusCode, e.sessions.ended)
	}
}

// TestLogoutWithoutSession: the end-session endpoint tells someone who
// was not logged in at the window that there was no session to end,
// rather than that they logged out and the agencies were told; with a
// registered post_logout_redirect_uri it sends them back as before.
func TestLogoutWithoutSession(t *testing.T) {
	e := newEnv(t)
	const (
		loggedOutFa, loggedOutEn = "از دولت من خارج شدید", "You have logged out of My Government"
		noneFa, noneEn           = "شما وارد نشده بودید؛ نشستی برای پایان دادن نبود.", "You were not logged in; there was no session to end."
	)
	for _, tt := range []struct {
		lang, want, not string
	}{{"fa", noneFa, loggedOutFa}, {"en", noneEn, loggedOutEn}} {
		status, body := e.logoutPage(t, e.browser(), url.Values{"lang": {tt.lang}})
		if status != http.StatusOK || !strings.Contains(body, tt.want) || strings.Contains(body, tt.not) || strings.Contains(body, "خبر داده شد") {
			t.Errorf("logout without a session (%s): %d, want %q: %.400s", tt.lang, status, tt.want, body)
		}
	}
	if len(e.sessions.ended) != 0 || slices.Contains(e.audit.kinds(), "oidc.logout") {
		t.Errorf("a logout without a session ended %v, audit %v", e.sessions.ended, e.audit.kinds())
	}

	// Logged in, the hint ends the session: the person has logged out.
	b := e.browser()
	tok, _ := e.login(e.rp("agency", e.secretFor(t)), b)
	hint := url.Values{"id_token_hint": {tok.Extra("id_token").(string)}}
	if status, body := e.logoutPage(t, b, hint); status != http.StatusOK || !strings.Contains(body, loggedOutFa) ||
		strings.Contains(body, noneFa) || len(e.sessions.ended) != 1 {
		t.Errorf("logout with a session: %d, ended %v: %.400s", status, e.sessions.ended, body)
	}
	// Again, with the session over: nothing to end.
	if status, body := e.logoutPage(t, b, hint); status != http.StatusOK || !strings.Contains(body, noneFa) || len(e.sessions.ended) != 1 {
		t.Errorf("logout again: %d, ended %v: %.400s", status, e.sessions.ended, body)
	}
	// Sent back when the agency asks for it, session or not.
	back := url.Values{"client_id": {"agency"}, "post_logout_redirect_uri": {"http://127.0.0.1:9/bye"}, "state": {"x"}}
	resp, err := e.browser().Get(e.url + "/oauth2/logout?" + back.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "http://127.0.0.1:9/bye?state=x" {
		t.Errorf("logout without a session, with a return address: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestKeyRotation: a new key is published before it signs, and tokens
// signed before the rotation still verify.
func TestKeyRotation(t *testing.T) {
	e := newEnv(t)
	r := e.rp("agency", e.secretFor(t))
	b := e.browser()
	before, _ := e.login(r, b)
	if err := e.p.RotateKeys(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(2 * time.Minute) // past KeyPublishDelay: the new key signs
	after, _ := e.login(r, b)
	kid := func(tok *oauth2.Token) string {
		raw := tok.Extra("id_token").(string)
		var h struct {
			KID string `json:"kid"`
		}
		seg, _ := base64URL(raw)
		_ = json.Unmarshal(seg, &h)
		return h.KID
	}
	if kid(before) == kid(after) {
		t.Fatal("the same key signed before and after the rotation")
	}
	if _, err := r.verifier.Verify(context.Background(), before.Extra("id_token").(string)); err != nil {
		t.Fatalf("token signed before the rotation: %v", err)
	}
	e.compat(t, before.AccessToken, http.StatusOK)
	_ = oidc.ACR1
}

// logoutPage sends browser b to the end-session endpoint with q, and
// returns the answer's status and body.
func (e *env) logoutPage(t *testing.T, b *http.Client, q url.Values) (int, string) {
	t.Helper()
	resp, err := b.Get(e.url + "/oauth2/logout?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
