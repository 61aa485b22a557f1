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

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

// pendingGrant opens the authorization request a browser is completing,
// sealed in id, and loads its client. An error wraps sqldb.ErrNotFound
// when the request does not open, has expired, its client is gone or
// disabled, or the client's registration no longer allows what the
// request asked for (its redirect URI, a scope, its assurance level):
// the ministry's change to a client takes effect on requests already
// on their way. When the client is disabled the error wraps
// errClientDisabled too, and the request, which did open, is returned
// with it, so that notPending can end it. Whether it was approved
// already is known only at the approval.
func (p *Provider) pendingGrant(ctx context.Context, id string) (*grant, *Client, error) {
	return p.pending(ctx, id, true)
}

// pending is pendingGrant; confirm reads a client that the cache says
// is disabled again from the primary, which a caller in a transaction
// of the primary's may not do (the transaction may hold its only
// connection).
func (p *Provider) pending(ctx context.Context, id string, confirm bool) (*grant, *Client, error) {
	g, err := p.openRequest(id)
	if err != nil {
		return nil, nil, err
	}
	c, err := p.clients.get(ctx, g.ClientID)
	if confirm && errors.Is(err, errClientDisabled) {
		// A disabled client's request is ended for good (notPending), so
		// the client is read again from the primary: another node may
		// have enabled it within the cache's life.
		c, err = p.clients.fresh(ctx, g.ClientID)
	}
	if errors.Is(err, errClientDisabled) {
		return g, nil, err
	}
	if err != nil {
		return nil, nil, err
	}
	allowed := slices.Contains(c.RedirectURIs, g.Req.RedirectURI) && acrRank(g.Req.ACR) <= acrRank(c.MaxACR)
	for _, s := range g.Req.Scopes {
		allowed = allowed && (s == ScopeOpenID || c.allows(s))
	}
	if !allowed {
		return nil, nil, fmt.Errorf("oidc: request %s: the client's registration changed: %w", g.ID, sqldb.ErrNotFound)
	}
	return g, c, nil
}

// login is the bridge between an authorization request and the window's
// login: it sends the browser to log in (again, or at a higher level)
// when the request needs it, then asks for consent, then completes.
func (p *Provider) login(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	g, c, err := p.pendingGrant(r.Context(), id)
	if err != nil {
		p.notPending(w, r, g, err)
		return
	}
	p.proceed(w, r, g, c, id)
}

// notPending answers a browser whose pending request cannot go on, err
// being pendingGrant's and g the request it returned. A request whose
// client has been disabled since the person set out is ended, so that
// it cannot be completed even if the client is enabled again (the person
// starts again from the agency), and the person is told, as at the
// authorization endpoint, that logging in through the agency is
// suspended. A request that does not open, has expired, or whose client
// is gone or no longer allows it gets the expired page.
func (p *Provider) notPending(w http.ResponseWriter, r *http.Request, g *grant, err error) {
	switch {
	case errors.Is(err, errClientDisabled) && g != nil:
		if err := p.endRequest(r.Context(), g); err != nil {
			p.m.ServerError(w, r, err)
			return
		}
		p.errorPage(w, r, http.StatusForbidden, "error.disabled")
	case errors.Is(err, sqldb.ErrNotFound):
		p.errorPage(w, r, http.StatusBadRequest, "error.expired")
	default:
		p.m.ServerError(w, r, err)
	}
}

// proceed takes a pending request, sealed in id, as far as it can go: to
// the login, to the consent page, or to its completion.
func (p *Provider) proceed(w http.ResponseWriter, r *http.Request, g *grant, c *Client, id string) {
	sess, ok := p.opts.Sessions.Current(r)
	if need, force := p.needsLogin(g, sess, ok); need {
		if g.Req.hasPrompt("none") {
			p.redirectError(w, r, &g.Req, &authError{errLoginRequired, ""})
			return
		}
		back := PathLogin + "?id=" + url.QueryEscape(id)
		if pager, ok := p.opts.Sessions.(LoginPager); ok {
			pager.LoginPage(w, r, back, g.Req.ACR, force, string(web.LangOf(r)))
			return
		}
		http.Redirect(w, r, p.opts.Sessions.LoginURL(back, g.Req.ACR, force, string(web.LangOf(r))), http.StatusFound)
		return
	}
	needed := consentScopes(g.Req.Scopes)
	if len(needed) > 0 {
		have, err := p.consented(r.Context(), p.opts.DB.Read, sess.Subject, c.ID)
		if err != nil {
			p.m.ServerError(w, r, err)
			return
		}
		if g.Req.hasPrompt("consent") || !subset(needed, have) {
			if g.Req.hasPrompt("none") {
				p.redirectError(w, r, &g.Req, &authError{errConsentRequired, ""})
				return
			}
			p.renderConsent(w, r, id, c, needed)
			return
		}
	}
	p.complete(w, r, g, c, sess, nil)
}

