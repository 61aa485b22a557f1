package oidc

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

// Client authentication methods.
const (
	AuthSecretBasic   = "client_secret_basic"
	AuthPrivateKeyJWT = "private_key_jwt"
	AuthNone          = "none" // public clients, which must use PKCE
)

// Client is an agency registered to use the national SSO.
type Client struct {
	ID                 string
	NameFa, NameEn     string
	LogoURL            string // where the logo was fetched from
	LogoType           string // the stored copy's media type; empty when none
	RedirectURIs       []string
	PostLogoutURIs     []string
	BackchannelURI     string
	Scopes             []string // the scopes it may receive
	MaxACR             string
	AuthMethod         string
	JWKS               string // the client's public keys, for private_key_jwt
	IDTokenAlg         string // ES256 or RS256
	SessionSeconds     int    // lifetime hint for the window session (A7)
	RequirePKCE        bool
	ClientCredentials  bool // may use the client_credentials grant
	Disabled           bool
	CreatedAt, Updated time.Time

	secretHash string
	keys       *jose.JSONWebKeySet
}

// Problem is one thing wrong with a client's settings: the form field
// it concerns and what is wrong, in both languages.
type Problem struct {
	Field string // the console form's field name, such as "redirect_uris"
	Text  web.Text
}

// Limits of a client's registration.
const (
	maxClientID       = 64
	maxClientName     = 200 // characters
	maxSessionSeconds = 7 * 24 * 3600
)

// sessionRange is what is wrong with a session lifetime out of bounds.
var sessionRange = web.Text{Fa: "مدت نشست باید بین ۰ و ۷ روز باشد.", En: "The session lifetime must be between 0 and 7 days."}

// Validate lists every problem with the client's settings, as for
// registering it.
func (c *Client) Validate() []Problem { return c.validate(true) }

