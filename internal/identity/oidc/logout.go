package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

// logoutRequest is an RP-initiated logout, checked.
type logoutRequest struct {
	ClientID    string
	Subject     string // from a valid id_token_hint
	RedirectURI string // registered for the client, or empty
	State       string
}

// parseLogout checks the end-session parameters: id_token_hint must be
// an ID token this provider signed (it may have expired), and
// post_logout_redirect_uri must be registered for the client. A hint
// signed by a key since removed cannot be checked: it counts as no hint.
func (p *Provider) parseLogout(ctx context.Context, v url.Values) (*logoutRequest, string) {
	lr := &logoutRequest{ClientID: v.Get("client_id"), State: v.Get("state")}
	if hint := v.Get("id_token_hint"); hint != "" {
		payload, err := p.keys.verify(ctx, hint, typID)
		if errors.Is(err, errUnknownKey) {
			return p.parseLogoutUnchecked(ctx, v, lr, hint)
		}
		if err != nil {
			return nil, "error.hint"
		}
		var c struct {
			Issuer  string `json:"iss"`
			Subject string `json:"sub"`
			Aud     any    `json:"aud"`
		}
		if json.Unmarshal(payload, &c) != nil || c.Issuer != p.issuer {
			return nil, "error.hint"
		}
		aud, _ := c.Aud.(string)
		if lr.ClientID != "" && lr.ClientID != aud {
			return nil, "error.hint"
		}
		lr.ClientID, lr.Subject = aud, c.Subject
	}
	return p.logoutRedirect(ctx, v, lr)
}

// parseLogoutUnchecked takes an ID token whose signing key has been
// removed as no hint. Keys rotate monthly and go once the tokens they
// signed have expired, while a relying party keeps the ID token for as
// long as its own session lasts, so a person logging out of an agency
// may well present one. It names no one: the logout page asks the person
// (RP-initiated logout lets the provider ask whenever the hint does not
// do). Its audience only stands for client_id, which a request without
// a hint names just as freely, to find the post_logout_redirect_uri
// among the client's; it must still be an ID token of this issuer.
func (p *Provider) parseLogoutUnchecked(ctx context.Context, v url.Values, lr *logoutRequest, hint string) (*logoutRequest, string) {
	jws, err := jose.ParseSignedCompact(hint, supportedAlgs)
	if err != nil {
		return nil, "error.hint"
	}
	var c struct {
		Issuer string `json:"iss"`
		Aud    any    `json:"aud"`
	}
	if json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &c) != nil || c.Issuer != p.issuer {
		return nil, "error.hint"
	}
	aud, _ := c.Aud.(string)
	if aud == "" || lr.ClientID != "" && lr.ClientID != aud {
		return nil, "error.hint"
	}
	lr.ClientID = aud
	return p.logoutRedirect(ctx, v, lr)
}

// logoutRedirect takes post_logout_redirect_uri when it is registered
// for the client the request names, by client_id or the hint's audience;
// a request that names none has no registration to find it in.
func (p *Provider) logoutRedirect(ctx context.Context, v url.Values, lr *logoutRequest) (*logoutRequest, string) {
	if u := v.Get("post_logout_redirect_uri"); u != "" {
		if lr.ClientID == "" {
			return nil, "error.logout_client"
		}
		c, err := p.clients.get(ctx, lr.ClientID)
		if err != nil || !slices.Contains(c.PostLogoutURIs, u) {
			return nil, "error.logout_redirect"
		}
		lr.RedirectURI = u
	}
	return lr, ""
}

// logout is the end-session endpoint. With a valid id_token_hint for the
// person logged in here, it logs out at once; otherwise it asks first,
// so that another site cannot log a person out behind their back.
func (p *Provider) logout(w http.ResponseWriter, r *http.Request) {
	lr, problem := p.parseLogout(r.Context(), r.URL.Query())
	if problem != "" {
		p.errorPage(w, r, http.StatusBadRequest, problem)
		return
	}
	sess, ok := p.opts.Sessions.Current(r)
	if ok && (lr.Subject == "" || lr.Subject != sess.Subject) {
		p.m.Render(w, r, http.StatusOK, p.pages, web.Page{Name: "logout.html", Title: "logout.title",
			Data: struct{ Query string }{r.URL.RawQuery}})
		return
	}
	p.finishLogout(w, r, lr, sess, ok)
}

// logoutConfirmed is the person's answer on the logout page.
func (p *Provider) logoutConfirmed(w http.ResponseWriter, r *http.Request) {
	v, _ := url.ParseQuery(r.PostFormValue("query"))
	lr, problem := p.parseLogout(r.Context(), v)
	if problem != "" {
		p.errorPage(w, r, http.StatusBadRequest, problem)
		return
	}
	sess, ok := p.opts.Sessions.Current(r)
	p.finishLogout(w, r, lr, sess, ok)
}