// Resume goes on with the authorization request a browser is logging in
// for, returnTo being the login bridge's URL with the sealed request, in
// the login's own transaction tx, as the person s whose session it has
// just made: when the request can be completed at once (no consent to
// ask for), it approves it in tx and returns how to answer the browser
// once tx has committed, back to the relying party, sparing the browser
// its visit to the bridge and the approval a commit of its own. It
// returns nil when the request cannot be completed so; the browser
// should then be sent on to returnTo, where the bridge asks or says why.
// It is Resumption's Resume, with nothing read beforehand.
func (p *Provider) Resume(ctx context.Context, tx *sqldb.Tx, r *http.Request, returnTo string, s Session) (func(http.ResponseWriter, *http.Request), error) {
	z := p.Resumption(r, returnTo)
	if z == nil {
		return nil, nil
	}
	return z.Resume(ctx, tx, s)
}

// A Resumption is an authorization request a browser is logging in for,
// to go on with in the login's transaction (Resume), with what it needs
// from the database read in that transaction's first round trip
// (Prefetch), before the login's own writes.
type Resumption struct {
	p *Provider
	r *http.Request
	g *grant
	c *Client
	// What Prefetch read: the person's remembered consent to the client,
	// and whether the request was approved already.
	fetched bool
	have    string
	spent   bool
}

// Resumption is the request a login answered by r goes on with, returnTo
// being the login bridge's URL with the sealed request; nil when returnTo
// is not one, or its request cannot be completed (the bridge shows why).
func (p *Provider) Resumption(r *http.Request, returnTo string) *Resumption {
	u, err := url.Parse(returnTo)
	if err != nil || u.Path != PathLogin {
		return nil
	}
	// In the login's transaction: a request that seems to be a disabled
	// client's is left to the bridge, which makes sure.
	g, c, err := p.pending(r.Context(), u.Query().Get("id"), false)
	if err != nil {
		return nil
	}
	return &Resumption{p: p, r: r, g: g, c: c}
}

// resumeQuery reads the remembered consent of the subject that the SQL
// expression subject gives, in which $1 stands for the query's first
// argument, to client $2, and whether request $3 was approved already.
func resumeQuery(subject string) string {
	return `SELECT COALESCE((SELECT scopes FROM oidc_consents WHERE subject = ` + subject + ` AND client_id = $2), ''),
		EXISTS (SELECT 1 FROM oidc_grants WHERE id = $3)`
}

// Prefetch queues in tx, before anything the login reads, what Resume
// needs to know, so that it goes to the database with the login's first
// statement: subject is an SQL expression for the person's subject (the
// login's account), in which $1 stands for arg; it is the caller's own
// SQL, never anything a request brought.
func (z *Resumption) Prefetch(ctx context.Context, tx *sqldb.Tx, subject string, arg any) error {
	return tx.QueueQuery(ctx, resumeQuery(subject), []any{arg, z.c.ID, z.g.ID}, func(scan func(...any) error) error {
		if err := scan(&z.have, &z.spent); err != nil {
			return fmt.Errorf("oidc: resume: %w", err)
		}
		z.fetched = true
		return nil
	})
}

// Resume completes the request in tx for s, the session the login has
// just made, when no consent is to be asked for (Provider.Resume).
func (z *Resumption) Resume(ctx context.Context, tx *sqldb.Tx, s Session) (func(http.ResponseWriter, *http.Request), error) {
	p, g, c := z.p, z.g, z.c
	if need, _ := p.needsLogin(g, s, true); need {
		return nil, nil
	}
	if !z.fetched {
		// In the round trip that sends the login's own writes.
		if err := sqldb.ScanOne(ctx, tx, resumeQuery("$1"), []any{s.Subject, c.ID, g.ID}, &z.have, &z.spent); err != nil {
			return nil, fmt.Errorf("oidc: resume: %w", err)
		}
	}
	if z.spent {
		return func(w http.ResponseWriter, r *http.Request) {
			p.errorPage(w, r, http.StatusBadRequest, "error.expired")
		}, nil
	}
	if needed := consentScopes(g.Req.Scopes); len(needed) > 0 && (g.Req.hasPrompt("consent") || !subset(needed, strings.Fields(z.have))) {
		return nil, nil
	}
	code, err := p.approve(ctx, tx, z.r, g, c, s, nil)
	if err != nil {
		return nil, err
	}
	return func(w http.ResponseWriter, r *http.Request) { p.finish(w, r, g, c, s, code) }, nil
}

