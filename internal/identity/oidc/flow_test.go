package oidc_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/sqldb"
)

// rp is a relying party built with golang.org/x/oauth2 and go-oidc, as
// an agency would build it.
type rp struct {
	cfg      oauth2.Config
	verifier *gooidc.IDTokenVerifier
	provider *gooidc.Provider
}

func (e *env) rp(clientID, secret string, scopes ...string) *rp {
	e.t.Helper()
	ctx := context.Background()
	prov, err := gooidc.NewProvider(ctx, e.url)
	if err != nil {
		e.t.Fatal(err)
	}
	return &rp{
		cfg: oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: prov.Endpoint(), RedirectURL: redirectRP,
			Scopes: append([]string{gooidc.ScopeOpenID}, scopes...)},
		verifier: prov.Verifier(&gooidc.Config{ClientID: clientID, Now: e.clock.Now}),
		provider: prov,
	}
}

// login runs code + PKCE through to tokens.
func (e *env) login(r *rp, b *http.Client, extra ...oauth2.AuthCodeOption) (*oauth2.Token, *gooidc.IDToken) {
	e.t.Helper()
	verifier := oauth2.GenerateVerifier()
	opts := append([]oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier), gooidc.Nonce("n-123")}, extra...)
	back, _ := e.authorize(b, r.cfg.AuthCodeURL("st-1", opts...))
	if back.Query().Get("error") != "" || back.Query().Get("state") != "st-1" {
		e.t.Fatalf("callback %s", back)
	}
	tok, err := r.cfg.Exchange(context.Background(), back.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		e.t.Fatalf("exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := r.verifier.Verify(context.Background(), raw)
	if err != nil {
		e.t.Fatalf("verify ID token: %v", err)
	}
	return tok, id
}

func TestCodeFlowWithPKCE(t *testing.T) {
	e := newEnv(t)
	secret := e.client(&oidc.Client{ID: "tax", NameFa: "سازمان امور مالیاتی", NameEn: "Tax administration",
		RedirectURIs: []string{redirectRP}, Scopes: []string{"openid", "profile", "national_code"}, MaxACR: "loa2",
		AuthMethod: oidc.AuthSecretBasic, IDTokenAlg: "RS256", RequirePKCE: true})
	r := e.rp("tax", secret, "profile", "national_code")
	b := e.browser()
	tok, id := e.login(r, b)

	var claims map[string]any
	if err := id.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"sub": persona, "nationalCode": "0084575948", "given_name": "مریم",
		"acr": "loa1", "nonce": "n-123", "gender": "female"} {
		if claims[k] != want {
			t.Errorf("ID token %s = %v, want %v", k, claims[k], want)
		}
	}
	if claims["phone_number"] != nil || claims["birthdate"] != nil {
		t.Errorf("ID token carries claims of scopes not asked for: %v", claims)
	}
	if amr, _ := claims["amr"].([]any); len(amr) != 2 || amr[0] != "otp" {
		t.Errorf("amr = %v", claims["amr"])
	}
	if err := id.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Errorf("at_hash: %v", err)
	}

	// Standard userinfo through go-oidc.
	ui, err := r.provider.UserInfo(context.Background(), oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatal(err)
	}
	var uic map[string]any
	_ = ui.Claims(&uic)
	if ui.Subject != persona || uic["family_name"] != "احمدی" || uic["nationalCode"] != "0084575948" {
		t.Errorf("userinfo = %v", uic)
	}

	// The compatibility userinfo, with the national SSO's field names.
	got := e.compat(t, tok.AccessToken, http.StatusOK)
	want := map[string]any{"id": persona, "nationalId": "0084575948", "firstName": "مریم", "lastName": "احمدی", "gender": "FEMALE"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("compat %s = %v, want %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("compat userinfo releases more than the scopes allow: %v", got)
	}
	// The scheme's name is case-insensitive.
	if lower := e.compatAs(t, "bearer "+tok.AccessToken, http.StatusOK); lower["nationalId"] != "0084575948" {
		t.Errorf("compat userinfo with «bearer»: %v", lower)
	}

	// The consent is remembered: a second login does not ask again.
	_, asked := e.authorize(b, r.cfg.AuthCodeURL("st-2", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	if asked {
		t.Error("consent asked again")
	}
	if !slices.Contains(e.audit.kinds(), "oidc.authorize") || !slices.Contains(e.audit.kinds(), "oidc.consent.grant") {
		t.Errorf("audit = %v", e.audit.kinds())
	}

	// Revoking the consent revokes the tokens and asks again next time.
	cs, err := e.p.Consents(context.Background(), persona)
	if err != nil || len(cs) != 1 || cs[0].ClientID != "tax" || len(cs[0].Attributes) != 2 {
		t.Fatalf("consents = %+v, %v", cs, err)
	}
	if err := e.p.RevokeConsent(context.Background(), persona, "tax"); err != nil {
		t.Fatal(err)
	}
	e.compat(t, tok.AccessToken, http.StatusUnauthorized)
	if _, asked := e.authorize(b, r.cfg.AuthCodeURL("st-3", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))); !asked {
		t.Error("consent not asked after revocation")
	}
}

func (e *env) compat(t testing.TB, token string, status int) map[string]any {
	t.Helper()
	return e.compatAs(t, "Bearer "+token, status)
}

// compatAs calls the compatibility userinfo with an Authorization header.
func (e *env) compatAs(t testing.TB, authorization string, status int) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.url+"/api/v1/user/userinfo", nil)
	req.Header.Set("Authorization", authorization)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("compat userinfo: %d %s, want %d", resp.StatusCode, body, status)
	}
	var out map[string]any
	_ = json.Unmarshal(body, &out)
	return out
}