// validate lists the problems with the client's settings. The rule for
// IDs applies when a client is registered (isNew): one registered before
// the rule, which cannot be renamed, can still be edited, and disabled.
func (c *Client) validate(isNew bool) []Problem {
	var p []Problem
	add := func(field, fa, en string) { p = append(p, Problem{field, web.Text{Fa: fa, En: en}}) }
	if isNew && !validClientID(c.ID) {
		add("id", "شناسه باید ۱ تا ۶۴ نویسه از حروف انگلیسی (a تا z و A تا Z)، رقم‌ها، «-»، «_» و «.» باشد و با «.» آغاز نشود.",
			"The ID must be 1 to 64 characters of ASCII letters, digits, '-', '_' and '.', and not start with '.'.")
	}
	for _, n := range []struct{ field, value, fa, en string }{
		{"name_fa", c.NameFa, "فارسی", "Persian"},
		{"name_en", c.NameEn, "انگلیسی", "English"},
	} {
		switch {
		case strings.TrimSpace(n.value) == "":
			add(n.field, "نام "+n.fa+" دستگاه لازم است.", "The agency's "+n.en+" name is required.")
		case utf8.RuneCountInString(n.value) > maxClientName:
			add(n.field, "نام "+n.fa+" دستگاه باید حداکثر ۲۰۰ نویسه باشد.", "The agency's "+n.en+" name must be at most 200 characters.")
		case !plainText(n.value):
			add(n.field, "نام "+n.fa+" دستگاه نباید نویسهٔ کنترلی (مانند NUL یا سطر تازه) یا بایت نامعتبر داشته باشد.",
				"The agency's "+n.en+" name must not contain control characters (such as NUL or a line break) or invalid bytes.")
		}
	}
	if len(c.RedirectURIs) == 0 && !c.ClientCredentials {
		add("redirect_uris", "دست‌کم یک نشانی بازگشت لازم است.", "At least one redirect URI is required.")
	}
	for _, u := range c.RedirectURIs {
		if !validClientURL(u) {
			add("redirect_uris", "نشانی بازگشت «"+u+"» باید https باشد (http فقط روی loopback) و بخش #، نام کاربری و گذرواژه یا * نداشته باشد.",
				"Redirect URI "+u+" must use https (http only on loopback) and have no fragment, user name and password, or *.")
		}
	}
	for _, u := range c.PostLogoutURIs {
		if !validClientURL(u) {
			add("post_logout_uris", "نشانی بازگشت پس از خروج «"+u+"» باید https باشد (http فقط روی loopback) و بخش #، نام کاربری و گذرواژه یا * نداشته باشد.",
				"Post-logout URI "+u+" must use https (http only on loopback) and have no fragment, user name and password, or *.")
		}
	}
	if c.BackchannelURI != "" && !validClientURL(c.BackchannelURI) {
		add("backchannel_uri", "نشانی خروج از کانال پشتی باید https باشد (http فقط روی loopback).",
			"The back-channel logout URI must use https (http only on loopback).")
	}
	if c.LogoURL != "" && !validClientURL(c.LogoURL) {
		add("logo_url", "نشانی نشان باید https باشد (http فقط روی loopback).", "The logo URL must use https (http only on loopback).")
	}
	for _, s := range c.Scopes {
		if !scopeKnown(s) {
			add("scope", "دامنهٔ دسترسی «"+s+"» شناخته نیست.", "Scope "+s+" is unknown.")
		}
	}
	if acrRank(c.MaxACR) == 0 {
		add("max_acr", "بیشترین سطح اطمینان باید loa1، loa2 یا loa3 باشد.", "The highest assurance level must be loa1, loa2 or loa3.")
	}
	switch c.AuthMethod {
	case AuthSecretBasic, AuthNone:
	case AuthPrivateKeyJWT:
		if _, err := parseJWKS(c.JWKS); err != nil {
			add("jwks", "کلیدهای عمومی پذیرفته نشد: باید یک JWKS با دست‌کم یک کلید عمومی معتبر باشد و کلید خصوصی نداشته باشد.",
				"The public keys were not accepted: give a JWKS with at least one valid public key and no private key ("+err.Error()+").")
		}
	default:
		add("auth_method", "روش احراز هویت باید client_secret_basic، private_key_jwt یا none باشد.",
			"The authentication method must be client_secret_basic, private_key_jwt or none.")
	}
	if c.AuthMethod == AuthNone && c.ClientCredentials {
		add("client_credentials", "کلاینت عمومی (بدون رمز) نمی‌تواند client_credentials داشته باشد.",
			"A public client cannot use client_credentials.")
	}
	if c.IDTokenAlg != "ES256" && c.IDTokenAlg != "RS256" {
		add("id_token_alg", "الگوریتم امضا باید ES256 یا RS256 باشد.", "The signing algorithm must be ES256 or RS256.")
	}
	if c.SessionSeconds < 0 || c.SessionSeconds > maxSessionSeconds {
		p = append(p, Problem{"session_minutes", sessionRange})
	}
	return p
}

// validClientID reports whether id is a client ID that may be
// registered: ASCII letters, digits, '-', '_' and '.', not starting with
// '.', at most maxClientID long. Such an ID is a path segment as it is,
// so the console's link to the client works, and it is never "." or
// "..", which a browser would resolve away.
func validClientID(id string) bool {
	if id == "" || len(id) > maxClientID || id[0] == '.' {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch b := id[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9', b == '-', b == '_', b == '.':
		default:
			return false
		}
	}
	return true
}

// plainText reports whether s is valid UTF-8 without control characters
// or line and paragraph separators: a name shown on one line.
func plainText(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

// validClientURL is an absolute https URL (http on loopback only),
// without fragment, credentials or wildcard: redirect URIs are matched
// exactly, so a "*" would only mislead whoever reads the registration.
func validClientURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || !utf8.ValidString(s) || u.Host == "" || u.Fragment != "" || u.User != nil || strings.Contains(s, "*") {
		return false
	}
	return u.Scheme == "https" || u.Scheme == "http" && isLoopback(u.Hostname())
}