// needsLogin reports whether the session cannot serve the request as it
// is, and whether the person must log in again even with a session.
func (p *Provider) needsLogin(g *grant, s Session, ok bool) (need, force bool) {
	if !ok {
		return true, false
	}
	// A login that happened after the request satisfies prompt=login and
	// max_age; one before it does not.
	fresh := !s.AuthTime.Before(g.CreatedAt.Add(-time.Second))
	if g.Req.hasPrompt("login") && !fresh {
		return true, true
	}
	if g.Req.MaxAge != nil && p.now().Sub(s.AuthTime) > time.Duration(*g.Req.MaxAge)*time.Second && !fresh {
		return true, true
	}
	if acrRank(s.ACR) < acrRank(g.Req.ACR) {
		return true, true
	}
	return false, false
}

// consentView is the consent page's data.
type consentView struct {
	ID         string
	ClientID   string
	ClientName string
	Logo       string
	Attributes []web.Text
}

// renderConsent shows the consent page for the request sealed in id.
func (p *Provider) renderConsent(w http.ResponseWriter, r *http.Request, id string, c *Client, scopes []string) {
	v := consentView{ID: id, ClientID: c.ID, ClientName: c.Name(string(web.LangOf(r))), Attributes: describeScopes(scopes)}
	if c.LogoType != "" {
		v.Logo = PathClientLogos + url.PathEscape(c.ID)
	}
	p.m.Render(w, r, http.StatusOK, p.pages, web.Page{Name: "consent.html", Title: "consent.title", Data: v})
}

// consent receives the person's decision on the consent page.
func (p *Provider) consent(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("id")
	g, c, err := p.pendingGrant(r.Context(), id)
	if err != nil {
		p.notPending(w, r, g, err)
		return
	}
	sess, ok := p.opts.Sessions.Current(r)
	if need, _ := p.needsLogin(g, sess, ok); need {
		http.Redirect(w, r, PathLogin+"?id="+url.QueryEscape(id), http.StatusSeeOther)
		return
	}
	scopes := consentScopes(g.Req.Scopes)
	if r.PostFormValue("decision") != "allow" {
		// A request approved or ended already (its form replayed) has
		// had its answer: the agency hears nothing more of it.
		if spent, err := p.requestSpent(r.Context(), g.ID); err != nil {
			p.m.ServerError(w, r, err)
			return
		} else if spent {
			p.errorPage(w, r, http.StatusBadRequest, "error.expired")
			return
		}
		// Consent events are about the person (their data, their
		// choice), so they name the person as subject, as the audit log
		// does for a person's own login, and the agency in the details;
		// the person's security activity lists them by that subject.
		p.audit(r.Context(), r, AuditEvent{Kind: "oidc.consent.deny", Account: sess.Subject, Subject: sess.Subject,
			Details: map[string]string{"client_id": c.ID, "scopes": strings.Join(scopes, " ")}})
		p.redirectError(w, r, &g.Req, &authError{errAccessDenied, "the person did not consent"})
		return
	}
	p.complete(w, r, g, c, sess, scopes)
}

// complete approves the grant for the session's person (writing it, with
// its code, for the first time), records that the session entered the
// client (for back-channel logout) and, with consent set, the consent to
// those scopes, and sends the browser back to the relying party with a
// code. It all commits at once, audit events included. A request
// approved already, its bridge URL or consent form replayed, or ended
// (endRequest) gets the expired page.
func (p *Provider) complete(w http.ResponseWriter, r *http.Request, g *grant, c *Client, s Session, consent []string) {
	var code string
	err := p.opts.DB.InTx(r.Context(), func(tx *sqldb.Tx) error {
		var err error
		code, err = p.approve(r.Context(), tx, r, g, c, s, consent)
		return err
	})
	// insertApprovedGrant tells a second approval by the grant's unique
	// ID; a database that reports the conflict only at commit gives the
	// bare violation, and no other statement here can violate a unique
	// constraint (the others insert fresh IDs or upsert).
	if errors.Is(err, errGrantSpent) || sqldb.IsUniqueViolation(err) {
		p.errorPage(w, r, http.StatusBadRequest, "error.expired")
		return
	}
	if err != nil {
		p.m.ServerError(w, r, err)
		return
	}
	p.finish(w, r, g, c, s, code)
}

