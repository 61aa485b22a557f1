package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/ecpem"
	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/exchange/pki"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/nix"
)

// nixState holds what the exchange's parts of one process share: the CA, the
// certificate registry, the revocation cache and the authenticator.
type nixState struct {
	cfg   config.Config
	db    *sqldb.DB
	ca    *pki.CA
	certs *pki.Store
	auth  exchange.CertAuth
}

// loadCA loads the platform CA from DATA-DIR/ca.
func loadCA(cfg config.Config) (*pki.CA, error) {
	ca, err := pki.LoadCA(caDir(cfg, ""))
	if err != nil {
		return nil, fmt.Errorf("the exchange needs the platform CA: copy DATA-DIR/ca from the host where `panjereh ca init` was run, or run it if this is the installation's first host: %w", err)
	}
	return ca, nil
}

// exchangeDir is where a host of the exchange keeps its own files.
func exchangeDir(cfg config.Config) string { return filepath.Join(cfg.DataDir, "exchange") }

// gatewayLogDir is the gateway's message log.
func gatewayLogDir(cfg config.Config) string { return filepath.Join(exchangeDir(cfg), "log") }

// openNix is the exchange's state on db, under the platform CA ca.
func openNix(cfg config.Config, db *sqldb.DB, ca *pki.CA) *nixState {
	certs := &pki.Store{DB: db}
	revoked := pki.NewRevocationCache(certs, pki.CacheOptions{})
	return &nixState{cfg: cfg, db: db, ca: ca, certs: certs,
		auth: exchange.CertAuth{Authenticator: &pki.Authenticator{CA: ca.Cert, Revoked: revoked}}}
}

// serverTLS issues a server certificate for addr's host and the
// configured TLS names, and returns a TLS 1.3 configuration that asks
// callers for their member certificates.
func (n *nixState) serverTLS(addr string) (*tls.Config, error) {
	hosts, err := serverNames(addr, n.cfg.TLSNames, os.Hostname)
	if err != nil {
		return nil, err
	}
	certPEM, keyPEM, err := n.ca.IssueServer(hosts, time.Now())
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	return pki.ServerTLSConfig(n.ca.Cert, cert), nil
}

// serverNames lists the names a server certificate for addr carries,
// the first as its common name: addr's host, the configured names,
// localhost and 127.0.0.1. A server on every interface (0.0.0.0, ::) has
// no host of its own in addr; with no names configured it is given the
// machine's host name, when that is a DNS name, so that callers on other
// hosts can verify it by that name at least.
func serverNames(addr string, names []string, hostname func() (string, error)) ([]string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var out []string
	add := func(hs ...string) {
		for _, h := range hs {
			if !slices.Contains(out, h) {
				out = append(out, h)
			}
		}
	}
	ip, err := netip.ParseAddr(host)
	everywhere := host == "" || err == nil && ip.IsUnspecified()
	if !everywhere {
		add(host)
	}
	add(names...)
	if everywhere && len(names) == 0 {
		if h, err := hostname(); err == nil && config.CheckDNSName(h) == nil {
			add(h)
		}
	}
	add("localhost", "127.0.0.1")
	return out, nil
}

// memberCert returns the certificate directory of member under
// DATA-DIR/exchange/certs, issuing one when none is there or it expires
// within a month.
func (n *nixState) memberCert(ctx context.Context, member string) (string, error) {
	dir := filepath.Join(exchangeDir(n.cfg), "certs", filepath.FromSlash(member))
	if b, err := os.ReadFile(filepath.Join(dir, "member.crt")); err == nil {
		if c, err := pki.ParseCertificatePEM(b); err == nil && time.Until(c.NotAfter) > 30*24*time.Hour {
			return dir, nil
		}
	}
	return dir, issueMember(ctx, n.certs, caDir(n.cfg, ""), member, dir, time.Now())
}

// gatewayMember is the identity the gateway presents to providers: a
// member of its own, so that providers can tell the gateway from the
// window, which calls as the platform member.
func gatewayMember(cfg config.Config) string { return cfg.PlatformMember + "-nix" }

