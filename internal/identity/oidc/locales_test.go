package oidc_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// TestUILocales: the first language of ui_locales the window speaks is
// the login's language, unless the request names one with lang; discovery
// says which languages there are.
func TestUILocales(t *testing.T) {
	e := newEnv(t)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range []struct {
		name, uiLocales, lang, want string
	}{
		{"English first", "en-US fa", "", "en"},
		{"an unknown language skipped", "de-DE fa-IR en", "", "fa"},
		{"none the window speaks", "de fr", "", ""},
		{"lang wins", "en", "fa", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := url.Values{"client_id": {"agency"}, "redirect_uri": {redirectRP}, "response_type": {"code"}, "scope": {"openid"},
				"state": {"s"}, "code_challenge": {oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())},
				"code_challenge_method": {"S256"}, "ui_locales": {tt.uiLocales}}
			if tt.lang != "" {
				q.Set("lang", tt.lang)
			}
			resp, err := c.Get(e.url + "/oauth2/authorize?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if tt.want == "" {
				// The request's own language: the authorization endpoint
				// goes on as the bridge would, to the login in Persian.
				if _, back := bridgeOf(resp); back == nil || loc.Query().Get("lang") != "" {
					t.Errorf("got %d to %s, want the login in Persian, coming back to the bridge", resp.StatusCode, loc)
				}
				return
			}
			if resp.StatusCode != http.StatusFound || !strings.HasSuffix(loc.Path, "/oauth2/login") || loc.Query().Get("lang") != tt.want {
				t.Errorf("got %d to %s, want the login bridge with lang=%q", resp.StatusCode, loc, tt.want)
			}
		})
	}

	resp, err := http.Get(e.url + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		UILocales []string `json:"ui_locales_supported"`
		Claims    []string `json:"claims_supported"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(doc.UILocales, []string{"fa", "en"}) {
		t.Errorf("ui_locales_supported %v, want [fa en]", doc.UILocales)
	}
	if sorted := slices.Sorted(slices.Values(doc.Claims)); len(slices.Compact(sorted)) != len(doc.Claims) || !slices.Contains(doc.Claims, "accountKind") {
		t.Errorf("claims_supported %v: want each claim once, accountKind among them", doc.Claims)
	}
}
