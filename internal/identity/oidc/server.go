package oidc

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// server implements zitadel's op.Server for the token-side endpoints;
// zitadel's handler decodes requests, parses client credentials and
// writes OAuth errors.
type server struct {
	op.UnimplementedServer
	p *Provider
}

func (s *server) Keys(ctx context.Context, _ *op.Request[struct{}]) (*op.Response, error) {
	set, err := s.p.keys.jwks(ctx)
	if err != nil {
		return nil, op.AsStatusError(err, http.StatusInternalServerError)
	}
	resp := op.NewResponse(set)
	resp.Header.Set("Cache-Control", "public, max-age=300")
	return resp, nil
}

// VerifyClient authenticates the client at the token, revocation and
// introspection endpoints.
func (s *server) VerifyClient(ctx context.Context, r *op.Request[op.ClientCredentials]) (op.Client, error) {
	c, err := s.p.authenticateClient(ctx, r.Data)
	if err != nil {
		return nil, unauthorized(err)
	}
	return opClient{c}, nil
}

// unauthorized answers a failed client authentication with 401, as RFC
// 6749 section 5.2 asks.
func unauthorized(err error) error {
	var oe *oidc.Error
	if errors.As(err, &oe) && oe.ErrorType == oidc.InvalidClient {
		return op.NewStatusError(oe, http.StatusUnauthorized)
	}
	return err
}

// authenticateClient authenticates a client as it is registered. A client
// with a secret may send it in the Authorization header
// (client_secret_basic, as registered) or in the form (client_secret_post),
// as RFC 6749 section 2.3.1 allows: a library that tries one and then the
// other then sees the first answer's error, not a refusal of the second.
func (p *Provider) authenticateClient(ctx context.Context, cc *op.ClientCredentials) (*Client, error) {
	if cc.ClientAssertion != "" {
		return p.verifyAssertion(ctx, cc.ClientAssertion, cc.ClientID)
	}
	c, err := p.clients.get(ctx, cc.ClientID)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil, oidc.ErrInvalidClient().WithDescription("unknown client")
	}
	if err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	switch c.AuthMethod {
	case AuthNone:
		if cc.ClientSecret != "" {
			return nil, oidc.ErrInvalidClient().WithDescription("public clients have no secret")
		}
		return c, nil
	case AuthSecretBasic:
		if !c.secretMatches(cc.ClientSecret) {
			return nil, oidc.ErrInvalidClient().WithDescription("client authentication failed")
		}
		return c, nil
	}
	return nil, oidc.ErrInvalidClient().WithDescription("this client authenticates with private_key_jwt")
}

// verifyAssertion checks a private_key_jwt client assertion (RFC 7523):
// signed by one of the client's registered keys, issued by and about the
// client, for this provider, and not expired.
func (p *Provider) verifyAssertion(ctx context.Context, assertion, claimedID string) (*Client, error) {
	fail := oidc.ErrInvalidClient().WithDescription("client assertion invalid")
	tok, err := jwt.ParseSigned(assertion, []jose.SignatureAlgorithm{jose.ES256, jose.ES384, jose.RS256, jose.PS256, jose.EdDSA})
	if err != nil {
		return nil, fail.WithParent(err)
	}
	var unverified jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return nil, fail.WithParent(err)
	}
	id := unverified.Issuer
	if id == "" || claimedID != "" && claimedID != id {
		return nil, fail
	}
	c, err := p.clients.get(ctx, id)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil, oidc.ErrInvalidClient().WithDescription("unknown client")
	}
	if err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	if c.AuthMethod != AuthPrivateKeyJWT || c.keys == nil {
		return nil, oidc.ErrInvalidClient().WithDescription("this client does not authenticate with private_key_jwt")
	}
	var claims jwt.Claims
	verified := false
	kid := tok.Headers[0].KeyID
	for _, k := range c.keys.Keys {
		if kid != "" && k.KeyID != "" && k.KeyID != kid {
			continue
		}
		if tok.Claims(k.Key, &claims) == nil {
			verified = true
			break
		}
	}
	if !verified {
		return nil, fail.WithDescription("client assertion signature invalid")
	}
	now := p.now()
	if claims.Expiry == nil || claims.Expiry.Time().After(now.Add(maxAssertionLife)) {
		return nil, fail.WithDescription("client assertion must expire within ten minutes")
	}
	if claims.ID == "" || len(claims.ID) > 256 {
		return nil, fail.WithDescription("client assertion needs a jti")
	}
	err = claims.ValidateWithLeeway(jwt.Expected{
		Issuer: id, Subject: id, Time: now,
		AnyAudience: jwt.Audience{p.issuer, p.issuer + "/", p.issuer + PathToken, p.issuer + PathIntrospect, p.issuer + PathRevoke},
	}, assertionLeeway)
	if err != nil {
		return nil, fail.WithDescription("client assertion claims invalid").WithParent(err)
	}
	if err := p.spendAssertion(ctx, id, claims.ID, claims.Expiry.Time()); err != nil {
		if errors.Is(err, errAssertionReplayed) {
			p.audit(ctx, nil, AuditEvent{Kind: "oidc.assertion.replay", Client: id, Subject: id,
				Details: map[string]string{"client_id": id}})
			return nil, fail.WithDescription("client assertion already used")
		}
		return nil, oidc.ErrServerError().WithParent(err)
	}
	return c, nil
}

