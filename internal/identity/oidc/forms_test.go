package oidc_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// postFromAgency posts form to path as an agency's page would, from
// another site and without the window's CSRF token, and returns the
// answer without following it.
func (e *env) postFromAgency(t *testing.T, b *http.Client, path string, form url.Values) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "http://127.0.0.1:9")
	once := *b
	once.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := once.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestAuthorizeAndLogoutTakeForms: the authorization endpoint (OpenID
// Connect Core 3.1.2.1) and the end-session endpoint (RP-Initiated Logout
// 2) take their parameters posted as a form from the agency's site too:
// the window sends the browser on to the same endpoint with them as the
// query, where the browser's own cookies come along.
func TestAuthorizeAndLogoutTakeForms(t *testing.T) {
	e := newEnv(t)
	r := e.rp("agency", e.secretFor(t), "profile")
	b := e.browser()

	verifier := oauth2.GenerateVerifier()
	authURL, _ := url.Parse(r.cfg.AuthCodeURL("st-post", oauth2.S256ChallengeOption(verifier), gooidc.Nonce("n-post")))
	resp := e.postFromAgency(t, b, "/oauth2/authorize", authURL.Query())
	to, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || to == nil || to.Path != "/oauth2/authorize" || to.Query().Encode() != authURL.Query().Encode() {
		t.Fatalf("authorization request posted: %d to %q, want 303 to the endpoint with the form as the query",
			resp.StatusCode, resp.Header.Get("Location"))
	}
	back, _ := e.authorize(b, e.url+to.String())
	if back.Query().Get("state") != "st-post" || back.Query().Get("code") == "" {
		t.Fatalf("callback %s", back)
	}
	tok, err := r.cfg.Exchange(context.Background(), back.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}

	form := url.Values{"id_token_hint": {tok.Extra("id_token").(string)}, "post_logout_redirect_uri": {"http://127.0.0.1:9/bye"}, "state": {"x"}}
	resp = e.postFromAgency(t, b, "/oauth2/logout", form)
	if resp.StatusCode != http.StatusSeeOther || len(e.sessions.ended) != 0 {
		t.Fatalf("logout posted: %d, ended %v; want 303 and nothing ended yet", resp.StatusCode, e.sessions.ended)
	}
	resp, err = b.Get(e.url + resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "http://127.0.0.1:9/bye?state=x" || len(e.sessions.ended) != 1 {
		t.Fatalf("logout: %d to %q, ended %v", resp.StatusCode, resp.Header.Get("Location"), e.sessions.ended)
	}

	// The person's answer on the logout page is a form of the window's
	// own: from another site, or without its token, it is refused.
	resp = e.postFromAgency(t, b, "/oauth2/logout/confirm", url.Values{"query": {form.Encode()}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout confirmation from another site: %d, want 403", resp.StatusCode)
	}
}

// TestOfflineGrantOutlivesItsSession: once the window session a grant
// was made in has ended, the ID tokens its refreshes issue name no
// session, since the agency has been told that one is over.
func TestOfflineGrantOutlivesItsSession(t *testing.T) {
	e := newEnv(t)
	secret := e.secretFor(t)
	r := e.rp("agency", secret, "offline_access", "phone")
	b := e.browser()
	tok, id := e.login(r, b)
	var first struct {
		SID string `json:"sid"`
	}
	if err := id.Claims(&first); err != nil || first.SID == "" {
		t.Fatalf("the first ID token's sid %q (%v)", first.SID, err)
	}
	sid := func(raw string) (string, bool) {
		t.Helper()
		parts := strings.Split(raw, ".")
		if len(parts) != 3 {
			t.Fatalf("ID token %q", raw)
		}
		payload, err := base64URL(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		var claims map[string]any
		if err := json.Unmarshal(payload, &claims); err != nil {
			t.Fatal(err)
		}
		s, ok := claims["sid"].(string)
		return s, ok
	}
	status, body := e.refreshRaw(t, secret, tok.RefreshToken, nil)
	if got, _ := sid(body["id_token"].(string)); status != http.StatusOK || got != first.SID {
		t.Fatalf("refresh in the session: %d, sid %q, want %q", status, got, first.SID)
	}
	q := url.Values{"id_token_hint": {tok.Extra("id_token").(string)}, "post_logout_redirect_uri": {"http://127.0.0.1:9/bye"}}
	resp, err := b.Get(e.url + "/oauth2/logout?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(e.sessions.ended) != 1 {
		t.Fatalf("sessions ended: %v", e.sessions.ended)
	}
	status, body = e.refreshRaw(t, secret, body["refresh_token"].(string), nil)
	if status != http.StatusOK {
		t.Fatalf("refresh after the session: %d %v", status, body)
	}
	if got, ok := sid(body["id_token"].(string)); ok {
		t.Errorf("an ID token refreshed after its session ended names the session %q", got)
	}
}
