package oidc

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

// authError is an OAuth error to send back to the relying party's
// redirect URI.
type authError struct {
	code, description string
}

// Errors of the authorization endpoint, by their registered codes.
const (
	errInvalidRequest      = "invalid_request"
	errInvalidScope        = "invalid_scope"
	errUnsupportedResponse = "unsupported_response_type"
	errRequestNotSupported = "request_not_supported"
	errUnmetAuthentication = "unmet_authentication_requirements" // OpenID Connect EAP ACR Values 1.0
	errAccessDenied        = "access_denied"
	errLoginRequired       = "login_required"
	errConsentRequired     = "consent_required"
	errServer              = "server_error"
)

// authorize is the authorization endpoint. It checks the request, seals
// it (nothing is written until the person approves) and goes on as the
// login bridge does: to the login with the bridge's URL to come back to,
// to the consent page, or straight back to the relying party. Until the client and
// its redirect URI are known to be genuine, errors are shown to the
// person; after that they go back to the relying party.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, err := p.clients.get(r.Context(), q.Get("client_id"))
	if errors.Is(err, errClientDisabled) {
		p.errorPage(w, r, http.StatusForbidden, "error.disabled")
		return
	}
	if errors.Is(err, sqldb.ErrNotFound) || q.Get("client_id") == "" {
		p.errorPage(w, r, http.StatusBadRequest, "error.client")
		return
	}
	if err != nil {
		p.m.ServerError(w, r, err)
		return
	}
	redirect := q.Get("redirect_uri")
	if !slices.Contains(c.RedirectURIs, redirect) {
		p.errorPage(w, r, http.StatusBadRequest, "error.redirect")
		return
	}
	lang, asked := web.LangOf(r), ""
	if q.Get("lang") == "" {
		if l, ok := uiLang(q.Get("ui_locales")); ok {
			lang, asked = l, "&lang="+string(l)
		}
	}
	req := authRequest{
		ClientID:    c.ID,
		RedirectURI: redirect,
		State:       q.Get("state"),
		Nonce:       q.Get("nonce"),
		Prompt:      strings.Fields(q.Get("prompt")),
		Lang:        string(lang),
	}
	if ae := p.checkAuthRequest(c, q, &req); ae != nil {
		p.redirectError(w, r, &req, ae)
		return
	}
	now := p.now()
	g := &grant{ID: randomToken(18), ClientID: c.ID, Req: req, CreatedAt: now, ExpiresAt: now.Add(requestLifetime)}
	sealed, err := p.sealRequest(g)
	if err != nil {
		p.log.ErrorContext(r.Context(), "oidc: keep authorization request", "err", err)
		p.redirectError(w, r, &req, &authError{errServer, "try again later"})
		return
	}
	if asked != "" {
		// The bridge's pages are to be in the language ui_locales chose.
		http.Redirect(w, r, PathLogin+"?id="+url.QueryEscape(sealed)+asked, http.StatusFound)
		return
	}
	// The bridge's work, without the browser's round trip to it.
	p.proceed(w, r, g, c, sealed)
}

// uiLang is the first language of ui_locales (OpenID Connect Core section
// 3.1.2.1, BCP 47 tags in order of preference) that the window speaks.
func uiLang(locales string) (web.Lang, bool) {
	for _, tag := range strings.Fields(locales) {
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		switch primary {
		case "fa":
			return web.Fa, true
		case "en":
			return web.En, true
		}
	}
	return "", false
}

// checkAuthRequest validates everything but the client and redirect URI
// and fills req.
func (p *Provider) checkAuthRequest(c *Client, q url.Values, req *authRequest) *authError {
	if q.Get("request") != "" || q.Get("request_uri") != "" {
		return &authError{errRequestNotSupported, "request objects are not supported"}
	}
	if q.Get("response_type") != "code" {
		return &authError{errUnsupportedResponse, "only response_type=code is supported"}
	}
	if m := q.Get("response_mode"); m != "" && m != "query" {
		return &authError{errInvalidRequest, "only response_mode=query is supported"}
	}
	scopes := strings.Fields(q.Get("scope"))
	if !slices.Contains(scopes, ScopeOpenID) {
		return &authError{errInvalidScope, "the openid scope is required"}
	}
	for _, s := range scopes {
		if !scopeKnown(s) || slices.Contains(req.Scopes, s) {
			continue // unknown scopes are ignored, as OAuth allows
		}
		if s != ScopeOpenID && !c.allows(s) {
			return &authError{errInvalidScope, "scope " + s + " is not allowed for this client"}
		}
		req.Scopes = append(req.Scopes, s)
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case challenge == "" && (c.RequirePKCE || c.AuthMethod == AuthNone):
		return &authError{errInvalidRequest, "code_challenge is required (PKCE with S256)"}
	case challenge != "" && method != "S256":
		return &authError{errInvalidRequest, "code_challenge_method must be S256"}
	case challenge != "" && len(challenge) != 43:
		return &authError{errInvalidRequest, "code_challenge must be a base64url SHA-256"}
	}
	req.CodeChallenge = challenge
	for _, pr := range req.Prompt {
		switch pr {
		case "none", "login", "consent", "select_account":
		default:
			return &authError{errInvalidRequest, "unknown prompt value " + pr}
		}
	}
	if req.hasPrompt("none") && len(req.Prompt) > 1 {
		return &authError{errInvalidRequest, "prompt=none must stand alone"}
	}
	if v := q.Get("max_age"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return &authError{errInvalidRequest, "max_age must be a whole number of seconds"}
		}
		req.MaxAge = &n
	}
	req.ACR = ACR1
	if vals := strings.Fields(q.Get("acr_values")); len(vals) > 0 {
		// acr_values lists acceptable levels; the lowest known one is
		// what the request needs.
		lowest := 0
		for _, v := range vals {
			if r := acrRank(v); r > 0 && (lowest == 0 || r < lowest) {
				lowest = r
			}
		}
		if lowest > 0 {
			req.ACR = acrValues[lowest-1]
		}
	}
	if acrRank(req.ACR) > acrRank(p.opts.MaxACR) {
		return &authError{errUnmetAuthentication, "assurance level " + req.ACR + " is not available yet; the highest is " + p.opts.MaxACR}
	}
	if acrRank(req.ACR) > acrRank(c.MaxACR) {
		return &authError{errUnmetAuthentication, "this client may ask for assurance up to " + c.MaxACR}
	}
	return nil
}

// redirectError sends an OAuth error back to the relying party.
func (p *Provider) redirectError(w http.ResponseWriter, r *http.Request, req *authRequest, ae *authError) {
	v := url.Values{"error": {ae.code}, "iss": {p.issuer}}
	if ae.description != "" {
		v.Set("error_description", ae.description)
	}
	if req.State != "" {
		v.Set("state", req.State)
	}
	p.sendBack(w, r, withQuery(req.RedirectURI, v))
}

// withQuery adds v to the query of the registered URI u.
func withQuery(u string, v url.Values) string {
	pu, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := pu.Query()
	for k, vs := range v {
		q[k] = vs
	}
	pu.RawQuery = q.Encode()
	return pu.String()
}
