package oidc_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestTokenAnswersAreNotStored: answers carrying tokens or what a token
// stands for say Cache-Control: no-store and Pragma: no-cache (RFC 6749
// section 5.1, RFC 7662 section 2.2), successful or not.
func TestTokenAnswersAreNotStored(t *testing.T) {
	e := newEnv(t)
	secret := e.secretFor(t)
	w := e.token(url.Values{"grant_type": {"client_credentials"}, "scope": {"profile"}}, "agency", secret)
	if w.Code != http.StatusOK {
		t.Fatalf("token: %d %s", w.Code, w.Body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token answer %s: %v", w.Body, err)
	}
	check := func(what string, h http.Header) {
		t.Helper()
		if h.Get("Cache-Control") != "no-store" || h.Get("Pragma") != "no-cache" {
			t.Errorf("%s: Cache-Control %q, Pragma %q; want no-store and no-cache", what, h.Get("Cache-Control"), h.Get("Pragma"))
		}
	}
	check("token", w.Header())
	check("refused token request", e.token(url.Values{"grant_type": {"client_credentials"}}, "agency", "wrong").Header())
	check("introspection", e.post("/oauth2/introspect", url.Values{"token": {tok.AccessToken}}, "agency", secret).Header())
}

// TestUserinfoChallenges: a userinfo request without a usable access
// token gets 401 with the Bearer challenge of RFC 6750 section 3, and
// invalid_token when it had a token.
func TestUserinfoChallenges(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		name, auth, wantError, wantChallenge string
	}{
		{"no token", "", "invalid_request", `Bearer realm="userinfo"`},
		{"forged token", "Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln", "invalid_token", `Bearer realm="userinfo", error="invalid_token"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, e.url+"/oauth2/userinfo", nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			w := httptest.NewRecorder()
			e.h.ServeHTTP(w, req)
			var got struct {
				Error string `json:"error"`
			}
			json.Unmarshal(w.Body.Bytes(), &got)
			if w.Code != http.StatusUnauthorized || got.Error != tt.wantError || w.Header().Get("WWW-Authenticate") != tt.wantChallenge {
				t.Errorf("got %d %s with WWW-Authenticate %q; want 401 %s with %q", w.Code, w.Body, w.Header().Get("WWW-Authenticate"), tt.wantError, tt.wantChallenge)
			}
		})
	}
}
