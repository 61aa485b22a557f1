package oidc_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/panjereh/panjereh/internal/identity/oidc"
)

// consoleBrowser is a browser logged in at the window with roles (or
// not logged in, when loggedIn is false) that does not follow redirects,
// so that a test sees where the console sends it.
func (e *env) consoleBrowser(loggedIn bool, roles ...string) *http.Client {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if loggedIn {
		e.sessions.mu.Lock()
		saved := e.sessions.next
		e.sessions.next.Roles = roles
		e.sessions.mu.Unlock()
		resp, err := b.Get(e.url + "/test/login?return=/")
		if err != nil {
			e.t.Fatal(err)
		}
		resp.Body.Close()
		e.sessions.mu.Lock()
		e.sessions.next = saved
		e.sessions.mu.Unlock()
	}
	// Any page sets the CSRF cookie the forms repeat.
	resp, err := b.Get(e.url + "/oauth2/logout")
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return b
}

// csrfToken returns the browser's CSRF token: the double-submit cookie's
// value, which the console's forms repeat.
func (e *env) csrfToken(b *http.Client) string {
	u, _ := url.Parse(e.url)
	for _, c := range b.Jar.Cookies(u) {
		if c.Name == "csrf" {
			return c.Value
		}
	}
	e.t.Fatal("no CSRF cookie")
	return ""
}

// secretHash reads a client's stored secret hash.
func (e *env) secretHash(id string) string {
	e.t.Helper()
	var h string
	if err := e.db.Read.QueryRow(`SELECT secret_hash FROM oidc_clients WHERE id = $1`, id).Scan(&h); err != nil {
		e.t.Fatal(err)
	}
	return h
}

// clientValues is the console form for a valid secret_basic client,
// changed by set.
func clientValues(set url.Values) url.Values {
	v := url.Values{
		"id": {"tax-office"}, "name_fa": {"سازمان امور مالیاتی"}, "name_en": {"Tax administration"},
		"redirect_uris": {"https://tax.example.ir/cb\nhttp://127.0.0.1:8080/cb"}, "post_logout_uris": {"https://tax.example.ir/bye"},
		"scope": {"profile", "national_code"}, "max_acr": {"loa1"}, "auth_method": {oidc.AuthSecretBasic},
		"id_token_alg": {"ES256"}, "session_minutes": {"30"}, "client_credentials": {"on"},
	}
	for k, vs := range set {
		if len(vs) == 0 {
			delete(v, k)
			continue
		}
		v[k] = vs
	}
	return v
}

var secretRE = regexp.MustCompile(`<code id="client-secret">([^<]+)</code>`)