// approve approves g for the session's person in tx: the grant with its
// code, the session's entry to the client (for back-channel logout),
// with consent set the consent to those scopes, and their audit events.
// It returns the code.
func (p *Provider) approve(ctx context.Context, tx *sqldb.Tx, r *http.Request, g *grant, c *Client, s Session, consent []string) (string, error) {
	now := p.now()
	g.Subject, g.SessionID, g.ACR, g.AMR, g.AuthTime = s.Subject, s.ID, s.ACR, s.AMR, s.AuthTime
	if acrRank(g.ACR) > acrRank(p.opts.MaxACR) {
		g.ACR = p.opts.MaxACR
	}
	g.Offline = slices.Contains(g.Req.Scopes, ScopeOffline)
	if s.Claims != nil && len(consentScopes(g.Req.Scopes)) > 0 {
		released, err := json.Marshal(userClaims(*s.Claims, g.Req.Scopes))
		if err != nil {
			return "", fmt.Errorf("oidc: approve: %w", err)
		}
		g.Released = string(released)
	}
	code := randomToken(32)
	if err := insertApprovedGrant(ctx, tx, g, code, now); err != nil {
		return "", err
	}
	if err := tx.Queue(ctx, `INSERT INTO oidc_session_clients (session_id, client_id, subject, first_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (session_id, client_id) DO NOTHING`, s.ID, c.ID, s.Subject, now); err != nil {
		return "", err
	}
	if consent != nil {
		if err := p.saveConsent(ctx, tx, s.Subject, c.ID, consent); err != nil {
			return "", err
		}
		if err := p.opts.Audit.RecordTx(ctx, tx, fromRequest(r, AuditEvent{Kind: "oidc.consent.grant", Account: s.Subject, Subject: s.Subject,
			Details: map[string]string{"client_id": c.ID, "scopes": strings.Join(consent, " ")}})); err != nil {
			return "", err
		}
	}
	return code, p.opts.Audit.RecordTx(ctx, tx, fromRequest(r, AuditEvent{Kind: "oidc.authorize", Account: s.Subject, Subject: c.ID,
		Details: map[string]string{"client_id": c.ID, "scopes": strings.Join(g.Req.Scopes, " "), "acr": g.ACR}}))
}

// finish sends the browser back to the relying party with the code of
// an approved grant, once the approval has committed.
func (p *Provider) finish(w http.ResponseWriter, r *http.Request, g *grant, c *Client, s Session, code string) {
	if c.SessionSeconds > 0 {
		if err := p.opts.Sessions.Extend(r.Context(), s.ID, time.Duration(c.SessionSeconds)*time.Second); err != nil {
			p.log.WarnContext(r.Context(), "oidc: extend the session for the client's service", "client", c.ID, "err", err)
		}
	}
	v := url.Values{"code": {code}, "iss": {p.issuer}}
	if g.Req.State != "" {
		v.Set("state", g.Req.State)
	}
	p.sendBack(w, r, withQuery(g.Req.RedirectURI, v))
}

// sendBack sends the browser to a relying party: a redirect, or after a
// form (consent, logout confirmation) a page that moves on by itself, as
// the page's form-action policy forbids a form's redirect off the site.
func (p *Provider) sendBack(w http.ResponseWriter, r *http.Request, target string) {
	if r.Method == http.MethodPost {
		p.m.Continue(w, r, target)
		return
	}
	http.Redirect(w, r, target, http.StatusFound)
}

func subset(need, have []string) bool {
	for _, s := range need {
		if !slices.Contains(have, s) {
			return false
		}
	}
	return true
}

// Consent is a person's standing permission for an agency to receive
// some of their attributes.
type Consent struct {
	ClientID   string
	ClientName web.Text
	Scopes     []string
	Attributes []web.Text // what the scopes release, as people read it
	GrantedAt  time.Time
}

// consented reads with q the scopes subject let clientID have. Inside a
// transaction q must be the transaction: taking a second connection while
// holding one can starve the pool.
func (p *Provider) consented(ctx context.Context, q sqldb.Querier, subject, clientID string) ([]string, error) {
	var scopes string
	err := sqldb.ScanOne(ctx, q, `SELECT scopes FROM oidc_consents WHERE subject = $1 AND client_id = $2`,
		[]any{subject, clientID}, &scopes)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("oidc: read consent: %w", err)
	}
	return strings.Fields(scopes), nil
}

