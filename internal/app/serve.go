package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjereh/panjereh/api"
	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/pki"
	"github.com/panjereh/panjereh/internal/identity/oidc"
	"github.com/panjereh/panjereh/internal/portal"
	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

func runServe(ctx context.Context, e env, args []string) int {
	cfg, names, code, ok := parse(e, "serve", "[window|registry|exchange|all]...", args, nil)
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
	// A window that could send no login code is refused before anything
	// is written: no migration, no key.
	if which["window"] && cfg.SMS == "" {
		return failed(e, cfg, log, "panjereh serve", errNoSMS)
	}
	// Libraries that log only through slog's default (the OIDC
	// provider's) write in the configured format and level too.
	slog.SetDefault(log)
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return failed(e, cfg, log, "panjereh serve", err)
	}
	defer db.Close()
	st, err := start(ctx, cfg, log, db, which, false, e.stdout)
	if err != nil {
		return failed(e, cfg, log, "panjereh serve", err)
	}
	return st.wait(ctx, cfg, log, e)
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

// start builds the chosen components and binds their listeners. The
// registries answer only the exchange gateway, over mTLS; the gateway
// needs the platform CA in DATA-DIR/ca.
func start(ctx context.Context, cfg config.Config, log *slog.Logger, db *sqldb.DB, which map[string]bool, dev bool, out io.Writer) (*stack, error) {
	st := &stack{}
	fail := func(err error) (*stack, error) {
		st.close()
		return nil, err
	}
	var n *nixState
	if which["registry"] || which["exchange"] {
		var err error
		if n, err = openNix(cfg, db); err != nil {
			return nil, err
		}
	}
	if which["registry"] {
		h, err := registryHandler(ctx, db, log)
		if err != nil {
			return fail(err)
		}
		tlsCfg, err := n.serverTLS(cfg.RegistryAddr)
		if err != nil {
			return fail(err)
		}
		h = exchange.RequireMember(n.auth, pki.ProblemFor, gatewayMember(cfg))(h)
		st.servers = append(st.servers, &server{name: "registry", addr: cfg.RegistryAddr, handler: h, tls: tlsCfg})
	}
	if which["exchange"] {
		g, closeGateway, err := n.gateway(ctx, log)
		if err != nil {
			return fail(err)
		}
		st.closers = append(st.closers, closeGateway)
		h, err := g.Handler()
		if err != nil {
			return fail(err)
		}
		tlsCfg, err := n.serverTLS(cfg.ExchangeAddr)
		if err != nil {
			return fail(err)
		}
		st.servers = append(st.servers, &server{name: "exchange", addr: cfg.ExchangeAddr, handler: h, tls: tlsCfg})
	}
	if which["window"] {
		st.servers = append(st.servers, &server{name: "window", addr: cfg.Addr})
	}
	if err := listen(st.servers); err != nil {
		return fail(err)
	}
	if which["window"] {
		if err := st.startWindow(ctx, cfg, log, db, dev, out); err != nil {
			for _, s := range st.servers {
				s.ln.Close()
			}
			return fail(err)
		}
	}
	return st, nil
}

// startWindow builds the national window on its bound listener: the
// portal, registration and login, the SSO provider and, in the demo, the
// development SMS page.
func (st *stack) startWindow(ctx context.Context, cfg config.Config, log *slog.Logger, db *sqldb.DB, dev bool, out io.Writer) (err error) {
	windowGC()
	mux, err := web.New(web.Options{Logger: log, DB: db, Dev: dev, Version: Version(), TrustedProxies: cfg.TrustedProxies})
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			mux.Close(context.WithoutCancel(ctx))
		}
	}()
	gw := st.url("exchange")
	if gw == "" {
		gw = "https://" + cfg.ExchangeAddr
	}
	acc, err := openAccess(ctx, cfg, log, db, gw, dev, out)
	if err != nil {
		return err
	}
	st.closers = append(st.closers, acc.close)
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
// a heap that may grow to five times what is alive.
const windowGCPercent = 400

var windowGC = sync.OnceFunc(func() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(windowGCPercent)
	}
})