// TestConsole drives the overseers' client console as a browser would:
// who may use it, registering an agency with a secret, editing it,
// switching it to private_key_jwt, refusing invalid settings without
// saving anything, CSRF, and the audit trail.
func TestConsole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	anonymous := e.consoleBrowser(false)
	citizen := e.consoleBrowser(true)
	overseer := e.consoleBrowser(true, oidc.RoleOverseer)

	key, jwks := newClientKey(t, "tax-k1")
	privateJWKS, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key, KeyID: "tax-k1", Algorithm: "ES256", Use: "sig"}}})
	var secret string // shown when tax-office is created

	type scenario struct {
		name   string
		b      *http.Client
		method string
		path   string
		form   url.Values // posted with the browser's CSRF token unless noCSRF
		noCSRF bool

		wantStatus   int
		wantLocation string   // prefix
		wantText     []string // in the body
		notText      []string
		wantAudit    string // the kind of the one audit event the request adds; "" for none
		unchanged    bool   // the request must not change tax-office
		check        func(t *testing.T, body string)
	}
	scenarios := []scenario{
		{name: "not logged in: sent to log in", b: anonymous, method: "GET", path: "/oauth2/console",
			wantStatus: http.StatusFound, wantLocation: "/test/login?"},
		{name: "not an overseer: list refused", b: citizen, method: "GET", path: "/oauth2/console",
			wantStatus: http.StatusForbidden, wantText: []string{"دسترسی ندارید", "فقط برای ناظران"}, notText: []string{"agency"}, wantAudit: "oidc.console.refused"},
		{name: "not an overseer: refused in English", b: citizen, method: "GET", path: "/oauth2/console/new?lang=en",
			wantStatus: http.StatusForbidden, wantText: []string{"No access", "overseers only"}, wantAudit: "oidc.console.refused"},
		{name: "not an overseer: client page refused", b: citizen, method: "GET", path: "/oauth2/console/clients/agency",
			wantStatus: http.StatusForbidden, notText: []string{"Sample agency"}, wantAudit: "oidc.console.refused"},
		{name: "not an overseer: save refused", b: citizen, method: "POST", path: "/oauth2/console/save", form: clientValues(url.Values{"new": {"1"}}),
			wantStatus: http.StatusForbidden, wantAudit: "oidc.console.refused",
			check: func(t *testing.T, _ string) {
				if _, err := e.p.Client(ctx, "tax-office"); err == nil {
					t.Error("a citizen registered a client")
				}
			}},
		{name: "overseer lists the agencies", b: overseer, method: "GET", path: "/oauth2/console",
			wantStatus: http.StatusOK, wantText: []string{"agency", "سازمان نمونه", `href="/oauth2/console/new"`}},
		{name: "the English list names its agencies in English", b: overseer, method: "GET", path: "/oauth2/console?lang=en",
			wantStatus: http.StatusOK, wantText: []string{`<th scope="col">English name</th>`, "<td>Sample agency</td>"},
			notText: []string{"Persian name", "سازمان نمونه"}},
		{name: "the Persian list names its agencies in Persian", b: overseer, method: "GET", path: "/oauth2/console?lang=fa",
			wantStatus: http.StatusOK, wantText: []string{`<th scope="col">نام فارسی</th>`, "<td>سازمان نمونه</td>"},
			notText: []string{"نام انگلیسی", "Sample agency"}},
		{name: "new client form", b: overseer, method: "GET", path: "/oauth2/console/new",
			wantStatus: http.StatusOK, wantText: []string{`name="new" value="1"`, `name="csrf_token"`}},
		{name: "save without CSRF token refused", b: overseer, method: "POST", path: "/oauth2/console/save",
			form: clientValues(url.Values{"new": {"1"}}), noCSRF: true, wantStatus: http.StatusForbidden,
			check: func(t *testing.T, _ string) {
				if _, err := e.p.Client(ctx, "tax-office"); err == nil {
					t.Error("saved without a CSRF token")
				}
			}},
		{name: "create with client_secret_basic: the secret is shown once and stored hashed", b: overseer, method: "POST",
			path: "/oauth2/console/save", form: clientValues(url.Values{"new": {"1"}}),
			wantStatus: http.StatusOK, wantText: []string{"ذخیره شد", `id="client-secret"`}, wantAudit: "oidc.client.create",
			check: func(t *testing.T, body string) {
				m := secretRE.FindStringSubmatch(body)
				if m == nil {
					t.Fatal("no secret on the page")
				}
				secret = m[1]
				h := sha256.Sum256([]byte(secret))
				if got := e.secretHash("tax-office"); got != hex.EncodeToString(h[:]) || strings.Contains(got, secret) {
					t.Errorf("stored secret %q is not the hash of the secret shown", got)
				}
				c, err := e.p.Client(ctx, "tax-office")
				if err != nil {
					t.Fatal(err)
				}
				if want := []string{"https://tax.example.ir/cb", "http://127.0.0.1:8080/cb"}; !slices.Equal(c.RedirectURIs, want) {
					t.Errorf("redirect URIs = %v, want %v", c.RedirectURIs, want)
				}
				if want := []string{"openid", "profile", "national_code"}; !slices.Equal(c.Scopes, want) {
					t.Errorf("scopes = %v, want %v", c.Scopes, want)
				}
				if c.SessionSeconds != 1800 || c.NameFa != "سازمان امور مالیاتی" {
					t.Errorf("client = %+v", c)
				}
				if got := e.clientCredentials(t, "tax-office", secret, ""); got != http.StatusOK {
					t.Errorf("token with the secret shown: %d", got)
				}
			}},
		{name: "the secret is not shown again", b: overseer, method: "GET", path: "/oauth2/console/clients/tax-office",
			wantStatus: http.StatusOK, wantText: []string{"tax-office", "https://tax.example.ir/cb"},
			check: func(t *testing.T, body string) {
				if secret == "" || strings.Contains(body, secret) || strings.Contains(body, `id="client-secret"`) {
					t.Error("the edit page shows the secret")
				}
			}},
		{name: "an existing ID is not registered again", b: overseer, method: "POST", path: "/oauth2/console/save",
			form:       clientValues(url.Values{"new": {"1"}, "name_en": {"Impostor"}}),
			wantStatus: http.StatusUnprocessableEntity, wantText: []string{"پیش‌تر ثبت شده است", `aria-invalid="true"`}, unchanged: true},
		{name: "edit redirect URIs, scopes and maximum level", b: overseer, method: "POST", path: "/oauth2/console/save",
			form: clientValues(url.Values{"redirect_uris": {"https://tax.example.ir/callback"}, "scope": {"phone", "birthdate", "phone"},
				"max_acr": {"loa2"}}),
			wantStatus: http.StatusOK, wantText: []string{"ذخیره شد"}, notText: []string{`id="client-secret"`}, wantAudit: "oidc.client.update",
			check: func(t *testing.T, _ string) {
				c, err := e.p.Client(ctx, "tax-office")
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(c.RedirectURIs, []string{"https://tax.example.ir/callback"}) ||
					!slices.Equal(c.Scopes, []string{"openid", "phone", "birthdate"}) || c.MaxACR != "loa2" {
					t.Errorf("after edit: redirects %v, scopes %v, max %s", c.RedirectURIs, c.Scopes, c.MaxACR)
				}
				if got := e.clientCredentials(t, "tax-office", secret, ""); got != http.StatusOK {
					t.Errorf("the secret stopped working after an edit: %d", got)
				}
			}},
		{name: "minutes in Persian digits, a name in Arabic letters", b: overseer, method: "POST", path: "/oauth2/console/save?lang=fa",
			form:       clientValues(url.Values{"session_minutes": {" ۶۰ "}, "name_fa": {"سازمان امور  مالياتي كشور"}}),
			wantStatus: http.StatusOK, wantText: []string{"ذخیره شد", `value="۶۰"`, `value="سازمان امور مالیاتی کشور"`},
			wantAudit: "oidc.client.update",
			check: func(t *testing.T, _ string) {
				c, err := e.p.Client(ctx, "tax-office")
				if err != nil {
					t.Fatal(err)
				}
				if c.SessionSeconds != 3600 || c.NameFa != "سازمان امور مالیاتی کشور" {
					t.Errorf("session %ds, Persian name %q; want 3600s and the name in Persian letters", c.SessionSeconds, c.NameFa)
				}
			}},
		{name: "minutes in Arabic-Indic digits, shown in ASCII in English", b: overseer, method: "POST", path: "/oauth2/console/save?lang=en",
			form:       clientValues(url.Values{"session_minutes": {"٩٠"}}),
			wantStatus: http.StatusOK, wantText: []string{"Saved.", `value="90"`}, wantAudit: "oidc.client.update",
			check: func(t *testing.T, _ string) {
				if c, err := e.p.Client(ctx, "tax-office"); err != nil || c.SessionSeconds != 5400 {
					t.Errorf("session lifetime %+v (%v), want 5400s", c, err)
				}
			}},
		{name: "seven days is the longest session", b: overseer, method: "POST", path: "/oauth2/console/save?lang=fa",
			form:       clientValues(url.Values{"session_minutes": {"10080"}}),
			wantStatus: http.StatusOK, wantText: []string{"ذخیره شد", `value="۱۰۰۸۰"`}, wantAudit: "oidc.client.update",
			check: func(t *testing.T, _ string) {
				if c, err := e.p.Client(ctx, "tax-office"); err != nil || c.SessionSeconds != 7*24*3600 {
					t.Errorf("session lifetime %+v (%v), want seven days", c, err)
				}
			}},
		{name: "a name of 200 characters", b: overseer, method: "POST", path: "/oauth2/console/save",
			form:       clientValues(url.Values{"name_en": {strings.Repeat("n", 200)}, "session_minutes": {"30"}}),
			wantStatus: http.StatusOK, wantText: []string{"ذخیره شد"}, wantAudit: "oidc.client.update"},
		{name: "switch to private_key_jwt with a JWKS", b: overseer, method: "POST", path: "/oauth2/console/save",
			form:       clientValues(url.Values{"auth_method": {oidc.AuthPrivateKeyJWT}, "jwks": {jwks}}),
			wantStatus: http.StatusOK, wantText: []string{"ذخیره شد"}, notText: []string{`id="client-secret"`}, wantAudit: "oidc.client.update",
			check: func(t *testing.T, _ string) {
				if h := e.secretHash("tax-office"); h != "" {
					t.Errorf("the old secret's hash is kept: %q", h)
				}
				if got := e.clientCredentials(t, "tax-office", secret, ""); got != http.StatusUnauthorized {
					t.Errorf("the old secret still works: %d", got)
				}
				if got := e.clientCredentials(t, "tax-office", "", e.assertion(key, "tax-k1", "tax-office", "console-1")); got != http.StatusOK {
					t.Errorf("token with a client assertion: %d", got)
				}
			}},
	}
	// Invalid settings: the page names each problem at its field in both
	// languages, and nothing is saved or audited.
	for _, inv := range []struct {
		name           string
		set            url.Values
		field          string
		wantFa, wantEn string
	}{
		{"redirect URI over plain http", url.Values{"redirect_uris": {"http://tax.example.ir/cb"}}, "redirect_uris",
			"باید https باشد", "must use https (http only on loopback)"},
		{"redirect URI with a fragment", url.Values{"redirect_uris": {"https://tax.example.ir/cb#x"}}, "redirect_uris",
			"بخش #، نام کاربری", "have no fragment"},
		{"redirect URI with a wildcard", url.Values{"redirect_uris": {"https://*.example.ir/cb"}}, "redirect_uris",
			"یا * نداشته باشد", "user name and password, or *"},
		{"post-logout URI with credentials", url.Values{"post_logout_uris": {"https://user:pw@tax.example.ir/bye"}}, "post_logout_uris",
			"نام کاربری و گذرواژه", "user name and password"},
		{"no redirect URI", url.Values{"redirect_uris": {" \n "}, "client_credentials": {}}, "redirect_uris",
			"دست‌کم یک نشانی بازگشت", "At least one redirect URI"},
		{"malformed JWKS", url.Values{"auth_method": {oidc.AuthPrivateKeyJWT}, "jwks": {`{"keys": [}`}}, "jwks",
			"کلیدهای عمومی پذیرفته نشد", "not a JSON Web Key Set"},
		{"private key in the JWKS", url.Values{"auth_method": {oidc.AuthPrivateKeyJWT}, "jwks": {string(privateJWKS)}}, "jwks",
			"کلید خصوصی نداشته باشد", "valid public key"},
		{"unknown scope", url.Values{"scope": {"profile", "bank_balance"}}, "scope",
			"«bank_balance» شناخته نیست", "Scope bank_balance is unknown"},
		{"empty Persian name", url.Values{"name_fa": {"  "}}, "name_fa", "نام فارسی دستگاه لازم است", "Persian name is required"},
		{"empty English name", url.Values{"name_en": {""}}, "name_en", "نام انگلیسی دستگاه لازم است", "English name is required"},
		{"unknown assurance level", url.Values{"max_acr": {"loa9"}}, "max_acr", "loa1، loa2 یا loa3", "loa1, loa2 or loa3"},
		{"session minutes not a number", url.Values{"session_minutes": {"ten"}}, "session_minutes", "عدد دقیقه", "whole number of minutes"},
		{"session minutes past seven days", url.Values{"session_minutes": {"10081"}}, "session_minutes",
			"بین ۰ و ۷ روز", "between 0 and 7 days"},
		{"session minutes negative", url.Values{"session_minutes": {"-1"}}, "session_minutes", "بین ۰ و ۷ روز", "between 0 and 7 days"},
		// minutes*60 would wrap around to 44 seconds.
		{"session minutes overflowing seconds", url.Values{"session_minutes": {"307445734561825861"}}, "session_minutes",
			"بین ۰ و ۷ روز", "between 0 and 7 days"},
		{"session minutes overflowing an integer", url.Values{"session_minutes": {"۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹۹"}}, "session_minutes",
			"بین ۰ و ۷ روز", "between 0 and 7 days"},
		{"Persian name too long", url.Values{"name_fa": {strings.Repeat("ن", 201)}}, "name_fa",
			"حداکثر ۲۰۰ نویسه", "Persian name must be at most 200 characters"},
		{"English name too long", url.Values{"name_en": {strings.Repeat("n", 20000)}}, "name_en",
			"حداکثر ۲۰۰ نویسه", "English name must be at most 200 characters"},
		{"NUL in the Persian name", url.Values{"name_fa": {"سازمان\x00مالیات"}}, "name_fa",
			"نام فارسی دستگاه نباید نویسهٔ کنترلی", "Persian name must not contain control characters"},
		{"NUL in the English name", url.Values{"name_en": {"Tax\x00office"}}, "name_en",
			"نام انگلیسی دستگاه نباید نویسهٔ کنترلی", "English name must not contain control characters"},
		{"line break in the English name", url.Values{"name_en": {"Tax\noffice"}}, "name_en",
			"نام انگلیسی دستگاه نباید نویسهٔ کنترلی", "English name must not contain control characters"},
		{"invalid bytes in the English name", url.Values{"name_en": {"Tax \xff office"}}, "name_en",
			"یا بایت نامعتبر", "or invalid bytes"},
		{"public client with client_credentials", url.Values{"auth_method": {oidc.AuthNone}}, "client_credentials",
			"نمی‌تواند client_credentials", "cannot use client_credentials"},
	} {
		form := clientValues(inv.set)
		for _, lang := range []struct{ q, want string }{{"?lang=fa", inv.wantFa}, {"?lang=en", inv.wantEn}} {
			scenarios = append(scenarios, scenario{
				name: "invalid: " + inv.name + lang.q, b: overseer, method: "POST", path: "/oauth2/console/save" + lang.q, form: form,
				wantStatus: http.StatusUnprocessableEntity, unchanged: true,
				wantText: []string{lang.want, `<a href="#` + inv.field + `">`, `id="` + inv.field + `-error"`,
					`aria-describedby="` + inv.field + `-error"`},
			})
		}
	}
	scenarios = append(scenarios,
		scenario{name: "a new client with invalid settings is not created", b: overseer, method: "POST", path: "/oauth2/console/save",
			form:       clientValues(url.Values{"new": {"1"}, "id": {"bad id/1"}, "name_fa": {""}}),
			wantStatus: http.StatusUnprocessableEntity, wantText: []string{`id="id-error"`, `id="name_fa-error"`},
			check: func(t *testing.T, _ string) {
				list, _ := e.p.Clients(ctx)
				if len(list) != 2 {
					t.Errorf("clients after refused create: %d", len(list))
				}
			}},
		scenario{name: "editing a client that does not exist", b: overseer, method: "POST", path: "/oauth2/console/save",
			form: clientValues(url.Values{"id": {"ghost"}}), wantStatus: http.StatusNotFound,
			check: func(t *testing.T, _ string) {
				if _, err := e.p.Client(ctx, "ghost"); err == nil {
					t.Error("an edit created a client")
				}
			}},
		scenario{name: "unknown client page", b: overseer, method: "GET", path: "/oauth2/console/clients/ghost", wantStatus: http.StatusNotFound},
	)

	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			before := len(e.audit.kinds())
			old, _ := e.p.Client(ctx, "tax-office")
			var req *http.Request
			if sc.method == http.MethodPost {
				form := url.Values{}
				for k, v := range sc.form {
					form[k] = v
				}
				if !sc.noCSRF {
					form.Set("csrf_token", e.csrfToken(sc.b))
				}
				req, _ = http.NewRequest(sc.method, e.url+sc.path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			} else {
				req, _ = http.NewRequest(sc.method, e.url+sc.path, nil)
			}
			resp, err := sc.b.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body := string(raw)
			if resp.StatusCode != sc.wantStatus {
				t.Fatalf("status %d, want %d; body %.400s", resp.StatusCode, sc.wantStatus, body)
			}
			if sc.wantLocation != "" && !strings.HasPrefix(resp.Header.Get("Location"), sc.wantLocation) {
				t.Errorf("Location %q, want %q...", resp.Header.Get("Location"), sc.wantLocation)
			}
			for _, want := range sc.wantText {
				if !strings.Contains(body, want) {
					t.Errorf("body lacks %q", want)
				}
			}
			for _, not := range sc.notText {
				if strings.Contains(body, not) {
					t.Errorf("body has %q", not)
				}
			}
			added := e.audit.since(before)
			switch {
			case sc.wantAudit == "" && len(added) > 0:
				t.Errorf("audit events %v, want none", added)
			case sc.wantAudit != "":
				if len(added) != 1 || added[0].Kind != sc.wantAudit {
					t.Fatalf("audit events %v, want one %s", added, sc.wantAudit)
				}
				ev := added[0]
				wantSubject := "tax-office"
				if ev.Kind == "oidc.console.refused" {
					wantSubject = "oidc-console"
					if p, _, _ := strings.Cut(sc.path, "?"); ev.Details["path"] != p {
						t.Errorf("refusal's path %q, want %q", ev.Details["path"], p)
					}
				}
				if ev.Account != persona || ev.Subject != wantSubject || ev.IP == "" {
					t.Errorf("audit event %+v", ev)
				}
				for k, v := range ev.Details {
					if secret != "" && strings.Contains(v, secret) || strings.Contains(k, "hash") {
						t.Errorf("audit detail %s carries a secret", k)
					}
				}
			}
			if sc.unchanged {
				now, err := e.p.Client(ctx, "tax-office")
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(old, now, cmpopts.IgnoreUnexported(oidc.Client{})); diff != "" {
					t.Errorf("the client changed (-before +after):\n%s", diff)
				}
			}
			if sc.check != nil {
				sc.check(t, body)
			}
		})
	}
}

