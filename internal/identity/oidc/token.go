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

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// accessClaims are the claims of an access token (RFC 9068). For a
// person's token the jti begins with the grant's ID, so that revoking
// the grant revokes the token.
type accessClaims struct {
	Issuer   string   `json:"iss"`
	Subject  string   `json:"sub"`
	Audience []string `json:"aud"`
	Expiry   int64    `json:"exp"`
	IssuedAt int64    `json:"iat"`
	JTI      string   `json:"jti"`
	ClientID string   `json:"client_id"`
	Scope    string   `json:"scope,omitempty"`
	ACR      string   `json:"acr,omitempty"`
	AuthTime int64    `json:"auth_time,omitempty"`
}

// grantID returns the grant a person's access token belongs to, or ""
// for a client's own token.
func (c *accessClaims) grantID() string {
	id, _, ok := strings.Cut(c.JTI, ".")
	if !ok || id == "cc" {
		return ""
	}
	return id
}

func (c *accessClaims) scopes() []string { return strings.Fields(c.Scope) }

// issueForGrant signs an access token and an ID token for a grant and,
// when refresh is set, returns it in the response too.
func (p *Provider) issueForGrant(ctx context.Context, c *Client, g *grant, refresh string) (*oidc.AccessTokenResponse, error) {
	now := p.now()
	exp := now.Add(p.opts.AccessTokenLifetime)
	at := accessClaims{
		Issuer: p.issuer, Subject: g.Subject, Audience: []string{c.ID}, Expiry: exp.Unix(), IssuedAt: now.Unix(),
		JTI: g.ID + "." + randomToken(12), ClientID: c.ID, Scope: strings.Join(g.Req.Scopes, " "),
		ACR: g.ACR, AuthTime: g.AuthTime.Unix(),
	}
	alg := jose.SignatureAlgorithm(c.IDTokenAlg)
	access, err := p.keys.sign(ctx, jose.ES256, typAccess, at)
	if err != nil {
		return nil, err
	}
	claims := map[string]any{}
	if g.Released != "" {
		// What the approval released, kept for this exchange.
		d := json.NewDecoder(strings.NewReader(g.Released))
		d.UseNumber()
		if err := d.Decode(&claims); err != nil {
			return nil, oidc.ErrServerError().WithParent(fmt.Errorf("oidc: grant %s: released claims: %w", g.ID, err))
		}
	} else if len(consentScopes(g.Req.Scopes)) > 0 {
		acct, err := p.opts.Accounts.Claims(ctx, g.Subject)
		if err != nil {
			return nil, oidc.ErrServerError().WithParent(err)
		}
		claims = userClaims(acct, g.Req.Scopes)
	}
	claims["iss"] = p.issuer
	claims["sub"] = g.Subject
	claims["aud"] = c.ID
	claims["azp"] = c.ID
	claims["iat"] = now.Unix()
	claims["exp"] = now.Add(p.opts.IDTokenLifetime).Unix()
	claims["auth_time"] = g.AuthTime.Unix()
	claims["acr"] = g.ACR
	claims["amr"] = g.AMR
	if g.SessionID != "" {
		claims["sid"] = publicSID(g.SessionID)
	}
	if g.Req.Nonce != "" {
		claims["nonce"] = g.Req.Nonce
	}
	claims["at_hash"] = halfHash(access, alg)
	id, err := p.keys.sign(ctx, alg, typID, claims)
	if err != nil {
		return nil, err
	}
	return &oidc.AccessTokenResponse{
		AccessToken:  access,
		TokenType:    oidc.BearerToken,
		RefreshToken: refresh,
		ExpiresIn:    uint64(p.opts.AccessTokenLifetime / time.Second),
		IDToken:      id,
		Scope:        g.Req.Scopes,
	}, nil
}

// halfHash is the at_hash of OpenID Connect Core 3.1.3.6: the left half
// of the token's SHA-256 for the 256-bit algorithms both keys use.
func halfHash(token string, _ jose.SignatureAlgorithm) string {
	h := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(h[:16])
}

// publicSID derives the sid agencies see from the window's session ID,
// which must not leave the window.
func publicSID(sessionID string) string {
	if sessionID == "" {
		return ""
	}
	h := sha256.Sum256([]byte("panjereh-oidc-sid:" + sessionID))
	return base64.RawURLEncoding.EncodeToString(h[:18])
}

// errTokenInvalid is any reason an access token is not accepted.
var errTokenInvalid = errors.New("oidc: access token invalid")

// checkAccess verifies an access token: signature, issuer, expiry, and,
// for a person's token, that its grant has not been revoked.
func (p *Provider) checkAccess(ctx context.Context, token string) (*accessClaims, error) {
	payload, err := p.keys.verify(ctx, token, typAccess)
	if err != nil {
		return nil, errTokenInvalid
	}
	var c accessClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, errTokenInvalid
	}
	if c.Issuer != p.issuer || p.now().Unix() >= c.Expiry {
		return nil, errTokenInvalid
	}
	if gid := c.grantID(); gid != "" {
		g, err := loadGrant(ctx, p.opts.DB.Read, gid)
		if err != nil || g.Revoked || g.Subject != c.Subject {
			return nil, errTokenInvalid
		}
	}
	return &c, nil
}
