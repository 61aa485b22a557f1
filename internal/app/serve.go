package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjereh/panjereh/api"
	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/exchange/pki"
	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/portal"
	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

func runServe(ctx context.Context, e env, args []string) int {
	// Seeding and the reference agency are the demo's (and seed's), not
	// a server's: serve does not offer their options.
	cfg, names, code, ok := parse(e, "serve", "[window|registry|exchange|all]...", args, nil,
		config.NamesExcept("persons", "seed", "agency-addr")...)
	if !ok {
		return code
	}
	which := map[string]bool{}
	for _, a := range names {
		switch a {
		case "all":
			which["window"], which["registry"], which["exchange"] = true, true, true
		case "window", "registry", "exchange":
			which[a] = true
		default:
			fmt.Fprintf(e.stderr, "panjereh serve: unknown component %q (want window, registry, exchange or all)\n", a)
			return 2
		}
	}
	if len(which) == 0 {
		which["window"], which["registry"], which["exchange"] = true, true, true
	}
	log := newLogger(cfg, e.stderr)
	// What can be checked without the database is checked before it is
	// opened, so that such a start is refused before anything is
	// migrated or written: a window that could send no login code, an
	// address in use, the window's exchange certificate or the CA
	// missing, the gateway's log open in another process.
	if which["window"] {
		if err := checkSMS(cfg); err != nil {
			return failed(e, cfg, log, "panjereh serve", err)
		}
	}
	servers, err := bind(cfg, which)
	if err != nil {
		return failed(e, cfg, log, "panjereh serve", err)
	}
	var st *stack
	defer func() {
		if st == nil { // refused: the listeners will not serve
			unbind(servers)
		}
	}()
	if which["window"] {
		if _, err := nix.LoadTLS(windowCertDir(cfg)); err != nil {
			return failed(e, cfg, log, "panjereh serve", windowCertError(cfg, err))
		}
	}
	var ca *pki.CA
	if which["registry"] || which["exchange"] {
		if ca, err = loadCA(cfg); err != nil {
			return failed(e, cfg, log, "panjereh serve", err)
		}
	}
	if which["exchange"] {
		if err := msglog.InUse(gatewayLogDir(cfg)); err != nil {
			return failed(e, cfg, log, "panjereh serve", err)
		}
	}
	// Libraries that log only through slog's default (the OIDC
	// provider's) write in the configured format and level too.
	slog.SetDefault(log)
	var check func(context.Context, *sqldb.DB) error
	if which["window"] {
		check = checkSecret(cfg)
	}
	db, err := openCheckedDB(ctx, cfg, log, check)
	if err != nil {
		return failed(e, cfg, log, "panjereh serve", err)
	}
	defer db.Close()
	st, err = start(ctx, cfg, log, db, servers, ca, false, e.stdout)
	if err != nil {
		return failed(e, cfg, log, "panjereh serve", err)
	}
	return st.wait(ctx, cfg, log, e)
}

// bind binds the addresses of the chosen components, registry, exchange
// and window in that order, before anything else is done, so that an
// address in use refuses the start at once; the registry's and the
// exchange's speak TLS once start has their certificates.
func bind(cfg config.Config, which map[string]bool) ([]*server, error) {
	var servers []*server
	for _, s := range []*server{{name: "registry", addr: cfg.RegistryAddr}, {name: "exchange", addr: cfg.ExchangeAddr},
		{name: "window", addr: cfg.Addr}} {
		if which[s.name] {
			servers = append(servers, s)
		}
	}
	if err := listen(servers); err != nil {
		return nil, err
	}
	return servers, nil
}

// unbind closes the listeners of servers that will not serve.
func unbind(servers []*server) {
	for _, s := range servers {
		s.ln.Close()
	}
}

// failed reports why a server could not start or stopped with an error,
// and returns the exit code 1: as a log line when the logs are JSON, so
// that collectors reading the process's output get only JSON, and as a
// line for a person otherwise.
func failed(e env, cfg config.Config, log *slog.Logger, what string, err error) int {
	if cfg.LogFormat == "json" {
		log.Error(what+" failed", "err", err)
	} else {
		fmt.Fprintf(e.stderr, "%s: %v\n", what, err)
	}
	return 1
}

// stack is the set of running components of one process.
type stack struct {
	servers []*server
	window  *web.Mux
	sso     *oidc.Provider
	closers []func()
	// agencyURL is the demo agency's address once it runs; the police's
	// electronic services start there.
	agencyURL atomic.Pointer[string]
}

// start builds the components of the bound servers (bind), on db. The
// registries answer only the exchange gateway, over mTLS; the registry
// and the gateway need the platform CA, ca.
func start(ctx context.Context, cfg config.Config, log *slog.Logger, db *sqldb.DB, servers []*server, ca *pki.CA, dev bool, out io.Writer) (*stack, error) {
	st := &stack{servers: servers}
	fail := func(err error) (*stack, error) {
		st.close()
		return nil, err
	}
	var n *nixState
	for _, s := range servers {
		if s.name != "registry" && s.name != "exchange" {
			continue
		}
		if n == nil {
			n = openNix(cfg, db, ca)
		}
		var h http.Handler
		if s.name == "registry" {
			var err error
			if h, err = registryHandler(ctx, db, log); err != nil {
				return fail(err)
			}
			h = exchange.RequireMember(n.auth, pki.ProblemFor, gatewayMember(cfg))(h)
		} else {
			g, closeGateway, err := n.gateway(ctx, log)
			if err != nil {
				return fail(err)
			}
			st.closers = append(st.closers, closeGateway)
			if h, err = g.Handler(); err != nil {
				return fail(err)
			}
		}
		tlsCfg, err := n.serverTLS(s.addr)
		if err != nil {
			return fail(err)
		}
		s.handler = h
		s.secure(tlsCfg)
	}
	if st.url("window") != "" {
		if err := st.startWindow(ctx, cfg, log, db, dev, out); err != nil {
			return fail(err)
		}
	}
	return st, nil
}

