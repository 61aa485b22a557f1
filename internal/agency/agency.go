package agency

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

//go:embed templates/*.html
var templates embed.FS

// Routes of the agency's site. The callback and the page after logout
// are served at the paths of Config.RedirectURL and Config.PostLogoutURL,
// which are usually these.
const (
	PathHome        = "/"
	PathLogin       = "/login"
	PathCallback    = "/sso/callback"
	PathMe          = "/me"
	PathLicences    = "/licences"
	PathLogout      = "/logout"
	PathLoggedOut   = "/sso/logged-out"
	PathBackchannel = "/sso/backchannel-logout"
	PathAbout       = "/about"
)

// LicencesService is the police registry's service of a person's driving
// licences, called as LicencesService/{nationalCode}/driving-licences.
const LicencesService = "IR/GOV/police/registry/persons"

// defaultScopes are asked for when Config.Scopes is empty.
var defaultScopes = []string{gooidc.ScopeOpenID, "profile", "national_code", "birthdate", "phone"}

// Config is what an agency knows about its registration with the national
// SSO, and its dependencies.
type Config struct {
	// Issuer is the national SSO's issuer URL, such as
	// https://sso.example.ir; its discovery document is read from there.
	Issuer string
	// ClientID and ClientSecret are the agency's registration; the secret
	// is sent with client_secret_basic.
	ClientID     string
	ClientSecret string
	// RedirectURL is the agency's callback, registered exactly as the
	// provider knows it, such as https://rahvar.example.ir/sso/callback.
	// An https URL makes the agency's cookies Secure.
	RedirectURL string
	// PostLogoutURL is where the provider sends the browser back after
	// logout; it must be registered as a post-logout URI.
	PostLogoutURL string
	// Scopes are asked for at login; openid is always added. Empty means
	// openid, profile, national_code, birthdate and phone.
	Scopes []string
	// Nix calls the police registry through the national exchange; nil
	// means the licences page says the exchange is not configured.
	Nix *nix.Client
	// Logger receives errors; nil discards.
	Logger *slog.Logger
	// Now is the clock for sessions and token checks; nil means time.Now.
	Now func() time.Time
	// HTTPClient talks to the provider (discovery, JWKS, token,
	// userinfo); nil means a client with a ten-second timeout.
	HTTPClient *http.Client
	// SessionLifetime is how long a local session lasts at most; zero
	// means one hour, the provider's ID token lifetime.
	SessionLifetime time.Duration
	// TrackingCode issues the tracking code of each call through the
	// exchange; nil means a fresh local code (see newTrackingCode).
	TrackingCode func(ctx context.Context) (string, error)
}

// Agency is the reference agency window. Create it with New and Mount it
// on its own web.Mux.
type Agency struct {
	cfg       Config
	log       *slog.Logger
	now       func() time.Time
	secure    bool   // cookies are Secure (__Host-) when the site is https
	callback  string // the path of RedirectURL
	loggedOut string // the path of PostLogoutURL
	store     *store
	m         *web.Mux
	pages     *web.Templates

	mu    sync.Mutex
	party *relyingParty // nil until discovery succeeds
}

// New checks cfg and returns the agency. It does not contact the
// provider: discovery happens on first use and is retried until it
// succeeds, so the agency may start before the provider.
func New(cfg Config) (*Agency, error) {
	var problems []string
	if u, err := url.Parse(cfg.Issuer); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		problems = append(problems, "Issuer: an http(s) URL")
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		problems = append(problems, "ClientID and ClientSecret: both required")
	}
	redirect, err := url.Parse(cfg.RedirectURL)
	if err != nil || redirect.Host == "" || redirect.Path == "" || redirect.RawQuery != "" {
		problems = append(problems, "RedirectURL: an absolute URL with a path and no query")
	}
	post, err := url.Parse(cfg.PostLogoutURL)
	if err != nil || post.Host == "" || post.Path == "" {
		problems = append(problems, "PostLogoutURL: an absolute URL with a path")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("agency: config: %s", strings.Join(problems, "; "))
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = slices.Clone(defaultScopes)
	}
	if !slices.Contains(cfg.Scopes, gooidc.ScopeOpenID) {
		cfg.Scopes = append([]string{gooidc.ScopeOpenID}, cfg.Scopes...)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.SessionLifetime <= 0 {
		cfg.SessionLifetime = time.Hour
	}
	if cfg.TrackingCode == nil {
		cfg.TrackingCode = func(context.Context) (string, error) { return newTrackingCode(), nil }
	}
	cfg.Issuer = strings.TrimSuffix(cfg.Issuer, "/")
	return &Agency{
		cfg:       cfg,
		log:       cfg.Logger,
		now:       cfg.Now,
		secure:    redirect.Scheme == "https",
		callback:  redirect.Path,
		loggedOut: post.Path,
		store:     newStore(cfg.Now),
	}, nil
}

