package oidc_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"github.com/panjereh/panjereh/internal/identity/oidc"
)

// TestAuthorizeRefusals: requests the authorization endpoint must refuse,
// on a page when the client or redirect URI cannot be trusted, at the
// redirect URI otherwise.
func TestAuthorizeRefusals(t *testing.T) {
	e := newEnv(t)
	e.client(&oidc.Client{ID: "public-app", NameFa: "برنامه", NameEn: "App", RedirectURIs: []string{redirectRP},
		Scopes: []string{"openid"}, MaxACR: "loa1", AuthMethod: oidc.AuthNone, IDTokenAlg: "ES256"})
	challenge := oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())
	base := url.Values{"client_id": {"agency"}, "redirect_uri": {redirectRP}, "response_type": {"code"},
		"scope": {"openid profile"}, "state": {"s"}}
	tests := []struct {
		name       string
		set        url.Values
		wantStatus int    // for refusals shown as a page
		wantError  string // for refusals sent to the redirect URI
	}{
		{name: "unknown client", set: url.Values{"client_id": {"nobody"}}, wantStatus: 400},
		{name: "wrong redirect URI", set: url.Values{"redirect_uri": {"http://127.0.0.1:9/evil"}}, wantStatus: 400},
		{name: "loa3 not yet available", set: url.Values{"acr_values": {"loa3"}}, wantError: "unmet_authentication_requirements"},
		{name: "above the client's maximum", set: url.Values{"client_id": {"public-app"}, "acr_values": {"loa2"}, "scope": {"openid"},
			"code_challenge": {challenge}, "code_challenge_method": {"S256"}}, wantError: "unmet_authentication_requirements"},
		{name: "scope not allowed", set: url.Values{"scope": {"openid legal"}}, wantError: "invalid_scope"},
		{name: "no openid", set: url.Values{"scope": {"profile"}}, wantError: "invalid_scope"},
		{name: "public client without PKCE", set: url.Values{"client_id": {"public-app"}, "scope": {"openid"}}, wantError: "invalid_request"},
		{name: "plain PKCE", set: url.Values{"code_challenge": {challenge}, "code_challenge_method": {"plain"}}, wantError: "invalid_request"},
		{name: "implicit flow", set: url.Values{"response_type": {"id_token"}}, wantError: "unsupported_response_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := url.Values{}
			for k, v := range base {
				q[k] = v
			}
			for k, v := range tt.set {
				q[k] = v
			}
			resp, err := e.browser().Get(e.url + "/oauth2/authorize?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if tt.wantStatus != 0 {
				if resp.StatusCode != tt.wantStatus || !strings.Contains(string(body), "<html") {
					t.Fatalf("got %d, want the %d page", resp.StatusCode, tt.wantStatus)
				}
				return
			}
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), redirectRP) ||
				loc.Query().Get("error") != tt.wantError || loc.Query().Get("state") != "s" {
				t.Fatalf("got %d to %s, want error=%s at the redirect URI", resp.StatusCode, loc, tt.wantError)
			}
		})
	}
}

// TestTokenRefusals: codes are single-use, short-lived, bound to their
// client, redirect URI and PKCE verifier.
func TestTokenRefusals(t *testing.T) {
	e := newEnv(t)
	r := e.rp("agency", e.secretFor(t), "phone")
	b := e.browser()
	code := func(verifier string) string {
		back, _ := e.authorize(b, r.cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)))
		return back.Query().Get("code")
	}
	ctx := context.Background()

	t.Run("wrong verifier", func(t *testing.T) {
		_, err := r.cfg.Exchange(ctx, code(oauth2.GenerateVerifier()), oauth2.VerifierOption(oauth2.GenerateVerifier()))
		if !isOAuthError(err, "invalid_grant") {
			t.Fatal(err)
		}
	})
	t.Run("a failed exchange spends the code", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		c := code(v)
		if _, err := r.cfg.Exchange(ctx, c, oauth2.VerifierOption(oauth2.GenerateVerifier())); !isOAuthError(err, "invalid_grant") {
			t.Fatal(err)
		}
		if _, err := r.cfg.Exchange(ctx, c, oauth2.VerifierOption(v)); !isOAuthError(err, "invalid_grant") {
			t.Fatalf("the right verifier after a wrong one: %v, want invalid_grant", err)
		}
	})
	t.Run("missing verifier", func(t *testing.T) {
		_, err := r.cfg.Exchange(ctx, code(oauth2.GenerateVerifier()))
		if !isOAuthError(err, "invalid_grant") {
			t.Fatal(err)
		}
	})
	t.Run("wrong redirect URI", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		other := r.cfg
		other.RedirectURL = "http://127.0.0.1:9/other"
		_, err := other.Exchange(ctx, code(v), oauth2.VerifierOption(v))
		if !isOAuthError(err, "invalid_grant") {
			t.Fatal(err)
		}
	})
	t.Run("expired code", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		c := code(v)
		e.clock.Add(61 * time.Second)
		_, err := r.cfg.Exchange(ctx, c, oauth2.VerifierOption(v))
		if !isOAuthError(err, "invalid_grant") {
			t.Fatal(err)
		}
	})
	t.Run("replayed code revokes its tokens", func(t *testing.T) {
		v := oauth2.GenerateVerifier()
		c := code(v)
		tok, err := r.cfg.Exchange(ctx, c, oauth2.VerifierOption(v))
		if err != nil {
			t.Fatal(err)
		}
		e.compat(t, tok.AccessToken, http.StatusOK)
		if _, err := r.cfg.Exchange(ctx, c, oauth2.VerifierOption(v)); !isOAuthError(err, "invalid_grant") {
			t.Fatal(err)
		}
		e.compat(t, tok.AccessToken, http.StatusUnauthorized)
	})
	t.Run("unknown client", func(t *testing.T) {
		other := r.cfg
		other.ClientID = "nobody"
		v := oauth2.GenerateVerifier()
		if _, err := other.Exchange(ctx, code(v), oauth2.VerifierOption(v)); !isOAuthError(err, "invalid_client") {
			t.Fatal(err)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		other := r.cfg
		other.ClientSecret = "guess"
		v := oauth2.GenerateVerifier()
		if _, err := other.Exchange(ctx, code(v), oauth2.VerifierOption(v)); !isOAuthError(err, "invalid_client") {
			t.Fatal(err)
		}
	})
}