func TestRefreshRotationAndReuse(t *testing.T) {
	e := newEnv(t)
	r := e.rp("agency", e.secretFor(t), "offline_access", "phone")
	tok, _ := e.login(r, e.browser())
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token for offline_access")
	}
	first := tok.RefreshToken
	e.clock.Add(time.Minute)
	tok.Expiry = time.Now().Add(-time.Second) // make x/oauth2 refresh
	next, err := r.cfg.TokenSource(context.Background(), tok).Token()
	if err != nil {
		t.Fatal(err)
	}
	if next.RefreshToken == "" || next.RefreshToken == first {
		t.Fatal("refresh token not rotated")
	}
	e.compat(t, next.AccessToken, http.StatusOK)

	// Presenting the spent token again revokes the whole family.
	_, err = r.cfg.TokenSource(context.Background(), &oauth2.Token{RefreshToken: first}).Token()
	if !isOAuthError(err, "invalid_grant") {
		t.Fatalf("reuse: %v", err)
	}
	_, err = r.cfg.TokenSource(context.Background(), &oauth2.Token{RefreshToken: next.RefreshToken}).Token()
	if !isOAuthError(err, "invalid_grant") {
		t.Fatalf("newest refresh token still works after reuse: %v", err)
	}
	e.compat(t, next.AccessToken, http.StatusUnauthorized)
	if !slices.Contains(e.audit.kinds(), "oidc.refresh.reuse") {
		t.Errorf("reuse not audited: %v", e.audit.kinds())
	}
}

