package agency_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/panjereh/panjereh/internal/agency"
)

func TestNewChecksConfig(t *testing.T) {
	good := agency.Config{Issuer: "https://sso.example.ir", ClientID: "rahvar", ClientSecret: "s",
		RedirectURL: "https://rahvar.example.ir/sso/callback", PostLogoutURL: "https://rahvar.example.ir/sso/logged-out"}
	for name, tc := range map[string]struct {
		change func(*agency.Config)
		want   string
	}{
		"no issuer":       {func(c *agency.Config) { c.Issuer = "" }, "Issuer"},
		"no secret":       {func(c *agency.Config) { c.ClientSecret = "" }, "ClientSecret"},
		"relative":        {func(c *agency.Config) { c.RedirectURL = "/sso/callback" }, "RedirectURL"},
		"query":           {func(c *agency.Config) { c.RedirectURL += "?x=1" }, "RedirectURL"},
		"no logout URL":   {func(c *agency.Config) { c.PostLogoutURL = "" }, "PostLogoutURL"},
		"several at once": {func(c *agency.Config) { c.Issuer, c.ClientID = "", "" }, "Issuer: an http(s) URL; ClientID"},
	} {
		t.Run(name, func(t *testing.T) {
			c := good
			tc.change(&c)
			if _, err := agency.New(c); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New: %v, want an error about %s", err, tc.want)
			}
		})
	}
	a, err := agency.New(good)
	if err != nil {
		t.Fatal(err)
	}
	got := a.Registration()
	want := agency.Registration{ClientID: "rahvar", RedirectURIs: []string{good.RedirectURL},
		PostLogoutURIs: []string{good.PostLogoutURL}, BackchannelURI: "https://rahvar.example.ir/sso/backchannel-logout",
		Scopes: []string{"openid", "profile", "national_code", "birthdate", "phone"}, AuthMethod: "client_secret_basic", RequirePKCE: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Registration (-want +got):\n%s", diff)
	}
}

// TestStartsBeforeTheProvider: the agency fetches the provider's
// discovery document on first use and tries again after a failure.
func TestStartsBeforeTheProvider(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.ssoDown.Store(true)
	b := e.browser()
	p := e.get(b, e.url+agency.PathLogin)
	if p.status != http.StatusServiceUnavailable || !strings.Contains(p.body, "دولت من در دسترس نیست") {
		t.Fatalf("login while the provider is down: %d %.300s", p.status, p.body)
	}
	// No page carries a logout form yet: the CSRF token is the cookie's.
	e.get(b, e.url+"/")
	u, _ := url.Parse(e.url)
	token := ""
	for _, c := range b.Jar.Cookies(u) {
		if c.Name == "csrf" {
			token = c.Value
		}
	}
	p = e.post(b, e.url+agency.PathLogout, url.Values{"csrf_token": {token}})
	if p.status != http.StatusOK || !strings.Contains(p.body, "دولت من اکنون در دسترس نیست") {
		t.Errorf("logout while the provider is down: %d %.300s", p.status, p.body)
	}
	e.ssoDown.Store(false)
	if me := e.login(b); me.status != http.StatusOK || me.url != e.url+agency.PathMe {
		t.Fatalf("login once the provider is up: %d at %s", me.status, me.url)
	}
}