// Mount registers every route of the agency's site.
func (a *Agency) Mount(m *web.Mux) {
	a.m = m
	a.pages = m.MustParseTemplates(templates, messages, "templates/*.html")
	m.AddNav(web.NavItem{Path: PathHome, Label: messages["nav.home"]})
	m.AddNav(web.NavItem{Path: PathMe, Label: messages["nav.me"]})
	m.AddNav(web.NavItem{Path: PathLicences, Label: messages["nav.licences"]})
	m.Page("GET /{$}", a.home)
	m.Page("GET "+PathAbout, a.about)
	m.Page("GET "+PathLogin, a.login)
	m.Page("GET "+a.callback, a.callbackPage)
	m.Page("GET "+PathMe, a.me)
	m.Page("GET "+PathLicences, a.licences)
	m.Page("POST "+PathLogout, a.logout)
	m.Page("GET "+a.loggedOut, a.loggedOutPage)
	// The provider posts logout tokens from its servers: an API route, no
	// cookies and no CSRF token; the token's signature is the check.
	m.API("POST "+PathBackchannel, a.backchannel)
}

// Registration is what the agency asks the ministry to register for it
// at the provider's client console.
type Registration struct {
	ClientID       string
	RedirectURIs   []string
	PostLogoutURIs []string
	BackchannelURI string
	Scopes         []string
	AuthMethod     string // client_secret_basic
	RequirePKCE    bool   // the agency always sends PKCE, so the provider may insist on it
}

// Registration returns the agency's client settings, for the provider's
// console.
func (a *Agency) Registration() Registration {
	u, _ := url.Parse(a.cfg.RedirectURL)
	back := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: PathBackchannel}).String()
	return Registration{
		ClientID:       a.cfg.ClientID,
		RedirectURIs:   []string{a.cfg.RedirectURL},
		PostLogoutURIs: []string{a.cfg.PostLogoutURL},
		BackchannelURI: back,
		Scopes:         slices.Clone(a.cfg.Scopes),
		AuthMethod:     "client_secret_basic",
		RequirePKCE:    true,
	}
}

// relyingParty is what discovery gave: the provider's endpoints, keys
// and the OAuth 2.0 client configured for them.
type relyingParty struct {
	provider   *gooidc.Provider
	oauth      oauth2.Config
	verifier   *gooidc.IDTokenVerifier
	endSession string // the end_session_endpoint, or empty
}

// errNoProvider means discovery failed: the provider is not reachable
// yet, or answered something unusable.
var errNoProvider = errors.New("agency: the national SSO's discovery document is not available")

// discover returns the relying party, fetching the provider's
// discovery document if it has not been fetched yet. A failure is not
// remembered: the next request tries again.
func (a *Agency) discover(ctx context.Context) (*relyingParty, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.party != nil {
		return a.party, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// The provider keeps the HTTP client of this context for its JWKS and
	// userinfo requests.
	p, err := gooidc.NewProvider(gooidc.ClientContext(ctx, a.cfg.HTTPClient), a.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNoProvider, err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, fmt.Errorf("%w: %w", errNoProvider, err)
	}
	ep := p.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInHeader // client_secret_basic, as registered
	a.party = &relyingParty{
		provider: p,
		oauth: oauth2.Config{
			ClientID:     a.cfg.ClientID,
			ClientSecret: a.cfg.ClientSecret,
			Endpoint:     ep,
			RedirectURL:  a.cfg.RedirectURL,
			Scopes:       a.cfg.Scopes,
		},
		verifier:   p.Verifier(&gooidc.Config{ClientID: a.cfg.ClientID, Now: a.now}),
		endSession: meta.EndSession,
	}
	return a.party, nil
}

// withClient returns ctx carrying the HTTP client for the provider, as
// x/oauth2 and go-oidc look it up.
func (a *Agency) withClient(ctx context.Context) context.Context {
	return gooidc.ClientContext(ctx, a.cfg.HTTPClient)
}