// saveConsent remembers that subject let clientID have scopes, besides
// what it had already allowed.
func (p *Provider) saveConsent(ctx context.Context, q sqldb.Querier, subject, clientID string, scopes []string) error {
	have, err := p.consented(ctx, q, subject, clientID)
	if err != nil {
		return err
	}
	all := consentScopes(append(have, scopes...))
	err = sqldb.Queue(ctx, q, `INSERT INTO oidc_consents (subject, client_id, scopes, granted_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (subject, client_id) DO UPDATE SET scopes = $3, granted_at = $4`,
		subject, clientID, strings.Join(all, " "), p.now())
	if err != nil {
		return fmt.Errorf("oidc: save consent: %w", err)
	}
	return nil
}

// Consents lists the agencies a person has let receive their attributes,
// for the account page.
func (p *Provider) Consents(ctx context.Context, subject string) ([]Consent, error) {
	rows, err := p.opts.DB.Read.QueryContext(ctx, `SELECT c.client_id, k.name_fa, k.name_en, c.scopes, c.granted_at
		FROM oidc_consents c JOIN oidc_clients k ON k.id = c.client_id WHERE c.subject = $1 ORDER BY c.granted_at DESC`, subject)
	if err != nil {
		return nil, fmt.Errorf("oidc: list consents: %w", err)
	}
	defer rows.Close()
	var out []Consent
	for rows.Next() {
		var c Consent
		var scopes string
		if err := rows.Scan(&c.ClientID, &c.ClientName.Fa, &c.ClientName.En, &scopes, &c.GrantedAt); err != nil {
			return nil, fmt.Errorf("oidc: list consents: %w", err)
		}
		c.Scopes = strings.Fields(scopes)
		c.Attributes = describeScopes(c.Scopes)
		out = append(out, c)
	}
	return out, rows.Err()
}

// SubjectReplaced is called, in the transaction that makes the change,
// when the person behind a subject changes (a legal person's new
// signatory): every consent given for it is withdrawn and every grant
// revoked, offline ones too, so that agencies keep nothing the former
// person let them have or do; the next login asks the new person. It
// fails the change if it cannot.
func (p *Provider) SubjectReplaced(ctx context.Context, tx *sqldb.Tx, subject string) error {
	if err := tx.Queue(ctx, `DELETE FROM oidc_consents WHERE subject = $1`, subject); err != nil {
		return err
	}
	return p.revokeSubject(ctx, tx, subject, "oidc.subject.replaced")
}

// SubjectNotEntitled is called, in the transaction that ends its
// sessions, when the registries say a subject's account is no longer its
// holder's (a signatory who has left, a permit run out): every grant is
// revoked, offline ones too, so that no agency goes on acting for it. The
// consents stay with the account, for whoever holds it next.
func (p *Provider) SubjectNotEntitled(ctx context.Context, tx *sqldb.Tx, subject string) error {
	return p.revokeSubject(ctx, tx, subject, "oidc.subject.not-entitled")
}

// revokeSubject revokes, in tx, every grant of subject, and records kind.
func (p *Provider) revokeSubject(ctx context.Context, tx *sqldb.Tx, subject, kind string) error {
	if err := tx.Queue(ctx, `UPDATE oidc_grants SET revoked_at = $1, claims = NULL WHERE subject = $2 AND revoked_at IS NULL`,
		p.now(), subject); err != nil {
		return err
	}
	return p.opts.Audit.RecordTx(ctx, tx, AuditEvent{Kind: kind, Subject: subject})
}

// RevokeConsent withdraws a person's consent for an agency and revokes
// the agency's tokens for them: the next login asks again. An agency that
// had the consent or tokens is also sent, with the same commit, a
// back-channel logout token without a sid, which ends every session it
// has for the person: tokens it can no longer use would not stop a
// session from showing it what it received. An agency that never knew
// the person gets nothing, so that it does not learn their subject.
func (p *Provider) RevokeConsent(ctx context.Context, subject, clientID string) error {
	now := p.now()
	err := p.opts.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM oidc_consents WHERE subject = $1 AND client_id = $2`, subject, clientID)
		if err != nil {
			return err
		}
		consents, err := res.RowsAffected()
		if err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, `UPDATE oidc_grants SET revoked_at = $1, claims = NULL
			WHERE subject = $2 AND client_id = $3 AND revoked_at IS NULL`, now, subject, clientID)
		if err != nil {
			return err
		}
		grants, err := res.RowsAffected()
		if err != nil || consents+grants == 0 {
			return err
		}
		return p.queueLogout(ctx, tx, clientID, subject, "", now)
	})
	if err != nil {
		return fmt.Errorf("oidc: revoke consent: %w", err)
	}
	p.audit(ctx, nil, AuditEvent{Kind: "oidc.consent.revoke", Account: subject, Subject: subject,
		Details: map[string]string{"client_id": clientID}})
	return nil
}