func parseJWKS(s string) (*jose.JSONWebKeySet, error) {
	var ks jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(s), &ks); err != nil {
		return nil, errors.New("not a JSON Web Key Set")
	}
	if len(ks.Keys) == 0 {
		return nil, errors.New("no keys")
	}
	for _, k := range ks.Keys {
		if !k.IsPublic() || !k.Valid() {
			return nil, errors.New("every key must be a valid public key")
		}
	}
	return &ks, nil
}

// hashSecret returns the stored form of a client secret. Secrets are 256
// random bits made by the provider, so one SHA-256 is as strong as a slow
// password hash would be, and keeps the token endpoint fast.
func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func (c *Client) secretMatches(secret string) bool {
	if c.secretHash == "" || secret == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(c.secretHash)) == 1
}

func (c *Client) allows(scope string) bool { return slices.Contains(c.Scopes, scope) }

// Name returns the client's name in lang.
func (c *Client) Name(lang string) string {
	if lang == "en" {
		return c.NameEn
	}
	return c.NameFa
}

// opClient adapts a Client to zitadel's op.Client.
type opClient struct{ *Client }

var _ op.Client = opClient{}

func (c opClient) GetID() string                    { return c.ID }
func (c opClient) RedirectURIs() []string           { return c.Client.RedirectURIs }
func (c opClient) PostLogoutRedirectURIs() []string { return c.PostLogoutURIs }
func (c opClient) ApplicationType() op.ApplicationType {
	if c.Client.AuthMethod == AuthNone {
		return op.ApplicationTypeUserAgent
	}
	return op.ApplicationTypeWeb
}
func (c opClient) AuthMethod() oidc.AuthMethod { return oidc.AuthMethod(c.Client.AuthMethod) }
func (c opClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c opClient) GrantTypes() []oidc.GrantType {
	g := []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
	if c.ClientCredentials {
		g = append(g, oidc.GrantTypeClientCredentials)
	}
	return g
}
func (c opClient) LoginURL(id string) string            { return PathLogin + "?id=" + url.QueryEscape(id) }
func (c opClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeJWT }
func (c opClient) IDTokenLifetime() time.Duration       { return time.Hour }
func (c opClient) DevMode() bool                        { return false }
func (c opClient) IsScopeAllowed(scope string) bool     { return c.allows(scope) }
func (c opClient) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c opClient) ClockSkew() time.Duration             { return 0 }
func (c opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// errClientDisabled is the error of a disabled client: not found to
// everything that uses clients, except the authorization endpoint and
// the pages that go on with a pending request (the login bridge, the
// consent form), which tell people that logins through the agency are
// suspended rather than that it is unknown or that their request has
// expired.
var errClientDisabled = fmt.Errorf("oidc: client disabled: %w", sqldb.ErrNotFound)

// clientCache keeps clients briefly, so that the token endpoint does not
// read the database for every request. Edits on this node take effect at
// once; on other nodes within the TTL.
type clientCache struct {
	db  *sqldb.DB
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	items map[string]cachedClient
}

type cachedClient struct {
	c       *Client
	err     error
	expires time.Time
}

func (cc *clientCache) get(ctx context.Context, id string) (*Client, error) {
	now := cc.now()
	cc.mu.Lock()
	it, ok := cc.items[id]
	cc.mu.Unlock()
	if ok && now.Before(it.expires) {
		return it.c, it.err
	}
	return cc.load(ctx, cc.db.Read, id, now)
}

// fresh is get reading the client from the primary, whatever the cache
// holds: for a decision that cannot be taken back on what may be a
// cached or replicated state.
func (cc *clientCache) fresh(ctx context.Context, id string) (*Client, error) {
	return cc.load(ctx, cc.db.Write, id, cc.now())
}

// load reads client id with q and caches what it found.
func (cc *clientCache) load(ctx context.Context, q sqldb.Querier, id string, now time.Time) (*Client, error) {
	c, err := loadClient(ctx, q, id)
	if err != nil && !errors.Is(err, sqldb.ErrNotFound) {
		return nil, err
	}
	if err == nil && c.Disabled {
		c, err = nil, fmt.Errorf("oidc: client %q: %w", id, errClientDisabled)
	}
	cc.mu.Lock()
	if len(cc.items) > 10000 {
		clear(cc.items)
	}
	cc.items[id] = cachedClient{c: c, err: err, expires: now.Add(cc.ttl)}
	cc.mu.Unlock()
	return c, err
}

func (cc *clientCache) forget(id string) {
	cc.mu.Lock()
	delete(cc.items, id)
	cc.mu.Unlock()
}

const clientColumns = `id, name_fa, name_en, logo_type, logo_url, redirect_uris, post_logout_uris, backchannel_uri,
	scopes, max_acr, auth_method, secret_hash, jwks, id_token_alg, session_seconds, require_pkce,
	client_credentials, disabled, created_at, updated_at`

type scanner interface{ Scan(...any) error }

func scanClient(s scanner) (*Client, error) {
	var c Client
	var redirects, logouts, scopes string
	err := s.Scan(&c.ID, &c.NameFa, &c.NameEn, &c.LogoType, &c.LogoURL, &redirects, &logouts, &c.BackchannelURI,
		&scopes, &c.MaxACR, &c.AuthMethod, &c.secretHash, &c.JWKS, &c.IDTokenAlg, &c.SessionSeconds, &c.RequirePKCE,
		&c.ClientCredentials, &c.Disabled, &c.CreatedAt, &c.Updated)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		s   string
		dst *[]string
	}{{redirects, &c.RedirectURIs}, {logouts, &c.PostLogoutURIs}, {scopes, &c.Scopes}} {
		if err := json.Unmarshal([]byte(f.s), f.dst); err != nil {
			return nil, fmt.Errorf("oidc: client %s: %w", c.ID, err)
		}
	}
	if c.AuthMethod == AuthPrivateKeyJWT {
		if c.keys, err = parseJWKS(c.JWKS); err != nil {
			return nil, fmt.Errorf("oidc: client %s: %w", c.ID, err)
		}
	}
	return &c, nil
}

