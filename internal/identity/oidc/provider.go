package oidc

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

// Session is a person's authenticated browser session at the national
// window.
type Session struct {
	ID       string
	Subject  string   // the account's stable opaque ID; the ID token's sub
	ACR      string   // "loa1", "loa2" or "loa3"
	AMR      []string // RFC 8176 values, such as "otp" and "sms"
	AuthTime time.Time
	Roles    []string // "overseer" may use the client console
	// Claims are the account's attributes as the session's caller found
	// them, when it has them at hand: an approval keeps what it releases
	// of them for the code's exchange, which then reads no account.
	Claims *Claims
}

// HasRole reports whether the session's account holds role.
func (s Session) HasRole(role string) bool {
	for _, r := range s.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// Sessions is the window's browser sessions, as the provider needs them.
type Sessions interface {
	// Current returns the browser's valid session, if any.
	Current(r *http.Request) (Session, bool)
	// LoginURL returns where to send the browser to log in, or to log in
	// again when force is set, at assurance level acr at least, coming
	// back to returnTo (a path on this site) afterwards. lang is "fa" or
	// "en".
	LoginURL(returnTo, acr string, force bool, lang string) string
	// End ends a window session; RP-initiated logout ends it too.
	End(ctx context.Context, sessionID string) error
	// Extend lets a session stay idle up to d, for an agency whose service
	// takes that long (A7: the session's lifetime fits the service).
	Extend(ctx context.Context, sessionID string, d time.Duration) error
}

// LoginPager is Sessions that can show the window's login page in
// answer to any request, sparing the browser a redirect to it. The page
// comes back to returnTo once the person has logged in; acr, force and
// lang are as for LoginURL.
type LoginPager interface {
	LoginPage(w http.ResponseWriter, r *http.Request, returnTo, acr string, force bool, lang string)
}

// Claims are the attributes of an account, from the base registries.
type Claims struct {
	Kind            string // "natural", "legal" or "foreign"
	NationalID      string
	ForeignID       string
	Mobile          string // 09xxxxxxxxx
	FirstName       string
	LastName        string
	FatherName      string
	Gender          string // "MALE" or "FEMALE"
	BirthDate       time.Time
	BirthDateShamsi string // 1370/01/31
	PostalCode      string
	Province        string
	City            string
	// Legal is set for accounts acting for a company.
	Legal *LegalClaims
}

// LegalClaims describe the company an account acts for (A3).
type LegalClaims struct {
	LegalNationalID string
	Name            string
	SignatoryRole   string
}

// Accounts gives the attributes of accounts.
type Accounts interface {
	Claims(ctx context.Context, subject string) (Claims, error)
}

// AuditEvent is one entry for the audit log. Details never carry secrets
// or tokens.
type AuditEvent struct {
	Kind string // such as "oidc.authorize", "oidc.client.update"
	// Who acted: a person, by their account ID, or an agency, by its
	// client ID; neither, the provider itself.
	Account, Client string
	Subject         string // whom or what it concerned
	IP              string
	UserAgent       string
	Details         map[string]string
}

// Auditor records audit events.
type Auditor interface {
	Record(ctx context.Context, e AuditEvent) error
	// RecordTx records e as part of tx, committed with the change it
	// reports, so the request does not wait for a commit of its own.
	RecordTx(ctx context.Context, tx *sqldb.Tx, e AuditEvent) error
}

// Options configure a Provider.
type Options struct {
	// Issuer is the provider's URL, such as https://sso.example.ir; the
	// endpoints are paths under it.
	Issuer string
	// AllowInsecure permits an http:// issuer, for the loopback demo.
	AllowInsecure bool
	// DB holds the provider's state.
	DB *sqldb.DB
	// Sessions, Accounts and Audit are the identity side's services.
	Sessions Sessions
	Accounts Accounts
	Audit    Auditor
	// Logger receives errors and delivery failures; nil discards.
	// zitadel's op package, which decodes the token-side requests, logs
	// its request errors through slog.Default: in v3.51 it has no option
	// to take a logger (op.WithLogger and op.WithFallbackLogger do
	// nothing), so those lines follow the application's default logger.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// HTTPClient delivers back-channel logout tokens and fetches agency
	// logos; nil means a client with a ten-second timeout.
	HTTPClient *http.Client
	// MaxACR is the highest assurance level the platform can deliver
	// today; empty means loa1.
	MaxACR string
	// KeyPublishDelay is how long a new signing key is published in the
	// JWKS before it signs, so that relying parties have fetched it;
	// zero means one hour.
	KeyPublishDelay time.Duration
	// AccessTokenLifetime, IDTokenLifetime and RefreshTokenLifetime
	// default to ten minutes, one hour and thirty days.
	AccessTokenLifetime  time.Duration
	IDTokenLifetime      time.Duration
	RefreshTokenLifetime time.Duration
	// CacheTTL is how long a node keeps clients and keys in memory
	// before reading them again; zero means thirty seconds.
	CacheTTL time.Duration
	// KeyRotationPeriod is the age at which Run replaces a signing key
	// with a new one (published KeyPublishDelay before it signs); zero
	// means thirty days.
	KeyRotationPeriod time.Duration
	// JobInterval is how often Run looks for back-channel logouts due;
	// zero means five seconds. MaintenanceInterval is how often it
	// removes what has expired and rotates keys that are due; zero means
	// ten minutes.
	JobInterval         time.Duration
	MaintenanceInterval time.Duration
	// SessionMaxAge is the longest a window session can live (the
	// window's absolute session lifetime, with room to spare); after it
	// the record of the agencies a session entered is dropped. Zero means
	// 24 hours.
	SessionMaxAge time.Duration
	// KeyEncryptionKey, when set, is a 32-byte AES-256 key that seals the
	// provider's private signing keys in the database with AES-GCM.
	// Without it they are stored as PKCS #8. Keys stored before it was
	// set are still read, and sealed by the next maintenance run.
	KeyEncryptionKey []byte
	// RequestKey is a 32-byte AES-256 key that seals, with AES-GCM, the
	// pending authorization requests the browser carries in its URL to
	// the login bridge and the consent page, so that they need no
	// database row. Every node of one deployment must have the same key:
	// a browser may come back to any of them. When it is empty New makes
	// a random key, which suits a single node only, and the requests in
	// flight (at most ten minutes old) are lost when the process
	// restarts: the person starts again at the agency.
	RequestKey []byte
}

// Route paths, mirroring the national SSO.
const (
	PathDiscovery     = "/.well-known/openid-configuration"
	PathAuthorize     = "/oauth2/authorize"
	PathToken         = "/oauth2/token"
	PathJWKS          = "/oauth2/jwks"
	PathUserinfo      = "/oauth2/userinfo"
	PathRevoke        = "/oauth2/revoke"
	PathIntrospect    = "/oauth2/introspect"
	PathLogout        = "/oauth2/logout"
	PathLogoutConfirm = "/oauth2/logout/confirm" // the person's answer on the logout page
	PathLogin         = "/oauth2/login"
	PathConsent       = "/oauth2/consent"
	PathCompatUser    = "/api/v1/user/userinfo"
	PathConsole       = "/oauth2/console"
	PathClientLogos   = "/oauth2/logos/"
)

// Provider is the OpenID Connect provider. Create it with New, Mount it
// on the site's Mux, and run Run in the background for back-channel
// logout deliveries, the removal of expired state and key rotation.
type Provider struct {
	opts     Options
	issuer   string
	log      *slog.Logger
	now      func() time.Time
	ops      http.Handler // zitadel's handler for the token-side endpoints
	m        *web.Mux
	pages    *web.Templates
	wake     chan struct{}
	keys     *keyring
	clients  *clientCache
	requests cipher.AEAD // seals pending authorization requests
}

// New checks the options, makes sure signing keys exist and returns the
// provider.
func New(ctx context.Context, opts Options) (*Provider, error) {
	if opts.DB == nil || opts.Sessions == nil || opts.Accounts == nil || opts.Audit == nil {
		return nil, errors.New("oidc: DB, Sessions, Accounts and Audit are required")
	}
	if err := op.ValidateIssuer(opts.Issuer, opts.AllowInsecure); err != nil {
		return nil, fmt.Errorf("oidc: issuer %q: %w", opts.Issuer, err)
	}
	u, _ := url.Parse(opts.Issuer)
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("oidc: issuer %q: plain http is allowed only on loopback", opts.Issuer)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.MaxACR == "" {
		opts.MaxACR = ACR1
	}
	if acrRank(opts.MaxACR) == 0 {
		return nil, fmt.Errorf("oidc: unknown MaxACR %q", opts.MaxACR)
	}
	setDefault(&opts.KeyPublishDelay, time.Hour)
	setDefault(&opts.AccessTokenLifetime, 10*time.Minute)
	setDefault(&opts.IDTokenLifetime, time.Hour)
	setDefault(&opts.RefreshTokenLifetime, 30*24*time.Hour)
	setDefault(&opts.CacheTTL, 30*time.Second)
	setDefault(&opts.KeyRotationPeriod, 30*24*time.Hour)
	setDefault(&opts.JobInterval, 5*time.Second)
	setDefault(&opts.MaintenanceInterval, 10*time.Minute)
	setDefault(&opts.SessionMaxAge, 24*time.Hour)
	seal, err := newKeySeal(opts.KeyEncryptionKey)
	if err != nil {
		return nil, err
	}
	requestKey := opts.RequestKey
	if len(requestKey) == 0 {
		requestKey = make([]byte, 32)
		_, _ = rand.Read(requestKey)
	}
	requests, err := newGCM("RequestKey", requestKey)
	if err != nil {
		return nil, err
	}
	p := &Provider{
		opts:     opts,
		issuer:   strings.TrimSuffix(opts.Issuer, "/"),
		log:      opts.Logger,
		now:      func() time.Time { return opts.Now().UTC() },
		wake:     make(chan struct{}, 1),
		requests: requests,
	}
	p.keys = &keyring{db: opts.DB, ttl: opts.CacheTTL, now: p.now, seal: seal}
	p.clients = &clientCache{db: opts.DB, ttl: opts.CacheTTL, now: p.now, items: map[string]cachedClient{}}
	if err := p.keys.ensure(ctx, p.maxTokenLifetime()); err != nil {
		return nil, err
	}
	p.ops = op.RegisterServer(&server{p: p}, op.Endpoints{
		Token:         op.NewEndpoint(PathToken),
		Introspection: op.NewEndpoint(PathIntrospect),
		Userinfo:      op.NewEndpoint(PathUserinfo),
		Revocation:    op.NewEndpoint(PathRevoke),
		JwksURI:       op.NewEndpoint(PathJWKS),
	}, op.WithServerCORSOptions(nil))
	return p, nil
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

// maxTokenLifetime is the longest a token the provider signs stays
// valid, and so how long a retired key must stay published.
func (p *Provider) maxTokenLifetime() time.Duration {
	return max(p.opts.AccessTokenLifetime, p.opts.IDTokenLifetime, deliveryWindow)
}

// Mount registers the provider's routes: the token-side endpoints as
// APIs (no cookies, no CSRF; clients authenticate each call), the
// authorization, login bridge, consent, logout and console as pages.
func (p *Provider) Mount(m *web.Mux) {
	p.m = m
	p.pages = m.MustParseTemplates(templates, messages, "templates/*.html")
	m.API("GET "+PathDiscovery, p.discovery)
	m.API("POST "+PathToken, noStore(basicChallenge(p.ops.ServeHTTP)))
	m.API("POST "+PathRevoke, noStore(basicChallenge(p.ops.ServeHTTP)))
	m.API("POST "+PathIntrospect, noStore(basicChallenge(clientAuthenticated(p.ops.ServeHTTP))))
	m.API("GET "+PathJWKS, p.ops.ServeHTTP)
	m.API(PathUserinfo, noStore(bearerChallenge(p.ops.ServeHTTP)))
	m.API("GET "+PathCompatUser, p.compatUserinfo)
	m.API("GET "+PathClientLogos+"{id}", p.logo)
	m.Page("GET "+PathAuthorize, p.authorize)
	m.Page("GET "+PathLogin, p.login)
	m.Page("POST "+PathConsent, p.consent)
	m.Page("GET "+PathLogout, p.logout)
	m.Page("POST "+PathLogoutConfirm, p.logoutConfirmed)
	// The authorization and end-session endpoints take their parameters
	// posted as a form too (OpenID Connect Core 3.1.2.1, RP-Initiated
	// Logout 2).
	m.PostAsGet(PathAuthorize)
	m.PostAsGet(PathLogout)
	p.mountConsole(m)
}

// noStore marks answers that carry tokens or what a token stands for as
// not to be kept by any cache (RFC 6749 section 5.1, RFC 7662 section 2.2,
// OpenID Connect Core section 5.3.2), errors included.
func noStore(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
		h(w, r)
	}
}

// bearerChallenge adds to a 401 answer the challenge RFC 6750 section 3
// asks of a resource server: what failed, for the client's library.
func bearerChallenge(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h(&challengeWriter{ResponseWriter: w, challenge: func() string {
			// The form, if any, is parsed by now; it is not read here.
			if r.Header.Get("Authorization") != "" || r.Form.Get("access_token") != "" {
				return `Bearer realm="userinfo", error="invalid_token"`
			}
			return `Bearer realm="userinfo"`
		}}, r)
	}
}