// A private_key_jwt assertion is accepted once, and only if it expires
// soon, so that its jti need be kept only briefly.
const (
	maxAssertionLife = 10 * time.Minute
	assertionLeeway  = 30 * time.Second
)

var errAssertionReplayed = errors.New("oidc: client assertion already used")

// spendAssertion records a client assertion's jti until the assertion
// expires. The primary key makes a second use fail on every node, even
// when two arrive at once.
func (p *Provider) spendAssertion(ctx context.Context, clientID, jti string, exp time.Time) error {
	_, err := p.opts.DB.Write.ExecContext(ctx, `INSERT INTO oidc_assertion_jtis (client_id, jti, expires_at)
		VALUES ($1, $2, $3)`, clientID, jti, exp.UTC().Add(assertionLeeway))
	if sqldb.IsUniqueViolation(err) {
		return errAssertionReplayed
	}
	if err != nil {
		return fmt.Errorf("oidc: record client assertion: %w", err)
	}
	return nil
}

// CodeExchange redeems an authorization code. A code is used once: a
// second use fails and revokes every token issued from the first.
func (s *server) CodeExchange(ctx context.Context, r *op.ClientRequest[oidc.AccessTokenRequest]) (*op.Response, error) {
	p := s.p
	c := r.Client.(opClient).Client
	now := p.now()
	// The code is spent first, in one statement, and the checks only Go
	// can make follow: an exchange that fails them has still used the
	// code, which is single-use either way (RFC 6749 section 4.1.2).
	g, err := redeemByCode(ctx, p.opts.DB, r.Data.Code, c.ID, now,
		now.Add(p.opts.AccessTokenLifetime), now.Add(p.opts.RefreshTokenLifetime))
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil, p.whyNotRedeemed(ctx, c, r.Data.Code, now)
	}
	if err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	if r.Data.RedirectURI != g.Req.RedirectURI {
		return nil, oidc.ErrInvalidGrant().WithDescription("redirect_uri does not match the authorization request")
	}
	if g.Req.CodeChallenge != "" || r.Data.CodeVerifier != "" {
		if !pkceMatches(r.Data.CodeVerifier, g.Req.CodeChallenge) {
			return nil, oidc.ErrInvalidGrant().WithDescription("code_verifier does not match the code_challenge")
		}
	}
	var refresh string
	if g.Offline {
		refresh = randomToken(32)
		if err := insertRefresh(ctx, p.opts.DB.Write, refresh, g.ID, now, p.offlineEnd(g)); err != nil {
			// No token was issued; the spent code cannot be tried again.
			return nil, oidc.ErrServerError().WithParent(err)
		}
	}
	resp, err := p.issueForGrant(ctx, c, g, refresh)
	if err != nil {
		return nil, oidc.DefaultToServerError(err, "cannot issue tokens")
	}
	return op.NewResponse(resp), nil
}