// refreshRaw presents a refresh token at the token endpoint as the
// default client, with extra form values, and returns the status and the
// answer.
func (e *env) refreshRaw(t testing.TB, secret, refresh string, extra url.Values) (int, map[string]any) {
	t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}
	for k, v := range extra {
		form[k] = v
	}
	req, _ := http.NewRequest(http.MethodPost, e.url+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("agency", secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestConcurrentRefreshIsReuse: of requests presenting one refresh token
// at the same moment, one rotates it; the others present a spent token,
// which is its reuse: the grant is revoked, the new tokens with it.
func TestConcurrentRefreshIsReuse(t *testing.T) {
	e := newEnv(t)
	secret := e.secretFor(t)
	r := e.rp("agency", secret, "offline_access", "phone")
	const rounds, at = 5, 8
	for round := 0; round < rounds; round++ {
		tok, _ := e.login(r, e.browser())
		events := len(e.audit.kinds())
		start := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		var won []map[string]any
		var refused []any
		for i := 0; i < at; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				status, body := e.refreshRaw(t, secret, tok.RefreshToken, nil)
				mu.Lock()
				defer mu.Unlock()
				if status == http.StatusOK {
					won = append(won, body)
				} else {
					refused = append(refused, body["error"])
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(won) != 1 {
			t.Fatalf("round %d: one refresh token rotated %d times at once (refused: %v)", round, len(won), refused)
		}
		for _, code := range refused {
			if code != "invalid_grant" {
				t.Errorf("round %d: a concurrent refresh refused with %v, want invalid_grant", round, code)
			}
		}
		// The others were reuse: the winner's tokens are revoked too.
		if status, body := e.refreshRaw(t, secret, won[0]["refresh_token"].(string), nil); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
			t.Errorf("round %d: the new refresh token after a concurrent reuse: %d %v", round, status, body)
		}
		e.compat(t, won[0]["access_token"].(string), http.StatusUnauthorized)
		if !slices.Contains(e.audit.kinds()[events:], "oidc.refresh.reuse") {
			t.Errorf("round %d: reuse not audited: %v", round, e.audit.kinds()[events:])
		}
	}
}

// TestRefreshWithUngrantedScopeKeepsTheToken: a refresh asking for a
// scope the grant does not hold is refused before the token is spent, so
// that the client may present it again; one asking for fewer scopes
// gets those; scopes the window does not know are ignored, as when
// authorizing.
func TestRefreshWithUngrantedScopeKeepsTheToken(t *testing.T) {
	e := newEnv(t)
	secret := e.secretFor(t)
	r := e.rp("agency", secret, "offline_access", "phone")
	tok, _ := e.login(r, e.browser())
	status, body := e.refreshRaw(t, secret, tok.RefreshToken, url.Values{"scope": {"openid address"}})
	if status != http.StatusBadRequest || body["error"] != "invalid_scope" {
		t.Fatalf("refresh with a scope not granted: %d %v, want invalid_scope", status, body)
	}
	status, body = e.refreshRaw(t, secret, tok.RefreshToken, nil)
	if status != http.StatusOK {
		t.Fatalf("the same refresh token after invalid_scope: %d %v", status, body)
	}
	if got := e.compat(t, body["access_token"].(string), http.StatusOK); got["mobile"] != "09121234567" {
		t.Errorf("compat userinfo after the refresh = %v", got)
	}
	status, body = e.refreshRaw(t, secret, body["refresh_token"].(string), url.Values{"scope": {"openid offline_access"}})
	if status != http.StatusOK || body["scope"] != "openid offline_access" {
		t.Fatalf("refresh asking for fewer scopes: %d %v", status, body)
	}
	if got := e.compat(t, body["access_token"].(string), http.StatusOK); got["mobile"] != nil {
		t.Errorf("compat userinfo releases a scope the refresh did not ask for: %v", got)
	}
	status, body = e.refreshRaw(t, secret, body["refresh_token"].(string), url.Values{"scope": {"openid offline_access agency:custom"}})
	if status != http.StatusOK || body["scope"] != "openid offline_access" {
		t.Fatalf("refresh with a scope the window does not know: %d %v, want it ignored", status, body)
	}
	if slices.Contains(e.audit.kinds(), "oidc.refresh.reuse") {
		t.Errorf("a refresh was taken for reuse: %v", e.audit.kinds())
	}
}

// TestRefreshFollowsTheClientsScopes: a scope the ministry withdraws
// from a client is no longer released by refreshing a grant made before
// (A5), and without offline_access the grant is not refreshed at all.
func TestRefreshFollowsTheClientsScopes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	secret := e.secretFor(t)
	r := e.rp("agency", secret, "offline_access", "profile", "phone")
	tok, _ := e.login(r, e.browser())
	withdraw := func(scope string) {
		t.Helper()
		c, err := e.p.Client(ctx, "agency")
		if err != nil {
			t.Fatal(err)
		}
		c.Scopes = slices.DeleteFunc(c.Scopes, func(s string) bool { return s == scope })
		e.client(c)
	}
	withdraw(oidc.ScopePhone)

	e.clock.Add(time.Minute)
	tok.Expiry = time.Now().Add(-time.Second)
	next, err := r.cfg.TokenSource(ctx, tok).Token()
	if err != nil {
		t.Fatal(err)
	}
	if got := next.Extra("scope"); got != "openid offline_access profile" {
		t.Errorf("refreshed scope = %v", got)
	}
	raw, _ := next.Extra("id_token").(string)
	id, err := r.verifier.Verify(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	_ = id.Claims(&claims)
	if claims["phone_number"] != nil || claims["phone_number_verified"] != nil || claims["given_name"] != "مریم" {
		t.Errorf("refreshed ID token = %v, want profile without phone", claims)
	}
	ui, err := r.provider.UserInfo(ctx, oauth2.StaticTokenSource(next))
	if err != nil {
		t.Fatal(err)
	}
	var uic map[string]any
	_ = ui.Claims(&uic)
	if uic["phone_number"] != nil || uic["family_name"] != "احمدی" {
		t.Errorf("userinfo = %v, want profile without phone", uic)
	}
	if got := e.compat(t, next.AccessToken, http.StatusOK); got["mobile"] != nil || got["firstName"] != "مریم" {
		t.Errorf("compat userinfo = %v, want profile without mobile", got)
	}

	withdraw(oidc.ScopeOffline)
	_, err = r.cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: next.RefreshToken}).Token()
	if !isOAuthError(err, "invalid_grant") {
		t.Fatalf("refresh after offline_access was withdrawn: %v, want invalid_grant", err)
	}
}