// clientCredentials asks for a client_credentials token with a secret or
// an assertion and returns the status.
func (e *env) clientCredentials(t *testing.T, id, secret, assertion string) int {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if assertion != "" {
		form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		form.Set("client_assertion", assertion)
	}
	req, _ := http.NewRequest(http.MethodPost, e.url+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if assertion == "" {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// assertion signs a private_key_jwt client assertion for the provider,
// valid for a minute.
func (e *env) assertion(k *ecdsa.PrivateKey, kid, clientID, jti string) string {
	s, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: k, KeyID: kid}}, nil)
	now := e.clock.Now()
	tok, _ := jwt.Signed(s).Claims(jwt.Claims{Issuer: clientID, Subject: clientID, Audience: jwt.Audience{e.url},
		IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(time.Minute)), ID: jti}).Serialize()
	return tok
}

// newClientKey makes an agency's P-256 key and its public JWKS.
func newClientKey(t *testing.T, kid string) (*ecdsa.PrivateKey, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key.Public(), KeyID: kid, Algorithm: "ES256", Use: "sig"}}})
	return key, string(jwks)
}

// TestClientChangeAuditedWithIt: a client's registration commits with its
// audit record, so that when the record cannot be written the change is
// not made either.
func TestClientChangeAuditedWithIt(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.audit.mu.Lock()
	e.audit.down = errors.New("the audit log cannot write")
	e.audit.mu.Unlock()
	_, err := e.p.SaveClient(ctx, "overseer", &oidc.Client{ID: "unaudited", NameFa: "دستگاه", NameEn: "Agency",
		RedirectURIs: []string{"https://agency.example.ir/cb"}, Scopes: []string{"openid"}, MaxACR: "loa1",
		AuthMethod: oidc.AuthSecretBasic, IDTokenAlg: "ES256", RequirePKCE: true}, true)
	if err == nil {
		t.Fatal("a client was saved though its change could not be audited")
	}
	list, err := e.p.Clients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.ID == "unaudited" {
			t.Error("the unaudited client was kept")
		}
	}
}