// whyNotRedeemed tells why a code could not be spent: it is unknown, was
// used before (a replay, which revokes the grant and every token issued
// for it), belongs to another client, or has expired.
func (p *Provider) whyNotRedeemed(ctx context.Context, c *Client, code string, now time.Time) error {
	g, err := grantByCode(ctx, p.opts.DB.Write, code)
	switch {
	case errors.Is(err, sqldb.ErrNotFound):
		return oidc.ErrInvalidGrant().WithDescription("code unknown or expired")
	case err != nil:
		return oidc.ErrServerError().WithParent(err)
	case g.CodeUsed || g.Revoked:
		p.codeReplayed(ctx, g, now)
		return oidc.ErrInvalidGrant().WithDescription("code already used")
	case g.ClientID != c.ID:
		return oidc.ErrInvalidGrant().WithDescription("code issued to another client")
	case !now.Before(g.CodeExpiry):
		return oidc.ErrInvalidGrant().WithDescription("code expired")
	}
	return oidc.ErrServerError().WithDescription("the code could not be redeemed")
}

func (p *Provider) codeReplayed(ctx context.Context, g *grant, now time.Time) {
	if err := revokeGrant(ctx, p.opts.DB.Write, g.ID, now); err != nil {
		p.log.ErrorContext(ctx, "oidc: revoke grant after code replay", "grant", g.ID, "err", err)
	}
	p.audit(ctx, nil, AuditEvent{Kind: "oidc.code.replay", Client: g.ClientID, Subject: g.Subject,
		Details: map[string]string{"client_id": g.ClientID, "grant": g.ID}})
}