// providerTransport reaches providers as the gateway, trusting the
// platform CA, with connections reused.
func (n *nixState) providerTransport(ctx context.Context) (*http.Transport, error) {
	dir, err := n.memberCert(ctx, gatewayMember(n.cfg))
	if err != nil {
		return nil, err
	}
	cfg, err := nix.LoadTLS(dir)
	if err != nil {
		return nil, err
	}
	return &http.Transport{TLSClientConfig: cfg, MaxIdleConns: 512, MaxIdleConnsPerHost: 128,
		IdleConnTimeout: 90 * time.Second, ForceAttemptHTTP2: true, ResponseHeaderTimeout: 30 * time.Second}, nil
}

// gatewayKey loads the key that signs the message log's seals, creating
// it (and gateway-pub.pem beside it, for verify-log) on first start.
func (n *nixState) gatewayKey() (*ecdsa.PrivateKey, error) {
	return signingKey(exchangeDir(n.cfg), "gateway.key", "gateway-pub.pem")
}

// signingKey loads the ECDSA P-256 key DIR/NAME, creating it on first use
// with its public half in DIR/PUB for whoever verifies the signatures.
func signingKey(dir, name, pub string) (*ecdsa.PrivateKey, error) {
	return ecpem.LoadOrCreate(dir, name, pub)
}

// syncProcs gives the Go scheduler twice its default number of Ps once a
// gateway runs in the process, unless GOMAXPROCS is set in the
// environment. Every answer waits for its record's fdatasync, and a
// goroutine in that system call keeps its P until the scheduler takes it
// back, so with one P per core a core idles while the log syncs: the
// gateway used 1.5 of 2 cores with 2 Ps and 1.8 with 4 (BENCHMARKS.md).
var syncProcs = sync.OnceFunc(func() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2 * runtime.GOMAXPROCS(0))
	}
})

// gateway builds the exchange gateway with its log and index. The
// returned function closes them.
func (n *nixState) gateway(ctx context.Context, log *slog.Logger) (*exchange.Gateway, func(), error) {
	key, err := n.gatewayKey()
	if err != nil {
		return nil, nil, fmt.Errorf("gateway key: %w", err)
	}
	logDir := gatewayLogDir(n.cfg)
	mlog, err := msglog.Open(logDir, msglog.Options{Signer: key})
	if err != nil {
		return nil, nil, err
	}
	syncProcs()
	index := &exchange.Index{DB: n.db, Logger: log, LogDir: logDir, LogID: mlog.ID()}
	if added, err := index.Catchup(ctx, []string{logDir}); err != nil {
		mlog.Close()
		return nil, nil, err
	} else if added > 0 {
		log.Info("exchange index caught up with the message log", "records", added)
	}
	index.Start(context.WithoutCancel(ctx))
	tr, err := n.providerTransport(ctx)
	if err != nil {
		index.Close()
		mlog.Close()
		return nil, nil, err
	}
	// Retention: archives older than six months go, whole files only (B3).
	stopPrune := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			if removed, err := mlog.Prune(time.Now()); err != nil {
				log.Warn("exchange: pruning the message log", "err", err)
			} else if len(removed) > 0 {
				log.Info("exchange: pruned message log archives past retention", "files", removed)
			}
			select {
			case <-stopPrune:
				return
			case <-t.C:
			}
		}
	}()
	partners, err := n.cfg.Partners()
	if err != nil {
		closeAllEarly(index, mlog, tr)
		return nil, nil, err
	}
	g := &exchange.Gateway{
		Partners:    partners,
		Store:       &exchange.Store{DB: n.db},
		Auth:        n.auth,
		AuthProblem: pki.ProblemFor,
		Log:         mlog,
		Index:       index,
		Operators:   []string{n.cfg.PlatformMember},
		Monitors:    n.cfg.ExchangeMonitors,
		Transport:   tr,
		Logger:      log,
		Limiter:     exchange.NewLimiter(2000, 4000),
		CacheTTL:    time.Second,
		Metrics:     exchange.NewMetrics(),
	}
	if n.cfg.ExchangeUpstream != "" {
		// A regional exchange presents its own gateway certificate to the
		// national gateway, as it does to providers.
		g.Upstream = &exchange.Upstream{URL: n.cfg.ExchangeUpstream, Transport: tr}
	}
	closeAll := func() {
		close(stopPrune)
		index.Close()
		if err := mlog.Close(); err != nil {
			log.Warn("closing the message log", "err", err)
		}
		tr.CloseIdleConnections()
	}
	return g, closeAll, nil
}

func closeAllEarly(index *exchange.Index, mlog *msglog.Log, tr *http.Transport) {
	index.Close()
	mlog.Close()
	tr.CloseIdleConnections()
}