// TestOfflineAccessEndsAfterItsLifetime: offline access lasts
// RefreshTokenLifetime from the authorization, as the consent page
// promises, however often the client refreshes.
func TestOfflineAccessEndsAfterItsLifetime(t *testing.T) {
	e := newEnv(t)
	secret := e.secretFor(t)
	r := e.rp("agency", secret, "offline_access", "phone")
	start := e.clock.Now()
	tok, _ := e.login(r, e.browser())
	refresh := tok.RefreshToken
	for _, at := range []time.Duration{25 * 24 * time.Hour, 30*24*time.Hour - time.Minute} {
		e.clock.Add(start.Add(at).Sub(e.clock.Now()))
		status, body := e.refreshRaw(t, secret, refresh, nil)
		if status != http.StatusOK {
			t.Fatalf("refresh after %v: %d %v", at, status, body)
		}
		refresh = body["refresh_token"].(string)
	}
	var grantEnd, tokenEnd time.Time
	if err := e.db.Read.QueryRow(`SELECT expires_at FROM oidc_grants`).Scan(&grantEnd); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Read.QueryRow(`SELECT expires_at FROM oidc_refresh_tokens WHERE used_at IS NULL`).Scan(&tokenEnd); err != nil {
		t.Fatal(err)
	}
	if end := start.Add(30 * 24 * time.Hour); grantEnd.After(end) || tokenEnd.After(end) {
		t.Errorf("the grant expires at %v and its refresh token at %v, after the thirty days that end at %v", grantEnd, tokenEnd, end)
	}
	e.clock.Add(2 * time.Minute)
	if status, body := e.refreshRaw(t, secret, refresh, nil); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Fatalf("refresh thirty days after the authorization: %d %v, want invalid_grant", status, body)
	}
}

func isOAuthError(err error, code string) bool {
	re, ok := err.(*oauth2.RetrieveError)
	return ok && re.ErrorCode == code
}

// secretFor gives the default client a fresh secret.
func (e *env) secretFor(t testing.TB) string {
	t.Helper()
	c, err := e.p.Client(context.Background(), "agency")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := e.p.SaveClient(context.Background(), "overseer-1", c, true)
	if err != nil || secret == "" {
		t.Fatalf("secret %q, %v", secret, err)
	}
	return secret
}

func TestClientCredentials(t *testing.T) {
	e := newEnv(t)
	secret := e.secretFor(t)
	resp, err := http.PostForm(e.url+"/oauth2/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {"agency"}, "client_secret": {secret}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	if resp.StatusCode != http.StatusOK || tok.AccessToken == "" || tok.TokenType != "Bearer" {
		t.Fatalf("client_credentials: %d %+v", resp.StatusCode, tok)
	}
	// A client's own token is no person's token.
	e.compat(t, tok.AccessToken, http.StatusUnauthorized)
}