// TestConsoleClientIDs: a new client's ID is ASCII letters, digits, '-',
// '_' and '.', not starting with '.', at most 64 long, so that the
// list's link to it works; others are refused in both languages and
// nothing is registered. A client registered before the rule still loads
// and can be edited, and disabled.
func TestConsoleClientIDs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	overseer := e.consoleBrowser(true, oidc.RoleOverseer)
	save := func(t *testing.T, form url.Values, lang string) (int, string) {
		t.Helper()
		form.Set("csrf_token", e.csrfToken(overseer))
		resp, err := overseer.PostForm(e.url+"/oauth2/console/save?lang="+lang, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	get := func(t *testing.T, path string) (int, string) {
		t.Helper()
		resp, err := overseer.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}

	for _, id := range []string{"..", ".", ".hidden", "a/b", "a?b", "a#b", "tax portal", "tax%2Fportal", "سازمان", "tax\x00",
		"agency\u200c", strings.Repeat("a", 65), " "} {
		t.Run("refused "+id, func(t *testing.T) {
			before := len(e.audit.kinds())
			for lang, want := range map[string]string{
				"fa": "شناسه باید ۱ تا ۶۴ نویسه از حروف انگلیسی",
				"en": "The ID must be 1 to 64 characters of ASCII letters, digits, '-', '_' and '.', and not start with '.'.",
			} {
				status, body := save(t, clientValues(url.Values{"new": {"1"}, "id": {id}}), lang)
				if status != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(want)) ||
					!strings.Contains(body, `id="id-error"`) {
					t.Errorf("%s: %d, want 422 with %q: %.400s", lang, status, want, body)
				}
			}
			if list, _ := e.p.Clients(ctx); len(list) != 1 {
				t.Errorf("%d clients after a refused ID, want the one there was", len(list))
			}
			if added := e.audit.since(before); len(added) != 0 {
				t.Errorf("audit events %v, want none", added)
			}
		})
	}

	for _, tt := range []struct{ typed, id string }{
		{"tax-portal", "tax-portal"}, {"rahvar", "rahvar"}, {"Agency_2.v1", "Agency_2.v1"}, {"a..", "a.."},
		{strings.Repeat("x", 64), strings.Repeat("x", 64)}, {" ۱۲۳-tax ", "123-tax"},
	} {
		t.Run("accepted "+tt.typed, func(t *testing.T) {
			status, body := save(t, clientValues(url.Values{"new": {"1"}, "id": {tt.typed}}), "fa")
			if status != http.StatusOK || !strings.Contains(body, "ذخیره شد") {
				t.Fatalf("%d, want saved: %.400s", status, body)
			}
			_, list := get(t, "/oauth2/console")
			link := `href="/oauth2/console/clients/` + tt.id + `"`
			if !strings.Contains(list, link) {
				t.Fatalf("the list lacks %s", link)
			}
			// The link, as a browser resolves it, opens the client.
			ref, _ := url.Parse("/oauth2/console/clients/" + tt.id)
			base, _ := url.Parse(e.url + "/oauth2/console")
			status, page := get(t, base.ResolveReference(ref).RequestURI())
			if status != http.StatusOK || !strings.Contains(page, `name="id" value="`+tt.id+`"`) {
				t.Errorf("the client's page: %d: %.400s", status, page)
			}
		})
	}

	// A client registered before the rule, with an ID it would refuse.
	e.client(&oidc.Client{ID: "legacy-agency", NameFa: "دستگاه پیشین", NameEn: "Former agency", RedirectURIs: []string{redirectRP},
		Scopes: []string{"openid"}, MaxACR: "loa1", AuthMethod: oidc.AuthSecretBasic, IDTokenAlg: "ES256"})
	if _, err := e.db.Write.Exec(`UPDATE oidc_clients SET id = $1 WHERE id = $2`, "legacy agency", "legacy-agency"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.Client(ctx, "legacy agency"); err != nil {
		t.Fatalf("a client registered before the rule does not load: %v", err)
	}
	status, body := save(t, clientValues(url.Values{"id": {"legacy agency"}, "disabled": {"on"}}), "en")
	if c, err := e.p.Client(ctx, "legacy agency"); status != http.StatusOK || err != nil || !c.Disabled {
		t.Errorf("disabling a client registered before the rule: %d, %+v, %v: %.400s", status, c, err, body)
	}
	if _, err := e.p.SaveClient(ctx, "overseer", &oidc.Client{ID: "..", NameFa: "ن", NameEn: "n", RedirectURIs: []string{redirectRP},
		Scopes: []string{"openid"}, MaxACR: "loa1", AuthMethod: oidc.AuthSecretBasic, IDTokenAlg: "ES256"}, false); err == nil {
		t.Error("SaveClient registered the ID \"..\"")
	}
}
