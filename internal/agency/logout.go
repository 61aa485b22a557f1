package agency

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/panjereh/panjereh/internal/web"
)

// logout ends the local session and sends the browser to the national
// SSO's end-session endpoint, with the ID token as id_token_hint, so
// that the person leaves the national window and every agency they
// entered with it, and comes back to the agency's page after logout.
func (a *Agency) logout(w http.ResponseWriter, r *http.Request) {
	sess, ok := a.current(r)
	if ok {
		a.store.end(sess.ID)
	}
	a.setCookie(w, sessionCookie, "", -1)
	rp, err := a.discover(r.Context())
	if err != nil || rp.endSession == "" {
		// Logged out here; the national window cannot be told now, and
		// the person is told so.
		a.log.WarnContext(r.Context(), "agency: no end-session endpoint", "err", err)
		a.m.Render(w, r, http.StatusOK, a.pages, web.Page{Name: "loggedout.html", Title: "loggedout.title",
			Data: struct{ LocalOnly bool }{true}})
		return
	}
	v := url.Values{"client_id": {a.cfg.ClientID}, "post_logout_redirect_uri": {a.cfg.PostLogoutURL}}
	if ok {
		// Without a hint (the session had already ended here) the
		// provider asks the person before logging them out.
		v.Set("id_token_hint", sess.IDToken)
	}
	// A form's answer may not redirect to another origin under the page's
	// form-action policy; a page that moves on by itself may.
	a.m.Continue(w, r, withQuery(rp.endSession, v))
}

func withQuery(u string, v url.Values) string {
	if strings.Contains(u, "?") {
		return u + "&" + v.Encode()
	}
	return u + "?" + v.Encode()
}

// loggedOutPage is where the provider sends the browser after logout.
func (a *Agency) loggedOutPage(w http.ResponseWriter, r *http.Request) {
	a.m.Render(w, r, http.StatusOK, a.pages, web.Page{Name: "loggedout.html", Title: "loggedout.title",
		Data: struct{ LocalOnly bool }{false}})
}

// logoutTokenAge is how old a logout token may be: the provider retries
// a delivery for about five minutes.
const (
	logoutTokenAge = 15 * time.Minute
	clockSkew      = time.Minute
)

// backchannel receives the provider's logout tokens (OpenID Connect
// Back-Channel Logout 1.0). go-oidc's VerifyLogout checks the signature
// with the provider's JWKS, iss, aud, exp, the back-channel event, that
// there is a sid or a sub, and that there is no nonce (so an ID token
// cannot pass for a logout token); this handler adds the token type,
// iat and replay. Every local session of that provider session ends.
func (a *Agency) backchannel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	raw := r.PostFormValue("logout_token")
	if raw == "" {
		a.refuseLogout(w, r, errors.New("no logout_token"))
		return
	}
	rp, err := a.discover(ctx)
	if err != nil {
		// The provider will retry; by then discovery may work.
		a.log.WarnContext(ctx, "agency: back-channel logout", "err", err)
		web.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "temporarily_unavailable"})
		return
	}
	if err := checkLogoutType(raw); err != nil {
		a.refuseLogout(w, r, err)
		return
	}
	lt, err := rp.verifier.VerifyLogout(a.withClient(ctx), raw)
	if err != nil {
		a.refuseLogout(w, r, err)
		return
	}
	now := a.now()
	if lt.IssuedAt.IsZero() || lt.IssuedAt.After(now.Add(clockSkew)) || lt.IssuedAt.Before(now.Add(-logoutTokenAge)) {
		a.refuseLogout(w, r, errors.New("iat missing, in the future or too old"))
		return
	}
	if a.store.firstUse(lt.TokenID, lt.Expiry) {
		n := a.store.endProvider(lt.SessionID, lt.Subject)
		a.log.InfoContext(ctx, "agency: back-channel logout", "sub", lt.Subject, "sessions_ended", n)
	}
	w.WriteHeader(http.StatusOK)
}

// checkLogoutType requires the explicit type the national SSO gives its
// logout tokens, logout+jwt, as the Back-Channel Logout spec recommends.
func checkLogoutType(raw string) error {
	jws, err := jose.ParseSignedCompact(raw, []jose.SignatureAlgorithm{jose.ES256, jose.RS256})
	if err != nil || len(jws.Signatures) != 1 {
		return errors.New("malformed logout token")
	}
	typ, _ := jws.Signatures[0].Protected.ExtraHeaders[jose.HeaderType].(string)
	if t := strings.ToLower(typ); t != "logout+jwt" && t != "application/logout+jwt" {
		return errors.New("the token's typ is not logout+jwt")
	}
	return nil
}

// refuseLogout answers 400 with the spec's JSON error body; the reason
// goes to the log only.
func (a *Agency) refuseLogout(w http.ResponseWriter, r *http.Request, err error) {
	a.log.WarnContext(r.Context(), "agency: back-channel logout refused", "err", err)
	web.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
}