func loadClient(ctx context.Context, q sqldb.Querier, id string) (*Client, error) {
	c, err := scanClient(q.QueryRowContext(ctx, `SELECT `+clientColumns+` FROM oidc_clients WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("oidc: load client %q: %w", id, sqldb.NotFound(err))
	}
	return c, nil
}

// Clients lists the registered clients by ID.
func (p *Provider) Clients(ctx context.Context) ([]*Client, error) {
	rows, err := p.opts.DB.Read.QueryContext(ctx, `SELECT `+clientColumns+` FROM oidc_clients ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("oidc: list clients: %w", err)
	}
	defer rows.Close()
	var out []*Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Client returns one registered client, disabled or not.
func (p *Provider) Client(ctx context.Context, id string) (*Client, error) {
	return loadClient(ctx, p.opts.DB.Read, id)
}

// SaveClient registers a new client or updates one, as actor (the
// overseer's account ID; empty for the platform itself). For a new
// client_secret_basic client, or when newSecret is set, it generates a
// secret and returns it: the only time it is shown. The change is
// audited, without the secret.
func (p *Provider) SaveClient(ctx context.Context, actor string, c *Client, newSecret bool) (secret string, err error) {
	return p.saveClient(ctx, nil, actor, c, newSecret)
}

// saveClient is SaveClient for a request at the console, whose address
// the audit event records.
func (p *Provider) saveClient(ctx context.Context, r *http.Request, actor string, c *Client, newSecret bool) (secret string, err error) {
	old, err := loadClient(ctx, p.opts.DB.Read, c.ID)
	exists := err == nil
	if err != nil && !errors.Is(err, sqldb.ErrNotFound) {
		return "", err
	}
	if problems := c.validate(!exists); len(problems) > 0 {
		return "", &InvalidClientError{Problems: problems}
	}
	now := p.now()
	redirects, _ := json.Marshal(nonNil(c.RedirectURIs))
	logouts, _ := json.Marshal(nonNil(c.PostLogoutURIs))
	scopes, _ := json.Marshal(nonNil(c.Scopes))
	hash := ""
	if exists {
		hash = old.secretHash
	}
	if c.AuthMethod == AuthSecretBasic && (hash == "" || newSecret) {
		secret = randomToken(32)
		hash = hashSecret(secret)
	}
	if c.AuthMethod != AuthSecretBasic {
		hash = ""
	}
	if c.AuthMethod != AuthPrivateKeyJWT {
		c.JWKS = ""
	}
	kind := "oidc.client.update"
	if !exists {
		kind = "oidc.client.create"
	}
	// The audit log refuses detail names that name a secret (key, token,
	// secret, credentials...), so the settings named so are told by other
	// names: the ID token's signing algorithm, the registered keys' IDs,
	// whether the client may have tokens of its own, whether a new
	// client authentication value was issued.
	event := fromRequest(r, AuditEvent{Kind: kind, Account: actor, Subject: c.ID, Details: map[string]string{
		"name_fa": c.NameFa, "name_en": c.NameEn, "logo_url": c.LogoURL, "session_seconds": fmt.Sprint(c.SessionSeconds),
		"jwks_kids":     jwksKeyIDs(c.JWKS),
		"redirect_uris": strings.Join(c.RedirectURIs, " "), "post_logout_uris": strings.Join(c.PostLogoutURIs, " "),
		"backchannel_uri": c.BackchannelURI, "scopes": strings.Join(c.Scopes, " "), "max_acr": c.MaxACR,
		"auth_method": c.AuthMethod, "id_signing_alg": c.IDTokenAlg, "require_pkce": fmt.Sprint(c.RequirePKCE),
		"own_access": fmt.Sprint(c.ClientCredentials), "disabled": fmt.Sprint(c.Disabled),
		"auth_renewed": fmt.Sprint(secret != ""),
	}})
	// The change and its record commit together: none goes unaudited.
	err = p.opts.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO oidc_clients (id, name_fa, name_en, logo, logo_type, logo_url,
			redirect_uris, post_logout_uris, backchannel_uri, scopes, max_acr, auth_method, secret_hash, jwks,
			id_token_alg, session_seconds, require_pkce, client_credentials, disabled, created_at, updated_at)
			VALUES ($1, $2, $3, NULL, '', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)
			ON CONFLICT (id) DO UPDATE SET name_fa = $2, name_en = $3, logo_url = $4, redirect_uris = $5,
			post_logout_uris = $6, backchannel_uri = $7, scopes = $8, max_acr = $9, auth_method = $10,
			secret_hash = $11, jwks = $12, id_token_alg = $13, session_seconds = $14, require_pkce = $15,
			client_credentials = $16, disabled = $17, updated_at = $18`,
			c.ID, c.NameFa, c.NameEn, c.LogoURL, string(redirects), string(logouts), c.BackchannelURI, string(scopes),
			c.MaxACR, c.AuthMethod, hash, c.JWKS, c.IDTokenAlg, c.SessionSeconds, c.RequirePKCE, c.ClientCredentials,
			c.Disabled, now)
		if err != nil {
			return fmt.Errorf("oidc: save client %q: %w", c.ID, err)
		}
		tx.AfterCommit(func() { p.clients.forget(c.ID) })
		return p.opts.Audit.RecordTx(ctx, tx, event)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// jwksKeyIDs lists the key IDs of a client's public keys, for the audit
// log: enough to tell which keys were registered.
func jwksKeyIDs(jwks string) string {
	ks, err := parseJWKS(jwks)
	if err != nil {
		return ""
	}
	ids := make([]string, len(ks.Keys))
	for i, k := range ks.Keys {
		ids[i] = k.KeyID
	}
	return strings.Join(ids, " ")
}

// InvalidClientError lists what is wrong with a client's settings.
type InvalidClientError struct{ Problems []Problem }

func (e *InvalidClientError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Field + ": " + p.Text.En
	}
	return "oidc: invalid client: " + strings.Join(msgs, "; ")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