// basicChallenge adds to a 401 answer of the token, introspection and
// revocation endpoints the challenge of the scheme their clients
// authenticate with, as RFC 6749 section 5.2 asks of an answer to a
// client that used the Authorization header, and HTTP of every 401.
func basicChallenge(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h(&challengeWriter{ResponseWriter: w, challenge: func() string { return `Basic realm="oauth2", charset="UTF-8"` }}, r)
	}
}

// clientAuthenticated answers a request that carries neither a client
// secret nor a client assertion with 401 invalid_client, as RFC 6749 section 5.2
// asks; the library would answer it with 400.
func clientAuthenticated(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, secret, basic := r.BasicAuth()
		if !basic {
			secret = r.PostFormValue("client_secret")
		}
		if secret == "" && r.PostFormValue("client_assertion") == "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": string(oidc.InvalidClient),
				"error_description": "introspection needs an authenticated client"})
			return
		}
		h(w, r)
	}
}

type challengeWriter struct {
	http.ResponseWriter
	challenge func() string
}

func (c *challengeWriter) WriteHeader(status int) {
	if status == http.StatusUnauthorized {
		c.Header().Set("WWW-Authenticate", c.challenge())
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *challengeWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// Issuer returns the provider's issuer URL.
func (p *Provider) Issuer() string { return p.issuer }

// DiscoveryURL returns the URL of the provider's discovery document.
func (p *Provider) DiscoveryURL() string { return p.issuer + PathDiscovery }

func (p *Provider) audit(ctx context.Context, r *http.Request, e AuditEvent) {
	if err := p.opts.Audit.Record(ctx, fromRequest(r, e)); err != nil {
		p.log.ErrorContext(ctx, "oidc: audit", "kind", e.Kind, "err", err)
	}
}

// fromRequest fills in where the request that caused e came from.
func fromRequest(r *http.Request, e AuditEvent) AuditEvent {
	if r != nil {
		e.IP = web.ClientIP(r.Context()).String()
		e.UserAgent = r.UserAgent()
	}
	return e
}

// randomToken returns n random bytes in base64url.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