// pkceMatches checks an S256 code verifier (RFC 7636).
func pkceMatches(verifier, challenge string) bool {
	if challenge == "" || len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	h := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(h[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// RefreshToken rotates a refresh token: the old one is spent and a new
// one issued. Presenting a spent refresh token again means it was copied:
// the whole grant is revoked. Of requests presenting one token at once,
// one spends it and the others are such a reuse.
func (s *server) RefreshToken(ctx context.Context, r *op.ClientRequest[oidc.RefreshTokenRequest]) (*op.Response, error) {
	p := s.p
	c := r.Client.(opClient).Client
	now := p.now()
	hash := digest(r.Data.RefreshToken)
	var g *grant
	var scopes []string
	var reused bool
	next := randomToken(32)
	err := p.opts.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var grantID string
		var expires time.Time
		var used *time.Time
		err := tx.QueryRowContext(ctx, `SELECT grant_id, expires_at, used_at FROM oidc_refresh_tokens WHERE hash = $1`, hash).
			Scan(&grantID, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return oidc.ErrInvalidGrant().WithDescription("refresh token unknown")
		}
		if err != nil {
			return err
		}
		if g, err = loadGrant(ctx, tx, grantID); err != nil {
			return err
		}
		if g.ClientID != c.ID {
			return oidc.ErrInvalidGrant().WithDescription("refresh token issued to another client")
		}
		if used != nil {
			reused = true
			return revokeGrant(ctx, tx, g.ID, now)
		}
		if g.Revoked || !now.Before(expires) {
			return oidc.ErrInvalidGrant().WithDescription("refresh token revoked or expired")
		}
		end := p.offlineEnd(g)
		if !now.Before(end) {
			return oidc.ErrInvalidGrant().WithDescription("offline access has ended; the person must log in again")
		}
		// A request refused for its scopes leaves the token unspent, to
		// be presented again.
		if scopes, err = refreshScopes(g, c, r.Data.Scopes); err != nil {
			return err
		}
		// The token is spent only while it is unused. A request that read
		// it unused above while another was spending it (PostgreSQL reads
		// at READ COMMITTED) finds it spent here: it presented a spent
		// token, as a copy used at the same moment as the client does.
		res, err := tx.ExecContext(ctx, `UPDATE oidc_refresh_tokens SET used_at = $1 WHERE hash = $2 AND used_at IS NULL`, now, hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			reused = true
			return revokeGrant(ctx, tx, g.ID, now)
		}
		// The grant ends then too: the code's exchange let it last from
		// then, and refreshes used to extend it.
		if err := tx.Queue(ctx, `UPDATE oidc_grants SET expires_at = $1 WHERE id = $2`, end, g.ID); err != nil {
			return err
		}
		return insertRefresh(ctx, tx, next, g.ID, now, end)
	})
	if reused {
		p.audit(ctx, nil, AuditEvent{Kind: "oidc.refresh.reuse", Client: c.ID, Subject: g.Subject,
			Details: map[string]string{"client_id": c.ID, "grant": g.ID}})
		return nil, oidc.ErrInvalidGrant().WithDescription("refresh token already used; the grant is revoked")
	}
	if err != nil {
		return nil, oidc.DefaultToServerError(err, "cannot refresh")
	}
	g.Req.Scopes = scopes
	resp, err := p.issueForGrant(ctx, c, g, next)
	if err != nil {
		return nil, oidc.DefaultToServerError(err, "cannot issue tokens")
	}
	return op.NewResponse(resp), nil
}

// refreshScopes returns the scopes a refresh of g by c releases: those
// it asks for, which must all have been granted, or else all the grant's
// (RFC 6749 section 6), less those the ministry has since withdrawn from
// the client, whose registration applies to grants already made as it
// does to requests on their way (A5). Scopes the window does not know
// are ignored, as in the authorization request, so that a client may
// send the same scope string to both. Without offline_access the grant
// is no longer refreshed.
func refreshScopes(g *grant, c *Client, asked []string) ([]string, error) {
	if !c.allows(ScopeOffline) {
		return nil, oidc.ErrInvalidGrant().WithDescription("offline access is no longer allowed for this client")
	}
	asked = slices.DeleteFunc(slices.Clone(asked), func(sc string) bool { return !scopeKnown(sc) })
	for _, sc := range asked {
		if !slices.Contains(g.Req.Scopes, sc) {
			return nil, oidc.ErrInvalidScope().WithDescription("scope %q was not granted", sc)
		}
	}
	if len(asked) == 0 {
		asked = g.Req.Scopes
	}
	var out []string
	for _, sc := range asked {
		if sc == ScopeOpenID || c.allows(sc) {
			out = append(out, sc)
		}
	}
	return out, nil
}

// offlineEnd is when g's offline access ends: RefreshTokenLifetime after
// its authorization request, which the person approved within minutes,
// as the consent page promises ("up to 30 days"). Refreshing rotates the
// refresh token but does not extend it.
func (p *Provider) offlineEnd(g *grant) time.Time {
	return g.CreatedAt.Add(p.opts.RefreshTokenLifetime)
}

// ClientCredentialsExchange issues an agency back-end its own access
// token. The token is a self-contained JWT: nothing is written.
func (s *server) ClientCredentialsExchange(ctx context.Context, r *op.ClientRequest[oidc.ClientCredentialsRequest]) (*op.Response, error) {
	p := s.p
	c := r.Client.(opClient).Client
	if !c.ClientCredentials {
		return nil, oidc.ErrUnauthorizedClient().WithDescription("client_credentials is not enabled for this client")
	}
	// A scope parameter sent empty is as if not sent (RFC 6749 3.1).
	scopes := slices.DeleteFunc(slices.Clone(r.Data.Scope), func(sc string) bool { return sc == "" })
	for _, sc := range scopes {
		if sc == ScopeOpenID || sc == ScopeOffline || !c.allows(sc) {
			return nil, oidc.ErrInvalidScope().WithDescription("scope %q is not allowed for this client", sc)
		}
	}
	now := p.now()
	at := accessClaims{
		Issuer: p.issuer, Subject: c.ID, Audience: []string{p.issuer}, Expiry: now.Add(p.opts.AccessTokenLifetime).Unix(),
		IssuedAt: now.Unix(), JTI: "cc." + randomToken(12), ClientID: c.ID, Scope: strings.Join(scopes, " "),
	}
	tok, err := p.keys.sign(ctx, jose.ES256, typAccess, at)
	if err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	return op.NewResponse(&oidc.AccessTokenResponse{AccessToken: tok, TokenType: oidc.BearerToken,
		ExpiresIn: uint64(p.opts.AccessTokenLifetime / time.Second), Scope: scopes}), nil
}

// UserInfo answers the standard userinfo endpoint with the claims the
// token's scopes release.
func (s *server) UserInfo(ctx context.Context, r *op.Request[oidc.UserInfoRequest]) (*op.Response, error) {
	p := s.p
	c, err := p.checkAccess(ctx, r.Data.AccessToken)
	if err != nil || c.grantID() == "" {
		// RFC 6750 section 3.1; the route adds the Bearer challenge.
		return nil, op.NewStatusError(&oidc.Error{ErrorType: "invalid_token", Description: "access token invalid"}, http.StatusUnauthorized)
	}
	acct, err := p.opts.Accounts.Claims(ctx, c.Subject)
	if err != nil {
		return nil, op.AsStatusError(oidc.ErrServerError().WithParent(err), http.StatusInternalServerError)
	}
	out := userClaims(acct, c.scopes())
	out["sub"] = c.Subject
	return op.NewResponse(out), nil
}

// Introspect answers RFC 7662 for the calling client's own tokens.
func (s *server) Introspect(ctx context.Context, r *op.Request[op.IntrospectionRequest]) (*op.Response, error) {
	p := s.p
	caller, err := p.authenticateClient(ctx, r.Data.ClientCredentials)
	if err == nil && caller.AuthMethod == AuthNone {
		err = oidc.ErrInvalidClient().WithDescription("introspection needs an authenticated client")
	}
	if err != nil {
		return nil, unauthorized(err)
	}
	resp := &oidc.IntrospectionResponse{}
	c, err := p.checkAccess(ctx, r.Data.Token)
	if err != nil || c.ClientID != caller.ID {
		return op.NewResponse(resp), nil
	}
	resp.Active = true
	resp.Scope = c.scopes()
	resp.ClientID = c.ClientID
	resp.TokenType = oidc.BearerToken
	resp.Expiration = oidc.FromTime(time.Unix(c.Expiry, 0))
	resp.IssuedAt = oidc.FromTime(time.Unix(c.IssuedAt, 0))
	if c.AuthTime != 0 {
		resp.AuthTime = oidc.FromTime(time.Unix(c.AuthTime, 0))
	}
	resp.Subject = c.Subject
	resp.Audience = c.Audience
	resp.Issuer = c.Issuer
	resp.JWTID = c.JTI
	return op.NewResponse(resp), nil
}

// Revocation (RFC 7009) revokes the grant behind a person's refresh or
// access token, so that every token of that authorization stops working.
// A client's own access tokens are short-lived and not revocable.
func (s *server) Revocation(ctx context.Context, r *op.ClientRequest[oidc.RevocationRequest]) (*op.Response, error) {
	p := s.p
	c := r.Client.(opClient).Client
	now := p.now()
	var grantID string
	err := p.opts.DB.Read.QueryRowContext(ctx, `SELECT grant_id FROM oidc_refresh_tokens WHERE hash = $1`, digest(r.Data.Token)).Scan(&grantID)
	if errors.Is(err, sql.ErrNoRows) {
		if ac, err := p.checkAccess(ctx, r.Data.Token); err == nil {
			grantID = ac.grantID()
		}
	} else if err != nil {
		return nil, op.AsStatusError(oidc.ErrServerError().WithParent(err), http.StatusServiceUnavailable)
	}
	if grantID == "" {
		return op.NewResponse(struct{}{}), nil
	}
	g, err := loadGrant(ctx, p.opts.DB.Read, grantID)
	if err != nil || g.ClientID != c.ID {
		return op.NewResponse(struct{}{}), nil
	}
	if err := revokeGrant(ctx, p.opts.DB.Write, g.ID, now); err != nil {
		return nil, op.AsStatusError(oidc.ErrServerError().WithParent(err), http.StatusServiceUnavailable)
	}
	p.audit(ctx, nil, AuditEvent{Kind: "oidc.token.revoke", Client: c.ID, Subject: g.Subject,
		Details: map[string]string{"client_id": c.ID, "grant": g.ID}})
	return op.NewResponse(struct{}{}), nil
}
