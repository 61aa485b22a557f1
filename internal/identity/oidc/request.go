package oidc

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// A pending authorization request travels in the browser's URL, sealed
// with the RequestKey, rather than in a database row: the login bridge
// and the consent page read it without a query, and only the approval,
// which issues the code, writes the grant (insertApprovedGrant). The
// grant ID sealed in the request is that row's primary key, so a request
// is approved once; a request whose client has been disabled is ended
// by taking that key without approving it (endRequest).

// requestPrefix marks the first sealed form, so that a later one can be
// told apart.
const requestPrefix = "r1."

// requestPurpose is the seal's additional data: a value sealed with the
// same key for another purpose does not open as a request.
var requestPurpose = []byte("oidc authorization request")

// sealedRequest is what the sealed form holds. The request keeps the
// JSON names of the grant's request column; times are Unix microseconds,
// shorter than text.
type sealedRequest struct {
	ID      string      `json:"i"`
	Created int64       `json:"c"`
	Expires int64       `json:"e"`
	Req     authRequest `json:"r"`
}

// errRequestBroken is a value that does not open as a request: altered,
// cut short, sealed with another key or not sealed at all. It is treated
// like an expired request.
var errRequestBroken = fmt.Errorf("oidc: authorization request does not open: %w", sqldb.ErrNotFound)

// sealRequest returns the pending grant g, not yet approved, as an opaque
// URL-safe string: AES-256-GCM with a random nonce, in base64url after
// the version prefix.
func (p *Provider) sealRequest(g *grant) (string, error) {
	plain, err := json.Marshal(sealedRequest{ID: g.ID, Created: g.CreatedAt.UnixMicro(), Expires: g.ExpiresAt.UnixMicro(), Req: g.Req})
	if err != nil {
		return "", fmt.Errorf("oidc: seal authorization request: %w", err)
	}
	return requestPrefix + base64.RawURLEncoding.EncodeToString(seal(p.requests, nil, plain, requestPurpose)), nil
}

// openRequest returns the pending grant sealed in s. An error wraps
// sqldb.ErrNotFound when s does not open or the request has expired.
func (p *Provider) openRequest(s string) (*grant, error) {
	rest, ok := strings.CutPrefix(s, requestPrefix)
	if !ok {
		return nil, errRequestBroken
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return nil, errRequestBroken
	}
	plain, err := open(p.requests, raw, requestPurpose)
	if err != nil {
		return nil, errRequestBroken
	}
	var sr sealedRequest
	if err := json.Unmarshal(plain, &sr); err != nil || sr.ID == "" || sr.Req.ClientID == "" {
		// Only this provider's key seals, so this is a format it no
		// longer reads.
		return nil, errors.Join(errRequestBroken, err)
	}
	g := &grant{ID: sr.ID, ClientID: sr.Req.ClientID, Req: sr.Req,
		CreatedAt: time.UnixMicro(sr.Created).UTC(), ExpiresAt: time.UnixMicro(sr.Expires).UTC()}
	if !p.now().Before(g.ExpiresAt) {
		return nil, fmt.Errorf("oidc: authorization request %s expired: %w", g.ID, sqldb.ErrNotFound)
	}
	return g, nil
}
