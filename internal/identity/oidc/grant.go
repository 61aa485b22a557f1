package oidc

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// authRequest is what a relying party asked for at the authorization
// endpoint, kept while the person logs in and consents.
type authRequest struct {
	ClientID      string   `json:"client_id"`
	RedirectURI   string   `json:"redirect_uri"`
	Scopes        []string `json:"scopes"`
	State         string   `json:"state,omitempty"`
	Nonce         string   `json:"nonce,omitempty"`
	CodeChallenge string   `json:"code_challenge,omitempty"` // S256 only
	Prompt        []string `json:"prompt,omitempty"`
	MaxAge        *int64   `json:"max_age,omitempty"`
	ACR           string   `json:"acr"` // the lowest level the request accepts
	Lang          string   `json:"lang,omitempty"`
}

func (a *authRequest) hasPrompt(p string) bool {
	for _, v := range a.Prompt {
		if v == p {
			return true
		}
	}
	return false
}

// grant is an authorization: the request and, once the person has
// logged in and consented, who they are, and the code and tokens issued.
type grant struct {
	ID         string
	ClientID   string
	Req        authRequest
	CreatedAt  time.Time
	ExpiresAt  time.Time
	Subject    string
	SessionID  string
	ACR        string
	AMR        []string
	AuthTime   time.Time
	Offline    bool
	CodeExpiry time.Time
	CodeUsed   bool
	Revoked    bool
	// Released is what the approval released, as JSON, kept for the
	// code's exchange; empty when it was not kept or has been used.
	Released string
}

// Lifetimes of what the authorization endpoint hands out.
const (
	requestLifetime = 10 * time.Minute // to log in and consent
	codeLifetime    = 60 * time.Second
)

