package oidc

import (
	"net/http"
	"slices"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"golang.org/x/text/language"

	"github.com/panjereh/panjereh/internal/web"
)

// discovery serves the OpenID Provider metadata.
func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	scopes := make([]string, 0, len(knownScopes))
	for _, s := range knownScopes {
		scopes = append(scopes, s.Name)
	}
	claims := []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "sid", "at_hash"}
	for _, s := range knownScopes {
		for _, c := range s.Claims {
			if !slices.Contains(claims, c) {
				claims = append(claims, c)
			}
		}
	}
	auth := []oidc.AuthMethod{oidc.AuthMethodBasic, oidc.AuthMethodPost, oidc.AuthMethodPrivateKeyJWT, oidc.AuthMethodNone}
	algs := []string{"ES256", "RS256"}
	doc := struct {
		oidc.DiscoveryConfiguration
		BackchannelLogout        bool `json:"backchannel_logout_supported"`
		BackchannelLogoutSession bool `json:"backchannel_logout_session_supported"`
		IssParameter             bool `json:"authorization_response_iss_parameter_supported"`
	}{
		DiscoveryConfiguration: oidc.DiscoveryConfiguration{
			Issuer:                                     p.issuer,
			AuthorizationEndpoint:                      p.issuer + PathAuthorize,
			TokenEndpoint:                              p.issuer + PathToken,
			IntrospectionEndpoint:                      p.issuer + PathIntrospect,
			UserinfoEndpoint:                           p.issuer + PathUserinfo,
			RevocationEndpoint:                         p.issuer + PathRevoke,
			EndSessionEndpoint:                         p.issuer + PathLogout,
			JwksURI:                                    p.issuer + PathJWKS,
			ScopesSupported:                            scopes,
			ResponseTypesSupported:                     []string{string(oidc.ResponseTypeCode)},
			ResponseModesSupported:                     []string{string(oidc.ResponseModeQuery)},
			GrantTypesSupported:                        []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken, oidc.GrantTypeClientCredentials},
			ACRValuesSupported:                         acrValues,
			SubjectTypesSupported:                      []string{"public"},
			IDTokenSigningAlgValuesSupported:           algs,
			TokenEndpointAuthMethodsSupported:          auth,
			TokenEndpointAuthSigningAlgValuesSupported: []string{"ES256", "RS256", "PS256", "EdDSA"},
			RevocationEndpointAuthMethodsSupported:     auth,
			IntrospectionEndpointAuthMethodsSupported:  auth[:3],
			ClaimsSupported:                            claims,
			CodeChallengeMethodsSupported:              []oidc.CodeChallengeMethod{oidc.CodeChallengeMethodS256},
			UILocalesSupported:                         []language.Tag{language.Persian, language.English},
			RequestParameterSupported:                  false,
		},
		BackchannelLogout:        true,
		BackchannelLogoutSession: true,
		IssParameter:             true,
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	web.WriteJSON(w, http.StatusOK, doc)
}

// compatUserinfo serves /api/v1/user/userinfo with the field names the
// national SSO's relying parties already read.
func (p *Provider) compatUserinfo(w http.ResponseWriter, r *http.Request) {
	// The scheme's name is case-insensitive (RFC 7235 section 2.1).
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	ok = ok && strings.EqualFold(scheme, "Bearer")
	var c *accessClaims
	var err error
	if ok {
		c, err = p.checkAccess(r.Context(), strings.TrimSpace(tok))
	}
	if !ok || err != nil || c.grantID() == "" {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		web.WriteProblem(w, r, web.NewProblem(http.StatusUnauthorized, "invalid-token",
			"Send a valid access token as 'Authorization: Bearer <token>'.",
			"یک توکن دسترسی معتبر با سرآیند 'Authorization: Bearer <token>' بفرستید."))
		return
	}
	acct, err := p.opts.Accounts.Claims(r.Context(), c.Subject)
	if err != nil {
		web.WriteInternalError(w, r, p.log, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, compatClaims(c.Subject, acct, c.scopes()))
}