// TestClientAuthentication: a client with a secret sends it in the
// Authorization header or in the form (TestClientCredentials); a refused
// client gets 401 with the Basic challenge (RFC 6749 section 5.2), at
// introspection too, which a public client may not use.
func TestClientAuthentication(t *testing.T) {
	e := newEnv(t)
	secret := e.secretFor(t)
	e.client(&oidc.Client{ID: "public-app", NameFa: "برنامه", NameEn: "App", RedirectURIs: []string{redirectRP},
		Scopes: []string{"openid"}, MaxACR: "loa1", AuthMethod: oidc.AuthNone, IDTokenAlg: "ES256"})
	send := func(path string, form url.Values, user, pass string) (*httptest.ResponseRecorder, map[string]any) {
		t.Helper()
		req := httptest.NewRequest(http.MethodPost, e.url+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, req)
		out := map[string]any{}
		_ = json.Unmarshal(w.Body.Bytes(), &out)
		return w, out
	}
	cc := url.Values{"grant_type": {"client_credentials"}}
	w, tok := send("/oauth2/token", cc, "agency", secret)
	if w.Code != http.StatusOK || tok["access_token"] == nil || w.Header().Get("WWW-Authenticate") != "" {
		t.Fatalf("client_secret_basic: %d %s", w.Code, w.Body)
	}
	// A scope parameter sent empty is as if not sent (RFC 6749 3.1).
	if w, body := send("/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "scope": {""}}, "agency", secret); w.Code != http.StatusOK || body["scope"] != nil {
		t.Errorf("empty scope: %d %s, want a token without scopes", w.Code, w.Body)
	}
	inForm := url.Values{"grant_type": {"client_credentials"}, "client_id": {"agency"}, "client_secret": {"guess"}}
	introspect := url.Values{"token": {tok["access_token"].(string)}, "client_id": {"public-app"}}
	for _, tt := range []struct {
		name, path string
		form       url.Values
		user, pass string
	}{
		{"wrong secret", "/oauth2/token", cc, "agency", "guess"},
		{"unknown client", "/oauth2/token", cc, "nobody", secret},
		{"wrong secret in the form", "/oauth2/token", inForm, "", ""},
		{"revocation with a wrong secret", "/oauth2/revoke", url.Values{"token": {"x"}}, "agency", "guess"},
		{"introspection by a public client", "/oauth2/introspect", introspect, "", ""},
		{"introspection by a public client with Basic", "/oauth2/introspect", url.Values{"token": {"x"}}, "public-app", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w, body := send(tt.path, tt.form, tt.user, tt.pass)
			if w.Code != http.StatusUnauthorized || body["error"] != "invalid_client" ||
				w.Header().Get("WWW-Authenticate") != `Basic realm="oauth2", charset="UTF-8"` {
				t.Errorf("%d %q %s, want 401 invalid_client with the Basic challenge", w.Code, w.Header().Get("WWW-Authenticate"), w.Body)
			}
		})
	}
}