// proxyWarnings warns of trusted proxies that are every address: with
// them anyone can say which IP address the rate limits, the audit log
// and the pages see. It warns too of a window whose public URL is https
// with no proxy trusted: the window serves plain HTTP and learns that a
// request came over TLS only from a trusted proxy's X-Forwarded-Proto,
// so its cookies would go without Secure, its pages without HSTS, and
// every person would share the proxy's address in the rate limits.
func proxyWarnings(publicURL string, trusted []netip.Prefix) []string {
	var out []string
	if strings.HasPrefix(publicURL, "https://") && len(trusted) == 0 {
		out = append(out, "public-url is https but trusted-proxies is empty: the window learns that a request came over TLS, "+
			"and from which address, only from a trusted proxy, so its cookies go without Secure, its pages without HSTS, "+
			"and every person shares the load balancer's address in the rate limits; list the load balancers' networks in --trusted-proxies")
	}
	for _, p := range trusted {
		if p.Bits() == 0 {
			out = append(out, "trusted-proxies: "+p.String()+" trusts every client's X-Forwarded-For and X-Forwarded-Proto: "+
				"anyone can then choose the IP address the rate limits and the audit log see; list the load balancers' networks only")
		}
	}
	return out
}

// startWindow builds the national window on its bound listener: the
// portal, registration and login, the SSO provider and, in the demo, the
// development SMS page.
func (st *stack) startWindow(ctx context.Context, cfg config.Config, log *slog.Logger, db *sqldb.DB, dev bool, out io.Writer) (err error) {
	windowGC()
	for _, w := range proxyWarnings(cfg.PublicURL, cfg.TrustedProxies) {
		log.Warn(w)
	}
	gw := st.url("exchange")
	if gw == "" {
		gw = "https://" + cfg.ExchangeAddr
	}
	acc, err := openAccess(ctx, cfg, log, db, gw, dev, out)
	if err != nil {
		return err
	}
	st.closers = append(st.closers, acc.close)
	// /healthz reports the SMS outbox beside the database: a provider
	// that refuses the bind leaves nobody able to log in, yet must not
	// make the node look down to the load balancer (every node shares
	// the same SMS account), so it makes the report "degraded", not 503.
	mux, err := web.New(web.Options{Logger: log, DB: db, Dev: dev, Version: Version(), TrustedProxies: cfg.TrustedProxies,
		Checks: []web.HealthCheck{acc.outbox.HealthCheck()}})
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			mux.Close(context.WithoutCancel(ctx))
		}
	}()
	sso, err := openSSO(ctx, log, db, acc, issuerURL(cfg.PublicURL, st.url("window")))
	if err != nil {
		return err
	}
	st.sso = sso
	ssoCtx, stopSSO := context.WithCancel(context.WithoutCancel(ctx))
	go sso.Run(ssoCtx)
	go acc.endIdleSessions(ssoCtx, log, time.Minute)
	go acc.recheckAccounts(ssoCtx, log, time.Minute)
	st.closers = append(st.closers, stopSSO)
	privacyFeeds(acc.handler, db, sso, acc.audit)
	if err := st.openCatalog(ctx, log, db, acc, mux); err != nil {
		return err
	}
	mux.API("GET /api/openapi.yaml", api.Handler(api.Window))
	mux.Mount(&portal.Portal{RegistryURL: gw + "/r1/", Path: "/developers"})
	acc.mount(mux)
	mux.Mount(sso)
	st.window = mux
	for _, s := range st.servers {
		if s.name == "window" {
			s.handler = mux.Handler()
		}
	}
	return nil
}

// close releases what the components hold.
func (st *stack) close() {
	for i := len(st.closers) - 1; i >= 0; i-- {
		st.closers[i]()
	}
	st.closers = nil
}

// url returns the bound URL of the named component, or "".
func (st *stack) url(name string) string {
	for _, s := range st.servers {
		if s.name == name {
			return s.url
		}
	}
	return ""
}

// wait serves until ctx is done and then shuts everything down.
func (st *stack) wait(ctx context.Context, cfg config.Config, log *slog.Logger, e env) int {
	timeout := cfg.ShutdownTimeout
	err := serve(ctx, log, st.servers, timeout)
	st.close()
	if st.window != nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		if cerr := st.window.Close(cctx); cerr != nil {
			log.Warn("closing the window", "err", cerr)
		}
	}
	if err != nil {
		return failed(e, cfg, log, "panjereh", err)
	}
	log.Info("stopped")
	return 0
}

// registryHandler serves the simulated base registries.
func registryHandler(ctx context.Context, db *sqldb.DB, log *slog.Logger) (http.Handler, error) {
	store, err := registry.NewStore(ctx, db)
	if err != nil {
		return nil, err
	}
	h := &registry.Handler{Store: store, Logger: log, Now: time.Now}
	return h.Routes()
}

// windowGCPercent is the garbage collector's target in a process that
// serves the window, unless GOGC is set in the environment. The window
// keeps little memory alive (a few tens of megabytes) and allocates a
// great deal per request, so with Go's default of 100 it collects very
// often: at 400 complete logins took 8-10% less CPU (BENCHMARKS.md), for
// a heap that may grow to five times what is alive. The token endpoint's
// benchmarks (internal/identity/oidc) run with the same target.
const windowGCPercent = 400

var windowGC = sync.OnceFunc(func() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(windowGCPercent)
	}
})