// digest returns the stored form of a code or refresh token.
func digest(token string) string {
	h := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

const grantColumns = `id, client_id, request, created_at, expires_at, subject, session_id, acr, amr, auth_time,
	offline, code_expires, code_used_at, revoked_at`

// scanGrant scans grantColumns, and then into extra, columns that follow
// them.
func scanGrant(s scanner, extra ...any) (*grant, error) {
	var g grant
	var req, amr string
	var authTime, codeExp, used, revoked *time.Time
	if err := s.Scan(append([]any{&g.ID, &g.ClientID, &req, &g.CreatedAt, &g.ExpiresAt, &g.Subject, &g.SessionID, &g.ACR, &amr,
		&authTime, &g.Offline, &codeExp, &used, &revoked}, extra...)...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(req), &g.Req); err != nil {
		return nil, fmt.Errorf("oidc: grant %s: %w", g.ID, err)
	}
	g.AMR = strings.Fields(amr)
	if authTime != nil {
		g.AuthTime = *authTime
	}
	if codeExp != nil {
		g.CodeExpiry = *codeExp
	}
	g.CodeUsed = used != nil
	g.Revoked = revoked != nil
	return &g, nil
}

func loadGrant(ctx context.Context, q sqldb.Querier, id string) (*grant, error) {
	g, err := scanGrant(q.QueryRowContext(ctx, `SELECT `+grantColumns+` FROM oidc_grants WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("oidc: load grant: %w", sqldb.NotFound(err))
	}
	return g, nil
}

func grantByCode(ctx context.Context, q sqldb.Querier, code string) (*grant, error) {
	g, err := scanGrant(q.QueryRowContext(ctx, `SELECT `+grantColumns+` FROM oidc_grants WHERE code_hash = $1`, digest(code)))
	if err != nil {
		return nil, fmt.Errorf("oidc: grant by code: %w", sqldb.NotFound(err))
	}
	return g, nil
}

// insertApprovedGrant records a grant once the person has logged in and
// consented: the request, who they are, and the code that stands for the
// grant. The grant's ID, sealed in the request the browser carried, is
// the primary key, so a request is approved once; a second approval fails
// with errGrantSpent. Until its code is redeemed the grant lasts as long
// as the code.
func insertApprovedGrant(ctx context.Context, q sqldb.Querier, g *grant, code string, now time.Time) error {
	var released *string
	if g.Released != "" {
		released = &g.Released
	}
	req, err := json.Marshal(g.Req)
	if err != nil {
		return fmt.Errorf("oidc: approve grant: %w", err)
	}
	// Queued in a transaction: a second approval then fails the commit,
	// which complete also takes for a spent request.
	err = sqldb.Queue(ctx, q, `INSERT INTO oidc_grants (id, client_id, request, created_at, expires_at,
		subject, session_id, acr, amr, auth_time, offline, code_hash, code_expires, claims)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $5, $13)`,
		g.ID, g.ClientID, string(req), g.CreatedAt.UTC(), now.Add(codeLifetime).UTC(), g.Subject, g.SessionID, g.ACR,
		strings.Join(g.AMR, " "), g.AuthTime.UTC(), g.Offline, digest(code), released)
	if sqldb.IsUniqueViolation(err) {
		return fmt.Errorf("oidc: approve grant %s: %w", g.ID, errGrantSpent)
	}
	if err != nil {
		return fmt.Errorf("oidc: approve grant: %w", err)
	}
	return nil
}

var errGrantSpent = errors.New("already approved")

// endRequest ends a pending request that is not to be approved (its
// client has been disabled): a row with the grant's ID, without a person
// or a code and revoked, takes the primary key that an approval would,
// so that the request is never approved, on any node, even once the
// client is enabled again; the approval then finds it spent. The row
// lasts as long as the request could be presented, and maintenance
// removes it with the grants. A request approved already keeps its row.
func (p *Provider) endRequest(ctx context.Context, g *grant) error {
	req, err := json.Marshal(g.Req)
	if err != nil {
		return fmt.Errorf("oidc: end request %s: %w", g.ID, err)
	}
	_, err = p.opts.DB.Write.ExecContext(ctx, `INSERT INTO oidc_grants (id, client_id, request, created_at, expires_at,
		subject, session_id, acr, amr, offline, revoked_at)
		VALUES ($1, $2, $3, $4, $5, '', '', '', '', $6, $7) ON CONFLICT (id) DO NOTHING`,
		g.ID, g.ClientID, string(req), g.CreatedAt.UTC(), g.ExpiresAt.UTC(), false, p.now().UTC())
	if err != nil {
		return fmt.Errorf("oidc: end request %s: %w", g.ID, err)
	}
	return nil
}

// requestSpent reports whether request g has been approved or ended:
// whether its grant's row exists, on the primary.
func (p *Provider) requestSpent(ctx context.Context, id string) (bool, error) {
	var spent bool
	err := p.opts.DB.Write.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM oidc_grants WHERE id = $1)`, id).Scan(&spent)
	if err != nil {
		return false, fmt.Errorf("oidc: request %s: %w", id, err)
	}
	return spent, nil
}

// redeemByCode spends a code in one statement when everything the
// database can check holds: the code is client's, unused, its grant not
// revoked and the code not expired. The grant then lasts until
// refreshExpires if it is offline, accessExpires if not. It returns the
// grant as updated, with what its approval released (which the statement
// clears), or an error wrapping sqldb.ErrNotFound when any check fails;
// grantByCode then tells which. (offline is never NULL: the ELSE only
// gives PostgreSQL the type of the parameters.)
func redeemByCode(ctx context.Context, db *sqldb.DB, code, client string, now, accessExpires, refreshExpires time.Time) (*grant, error) {
	const spend = `UPDATE oidc_grants SET code_used_at = $1, claims = NULL,
		expires_at = CASE WHEN offline THEN $2 WHEN NOT offline THEN $3 ELSE expires_at END
		WHERE code_hash = $4 AND client_id = $5 AND code_used_at IS NULL AND revoked_at IS NULL AND code_expires > $1
		RETURNING ` + grantColumns
	args := []any{now.UTC(), refreshExpires.UTC(), accessExpires.UTC(), digest(code), client}
	var released *string
	var g *grant
	var err error
	if db.Dialect == sqldb.Postgres {
		// A subquery of RETURNING sees the row as it was before the
		// statement: the claims it clears, in the same round trip.
		g, err = scanGrant(db.Write.QueryRowContext(ctx, spend+`,
			(SELECT was.claims FROM oidc_grants was WHERE was.id = oidc_grants.id)`, args...), &released)
	} else {
		// SQLite's RETURNING sees the row as updated: the claims are read
		// first. They are only ever cleared, so a concurrent exchange at
		// worst leaves none, and the account is read instead.
		if err = db.Write.QueryRowContext(ctx, `SELECT claims FROM oidc_grants WHERE code_hash = $1`, digest(code)).Scan(&released); err == nil {
			g, err = scanGrant(db.Write.QueryRowContext(ctx, spend, args...))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("oidc: redeem code: %w", sqldb.NotFound(err))
	}
	if released != nil {
		g.Released = *released
	}
	return g, nil
}

// revokeGrant ends a grant: its access tokens fail at userinfo and
// introspection, its refresh tokens at the token endpoint; what its
// approval kept for the code's exchange goes at once.
func revokeGrant(ctx context.Context, q sqldb.Querier, id string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE oidc_grants SET revoked_at = $1, claims = NULL WHERE id = $2 AND revoked_at IS NULL`, now, id)
	if err != nil {
		return fmt.Errorf("oidc: revoke grant: %w", err)
	}
	return nil
}

func insertRefresh(ctx context.Context, q sqldb.Querier, token, grantID string, now, expires time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO oidc_refresh_tokens (hash, grant_id, issued_at, expires_at)
		VALUES ($1, $2, $3, $4)`, digest(token), grantID, now, expires)
	if err != nil {
		return fmt.Errorf("oidc: store refresh token: %w", err)
	}
	return nil
}