// TestPrivateKeyJWT authenticates a client by a signed assertion and
// refuses a replayed assertion, one without a jti, a wrong key, a wrong
// audience, an expired assertion and one that expires too far ahead.
func TestPrivateKeyJWT(t *testing.T) {
	e := newEnv(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jwks, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key.Public(), KeyID: "k1", Algorithm: "ES256", Use: "sig"}}})
	e.client(&oidc.Client{ID: "registry-office", NameFa: "ثبت", NameEn: "Registry office", RedirectURIs: []string{redirectRP},
		Scopes: []string{"openid", "national_code"}, MaxACR: "loa1", AuthMethod: oidc.AuthPrivateKeyJWT, JWKS: string(jwks),
		IDTokenAlg: "RS256", ClientCredentials: true})
	jtis := 0
	assertion := func(k *ecdsa.PrivateKey, aud string, exp time.Time, jti string) string {
		if jti == "fresh" {
			jtis++
			jti = fmt.Sprintf("jti-%d", jtis)
		}
		s, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: k, KeyID: "k1"}}, nil)
		now := e.clock.Now()
		tok, _ := jwt.Signed(s).Claims(jwt.Claims{Issuer: "registry-office", Subject: "registry-office", Audience: jwt.Audience{aud},
			IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(exp), ID: jti}).Serialize()
		return tok
	}
	now := e.clock.Now()
	valid := assertion(key, e.url, now.Add(time.Minute), "fresh")
	tests := []struct {
		name      string
		assertion string
		want      int
	}{
		{"valid", valid, http.StatusOK},
		{"replayed", valid, http.StatusUnauthorized},
		{"token endpoint as audience", assertion(key, e.url+"/oauth2/token", now.Add(time.Minute), "fresh"), http.StatusOK},
		{"wrong key", assertion(other, e.url, now.Add(time.Minute), "fresh"), http.StatusUnauthorized},
		{"wrong audience", assertion(key, "https://elsewhere.example", now.Add(time.Minute), "fresh"), http.StatusUnauthorized},
		{"expired", assertion(key, e.url, now.Add(-time.Minute), "fresh"), http.StatusUnauthorized},
		{"no jti", assertion(key, e.url, now.Add(time.Minute), ""), http.StatusUnauthorized},
		{"expires ten minutes ahead", assertion(key, e.url, now.Add(10*time.Minute), "fresh"), http.StatusOK},
		{"expires more than ten minutes ahead", assertion(key, e.url, now.Add(11*time.Minute), "fresh"), http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.PostForm(e.url+"/oauth2/token", url.Values{"grant_type": {"client_credentials"},
				"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {tt.assertion}})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("got %d %s, want %d", resp.StatusCode, body, tt.want)
			}
			if tt.want != http.StatusOK && !strings.Contains(string(body), "invalid_client") {
				t.Errorf("body %s, want invalid_client", body)
			}
		})
	}
}

// TestAuthorizeDisabledClient: a person sent to log in by a disabled
// agency is told that logging in through it is suspended, not that it is
// unknown; its back end still gets invalid_client at the token endpoint,
// as an unknown client does.
func TestAuthorizeDisabledClient(t *testing.T) {
	e := newEnv(t)
	c := &oidc.Client{ID: "suspended", NameFa: "دستگاه معلق", NameEn: "Suspended agency", RedirectURIs: []string{redirectRP},
		Scopes: []string{"openid"}, MaxACR: "loa1", AuthMethod: oidc.AuthSecretBasic, IDTokenAlg: "ES256", ClientCredentials: true}
	secret := e.client(c)
	if got := e.clientCredentials(t, "suspended", secret, ""); got != http.StatusOK {
		t.Fatalf("token for the client while enabled: %d", got)
	}
	c.Disabled = true
	e.client(c)

	page := func(clientID, lang string) (int, string) {
		t.Helper()
		q := url.Values{"client_id": {clientID}, "redirect_uri": {redirectRP}, "response_type": {"code"}, "scope": {"openid"},
			"state": {"s"}, "lang": {lang}}
		resp, err := e.browser().Get(e.url + "/oauth2/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	for _, tt := range []struct {
		name, clientID, lang string
		wantStatus           int
		want, not            string
	}{
		{"disabled", "suspended", "fa", http.StatusForbidden, "ورود از طریق این دستگاه فعلاً متوقف شده است", "ثبت نشده است"},
		{"disabled in English", "suspended", "en", http.StatusForbidden, "Logging in through this agency is suspended for now", "not registered"},
		{"unknown", "nobody", "fa", http.StatusBadRequest, "دستگاه درخواست‌کننده شناخته نیست", "متوقف شده"},
		{"unknown in English", "nobody", "en", http.StatusBadRequest, "Unknown agency", "suspended"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := page(tt.clientID, tt.lang)
			if status != tt.wantStatus || !strings.Contains(body, tt.want) || strings.Contains(body, tt.not) {
				t.Errorf("%d, want %d with %q and without %q: %.600s", status, tt.wantStatus, tt.want, tt.not, body)
			}
		})
	}

	req, _ := http.NewRequest(http.MethodPost, e.url+"/oauth2/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("suspended", secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), `"invalid_client"`) {
		t.Errorf("token for the disabled client: %d %s, want 401 invalid_client", resp.StatusCode, body)
	}
}