func (p *Provider) finishLogout(w http.ResponseWriter, r *http.Request, lr *logoutRequest, sess Session, ok bool) {
	ctx := r.Context()
	if ok {
		if err := p.opts.Sessions.End(ctx, sess.ID); err != nil {
			p.m.ServerError(w, r, err)
			return
		}
		p.SessionEnded(ctx, sess.ID)
		// About the person, like the consent events: the agency that
		// asked is in the details.
		p.audit(ctx, r, AuditEvent{Kind: "oidc.logout", Account: sess.Subject, Subject: sess.Subject,
			Details: map[string]string{"client_id": lr.ClientID}})
	}
	if lr.RedirectURI != "" {
		v := url.Values{}
		if lr.State != "" {
			v.Set("state", lr.State)
		}
		p.sendBack(w, r, withQuery(lr.RedirectURI, v))
		return
	}
	// Whoever comes without a window session is told so, rather than
	// that they have logged out and the agencies were told.
	key := "loggedout"
	if !ok {
		key = "notloggedin"
	}
	p.m.Render(w, r, http.StatusOK, p.pages, web.Page{Name: "loggedout.html", Title: key + ".title",
		Data: struct{ Key string }{key}})
}

// SessionEnded is called when a window session ends, by logout, by the
// person ending it from their session list, or by expiry. It revokes the
// tokens issued in that session (except offline_access ones) and queues
// a back-channel logout token for every agency the session entered. It
// is idempotent: a second call finds nothing left to do.
func (p *Provider) SessionEnded(ctx context.Context, sessionID string) {
	if err := p.sessionEnded(ctx, sessionID); err != nil {
		p.log.ErrorContext(ctx, "oidc: session ended", "err", err)
	}
}

func (p *Provider) sessionEnded(ctx context.Context, sessionID string) error {
	if sessionID == "" {
		return nil
	}
	now := p.now()
	type touched struct{ client, subject string }
	var list []touched
	err := p.opts.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		rows, err := tx.QueryContext(ctx, `DELETE FROM oidc_session_clients WHERE session_id = $1
			RETURNING client_id, subject`, sessionID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var t touched
			if err := rows.Scan(&t.client, &t.subject); err != nil {
				rows.Close()
				return err
			}
			list = append(list, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE oidc_grants SET revoked_at = $1, claims = NULL
			WHERE session_id = $2 AND revoked_at IS NULL AND offline = $3`, now, sessionID, false)
		if err != nil {
			return err
		}
		// Offline access outlives the session: its grants leave it, so
		// that the ID tokens their refreshes issue name no session (sid)
		// the agency has been told is over.
		if err := tx.Queue(ctx, `UPDATE oidc_grants SET session_id = '' WHERE session_id = $1 AND offline = $2`,
			sessionID, true); err != nil {
			return err
		}
		for _, t := range list {
			if err := p.queueLogout(ctx, tx, t.client, t.subject, sessionID, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("oidc: end session: %w", err)
	}
	return nil
}

// queueLogout queues, in tx, a back-channel logout token for the client
// clientID about subject, if the client takes them: for the provider's
// session sessionID, or, when sessionID is empty, without a sid, which
// the Back-Channel Logout spec (2.4) defines as every session of the
// subject at the client. A client since deleted gets nothing. The
// delivery worker is woken once the token is committed.
func (p *Provider) queueLogout(ctx context.Context, tx *sqldb.Tx, clientID, subject, sessionID string, now time.Time) error {
	c, err := loadClient(ctx, tx, clientID)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.BackchannelURI == "" {
		return nil
	}
	claims := map[string]any{
		"iss": p.issuer, "aud": c.ID, "iat": now.Unix(), "exp": now.Add(deliveryWindow).Unix(),
		"jti": randomToken(16), "sub": subject,
		"events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}},
	}
	if sessionID != "" {
		claims["sid"] = publicSID(sessionID)
	}
	tok, err := p.keys.sign(ctx, jose.SignatureAlgorithm(c.IDTokenAlg), typLogout, claims)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO oidc_logout_deliveries (id, client_id, uri, token, created_at,
		next_at, attempts, last_error) VALUES ($1, $2, $3, $4, $5, $5, 0, '')`,
		randomToken(16), c.ID, c.BackchannelURI, tok, now)
	if err == nil {
		tx.AfterCommit(p.kick)
	}
	return err
}

func (p *Provider) kick() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// errorPage shows a problem with a request to the person, in both
// languages.
func (p *Provider) errorPage(w http.ResponseWriter, r *http.Request, status int, key string) {
	p.m.Render(w, r, status, p.pages, web.Page{Name: "problem.html", Title: key + ".title",
		Data: struct{ Key string }{key}})
}

// logo serves the stored copy of an agency's logo, so that the consent
// page loads nothing from other sites.
func (p *Provider) logo(w http.ResponseWriter, r *http.Request) {
	var logo []byte
	var typ string
	err := p.opts.DB.Read.QueryRowContext(r.Context(), `SELECT logo, logo_type FROM oidc_clients WHERE id = $1`,
		r.PathValue("id")).Scan(&logo, &typ)
	if err != nil || len(logo) == 0 || !strings.HasPrefix(typ, "image/") {
		p.m.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(logo)
}