// A client whose service takes long asks the window to keep the person's
// session alive that long (A7).
func TestClientSessionLifetimeExtendsTheSession(t *testing.T) {
	e := newEnv(t)
	secret := e.client(&oidc.Client{ID: "court", NameFa: "دادگستری", NameEn: "Judiciary",
		RedirectURIs: []string{redirectRP}, Scopes: []string{"openid", "profile"}, MaxACR: "loa1",
		AuthMethod: oidc.AuthSecretBasic, IDTokenAlg: "ES256", RequirePKCE: true, SessionSeconds: 5400})
	r := e.rp("court", secret, "profile")
	_, id := e.login(r, e.browser())
	e.sessions.mu.Lock()
	defer e.sessions.mu.Unlock()
	if len(e.sessions.extended) != 1 {
		t.Fatalf("extended %v, want the login's session extended once", e.sessions.extended)
	}
	for sid, d := range e.sessions.extended {
		if d != 90*time.Minute {
			t.Errorf("session %s extended to %v, want 90m", sid, d)
		}
	}
	if id.Subject == "" {
		t.Error("no subject")
	}
}

// TestExchangeReleasesWhatTheApprovalKept: an approval by a session
// whose account's attributes are at hand keeps what it releases, and the
// code's exchange puts that in the ID token without reading the account,
// then clears it; a refresh, or an approval without them, reads the
// account.
func TestExchangeReleasesWhatTheApprovalKept(t *testing.T) {
	e := newEnv(t)
	r := e.rp("agency", e.secretFor(t), "offline_access", "profile", "phone")
	kept := func() int {
		t.Helper()
		var n int
		if err := e.db.Read.QueryRow(`SELECT COUNT(*) FROM oidc_grants WHERE claims IS NOT NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	given := func(id *gooidc.IDToken) any {
		t.Helper()
		var c map[string]any
		if err := id.Claims(&c); err != nil {
			t.Fatal(err)
		}
		return c["given_name"]
	}
	// The account as the login found it; the accounts' own answer (مریم)
	// differs, so the ID token tells where its claims came from.
	e.sessions.mu.Lock()
	e.sessions.next.Claims = &oidc.Claims{Kind: "natural", NationalID: "0084575948", Mobile: "09121234567", FirstName: "زهرا",
		LastName: "احمدی", Gender: "FEMALE"}
	e.sessions.mu.Unlock()
	tok, id := e.login(r, e.browser())
	if got := given(id); got != "زهرا" {
		t.Errorf("ID token given_name = %v, want the approval's زهرا", got)
	}
	if n := kept(); n != 0 {
		t.Errorf("%d grants still keep released claims after the exchange", n)
	}

	// A refresh releases the account as it is now.
	e.clock.Add(time.Minute)
	tok.Expiry = time.Now().Add(-time.Second)
	next, err := r.cfg.TokenSource(context.Background(), tok).Token()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := next.Extra("id_token").(string)
	refreshed, err := r.verifier.Verify(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if got := given(refreshed); got != "مریم" {
		t.Errorf("refreshed ID token given_name = %v, want the account's مریم", got)
	}

	// Without the attributes at hand, the exchange reads the account.
	e.sessions.mu.Lock()
	e.sessions.next.Claims = nil
	e.sessions.mu.Unlock()
	if _, id := e.login(r, e.browser()); given(id) != "مریم" {
		t.Errorf("ID token given_name = %v, want the account's مریم", given(id))
	}

	// A code never exchanged keeps the attributes only until its grant
	// is revoked: withdrawing the consent clears them at once.
	e.sessions.mu.Lock()
	e.sessions.next.Claims = &oidc.Claims{Kind: "natural", NationalID: "0084575948", FirstName: "زهرا"}
	e.sessions.mu.Unlock()
	back, _ := e.authorize(e.browser(), r.cfg.AuthCodeURL("st-2", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	if back.Query().Get("code") == "" {
		t.Fatalf("callback %s: no code", back)
	}
	if n := kept(); n != 1 {
		t.Fatalf("%d grants keep released claims before the exchange, want 1", n)
	}
	if err := e.p.RevokeConsent(context.Background(), persona, "agency"); err != nil {
		t.Fatal(err)
	}
	if n := kept(); n != 0 {
		t.Errorf("%d grants still keep released claims after the consent was withdrawn", n)
	}
	// Nor does the end of the session that approved it leave them, when
	// the grant ends with the session (it asks for no offline access).
	online := e.rp("agency", r.cfg.ClientSecret, "profile", "phone")
	e.authorize(e.browser(), online.cfg.AuthCodeURL("st-3", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	var sid string
	if err := e.db.Read.QueryRow(`SELECT session_id FROM oidc_grants WHERE claims IS NOT NULL`).Scan(&sid); err != nil {
		t.Fatalf("the approval kept no claims: %v", err)
	}
	e.p.SessionEnded(context.Background(), sid)
	if n := kept(); n != 0 {
		t.Errorf("%d grants still keep released claims after their session ended", n)
	}
}

// TestSubjectReplaced: when the person behind a subject changes (a legal
// person's new signatory), the consents given for it are withdrawn and
// every grant revoked, offline ones too: the refresh token and the access
// token stop working, and the next login asks for consent again.
func TestSubjectReplaced(t *testing.T) {
	e := newEnv(t)
	r := e.rp("agency", e.secretFor(t), "offline_access", "phone")
	b := e.browser()
	tok, _ := e.login(r, b)
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token for offline_access")
	}
	e.compat(t, tok.AccessToken, http.StatusOK)
	// A failing change undoes the withdrawal with it.
	boom := errors.New("the change failed")
	if err := e.db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		if err := e.p.SubjectReplaced(context.Background(), tx, persona); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	e.compat(t, tok.AccessToken, http.StatusOK)
	if err := e.db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		return e.p.SubjectReplaced(context.Background(), tx, persona)
	}); err != nil {
		t.Fatal(err)
	}
	e.compat(t, tok.AccessToken, http.StatusUnauthorized)
	tok.Expiry = time.Now().Add(-time.Second)
	if _, err := r.cfg.TokenSource(context.Background(), tok).Token(); !isOAuthError(err, "invalid_grant") {
		t.Errorf("refresh after the subject was replaced: %v, want invalid_grant", err)
	}
	if cs, err := e.p.Consents(context.Background(), persona); err != nil || len(cs) != 0 {
		t.Errorf("consents left: %+v, %v", cs, err)
	}
	if _, asked := e.authorize(b, r.cfg.AuthCodeURL("st-2", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))); !asked {
		t.Error("consent not asked after the subject was replaced")
	}
	if !slices.Contains(e.audit.kinds(), "oidc.subject.replaced") {
		t.Errorf("not audited: %v", e.audit.kinds())
	}
}

// TestSubjectNotEntitled: when the registries say a subject's account is
// no longer its holder's, every grant is revoked, offline ones too, but
// the consents stay with the account: the next login is not asked again.
func TestSubjectNotEntitled(t *testing.T) {
	e := newEnv(t)
	r := e.rp("agency", e.secretFor(t), "offline_access", "phone")
	b := e.browser()
	tok, _ := e.login(r, b)
	if err := e.db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		return e.p.SubjectNotEntitled(context.Background(), tx, persona)
	}); err != nil {
		t.Fatal(err)
	}
	e.compat(t, tok.AccessToken, http.StatusUnauthorized)
	tok.Expiry = time.Now().Add(-time.Second)
	if _, err := r.cfg.TokenSource(context.Background(), tok).Token(); !isOAuthError(err, "invalid_grant") {
		t.Errorf("refresh after the account was no longer its holder's: %v, want invalid_grant", err)
	}
	if _, asked := e.authorize(b, r.cfg.AuthCodeURL("st-2", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))); asked {
		t.Error("consent asked again; it stays with the account")
	}
	if !slices.Contains(e.audit.kinds(), "oidc.subject.not-entitled") {
		t.Errorf("not audited: %v", e.audit.kinds())
	}
}
