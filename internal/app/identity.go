package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/notify"
	"github.com/panjereh/panjereh/internal/notify/smpp"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

// access is the window's access layer: accounts and sessions, the SMS
// outbox behind them and the audit log.
type access struct {
	service *identity.Service
	handler *identity.Handler
	audit   *audit.Log
	outbox  *notify.Outbox
	sink    *notify.DevSink // the development sink, or nil
	devPage bool            // the sink's page at /dev/sms is served (the demo only)
	closers []func()
}

func (a *access) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

// windowCertDir holds the window's member certificate, with which it calls
// the registries through the exchange.
func windowCertDir(cfg config.Config) string { return filepath.Join(cfg.DataDir, "certs", "portal") }

// windowCertError says what to do when the window's exchange
// certificate cannot be loaded.
func windowCertError(cfg config.Config, err error) error {
	return fmt.Errorf("the window's exchange certificate (issue one with `panjereh ca issue --member %s --out %s`): %w",
		cfg.PlatformMember, windowCertDir(cfg), err)
}

// openAccess builds the access layer. gatewayURL is the exchange the
// window calls the registries through; stdout receives the development
// sink's lines. dev selects the development SMS sink when no SMS is
// configured.
func openAccess(ctx context.Context, cfg config.Config, log *slog.Logger, db *sqldb.DB, gatewayURL string, dev bool, stdout io.Writer) (*access, error) {
	a := &access{}
	fail := func(err error) (*access, error) {
		a.close()
		return nil, err
	}
	secret, err := loadSecret(cfg)
	if err != nil {
		return fail(err)
	}
	key, err := signingKey(filepath.Join(cfg.DataDir, "audit"), "seal.key", "seal-pub.pem")
	if err != nil {
		return fail(fmt.Errorf("audit key: %w", err))
	}
	a.audit = &audit.Log{DB: db, Signer: key, Logger: log}
	a.closers = append(a.closers, func() {
		if err := a.audit.Close(context.WithoutCancel(ctx)); err != nil {
			log.Warn("closing the audit log", "err", err)
		}
	})

	a.outbox = &notify.Outbox{DB: db, Logger: log}
	var provider notify.Provider
	switch mode := cfg.SMS; {
	case mode == "smpp":
		if err := checkSMS(cfg); err != nil {
			return fail(err)
		}
		c := &smpp.Client{Addr: cfg.SMPPAddr, SystemID: cfg.SMPPSystemID, Password: cfg.SMPPPassword, Logger: log}
		a.closers = append(a.closers, func() { c.Close() })
		provider = c
	case mode == "dev" || (mode == "" && dev):
		a.sink = &notify.DevSink{Out: stdout, Outbox: a.outbox}
		provider = a.sink
		// Codes are listed on a page only in the demo: a server started
		// with the development sink prints them to its terminal alone.
		a.devPage = dev
		if !dev {
			log.Warn("sms: the development sink sends no SMS and prints one-time codes on this terminal; " +
				"it takes every node's queued messages too, so never start it on a database real people use")
		}
	default:
		return fail(errNoSMS)
	}
	disp := &notify.Dispatcher{Outbox: a.outbox, Provider: provider, Logger: log, Retention: cfg.SMSRetention}
	disp.Start(ctx)
	a.closers = append(a.closers, disp.Close)

	client, err := nix.New(gatewayURL, portalSubsystem(cfg), windowCertDir(cfg))
	if err != nil {
		return fail(windowCertError(cfg, err))
	}
	prefix := memberPrefix(cfg)
	a.service = &identity.Service{
		DB: db,
		Registries: &identity.ExchangeRegistries{Client: client, RequestPrefix: "ITO", Services: identity.ExchangeServices{
			Identity:     prefix + "sabteahval/registry/identity",
			Shahkar:      prefix + "sazmantanzim/shahkar/ServiceIDmatching",
			LegalPersons: prefix + "ssaa/registry/legal-persons",
			Foreigners:   prefix + "bafia/registry/foreigners",
			Residence:    prefix + "sabteahval/registry/residence",
			Post:         prefix + "post/address/postcode",
		}},
		SMS:       a.outbox,
		Audit:     auditAdapter{a.audit},
		Secret:    secret,
		Policy:    identity.DefaultPolicy(),
		Overseers: cfg.Overseers,
		Logger:    log,
	}
	a.handler = &identity.Handler{Service: a.service}
	return a, nil
}

// mount adds the access layer's pages to the window.
func (a *access) mount(m *web.Mux) {
	m.Mount(a.handler)
	if a.sink != nil && a.devPage {
		m.Mount(a.sink)
	}
}

// loadSecret returns the configured key of the code hashes, or the one
// kept in DATA-DIR/identity/secret.key, created on first start.
func loadSecret(cfg config.Config) ([]byte, error) {
	if cfg.Secret != "" {
		return hex.DecodeString(cfg.Secret)
	}
	dir := filepath.Join(cfg.DataDir, "identity")
	path := filepath.Join(dir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		return hex.DecodeString(strings.TrimSpace(string(b)))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	return key, os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600)
}

// auditAdapter records identity's events in the audit log.
type auditAdapter struct{ l *audit.Log }

func (a auditAdapter) Record(ctx context.Context, e identity.AuditEvent) error {
	return a.l.Record(ctx, auditEvent(e))
}

func (a auditAdapter) RecordTx(ctx context.Context, tx *sqldb.Tx, e identity.AuditEvent) error {
	return a.l.RecordTx(ctx, tx, auditEvent(e))
}

func auditEvent(e identity.AuditEvent) audit.Event {
	actor := ""
	switch e.Actor {
	case "":
	case identity.ActorSystem:
		actor = audit.ActorSystem
	default:
		actor = audit.ActorPerson(e.Actor)
	}
	return audit.Event{Kind: audit.Kind(e.Kind), Actor: actor, Subject: e.Subject, IP: e.IP, UserAgent: e.UserAgent, Details: e.Details}
}

// endIdleSessions ends, every interval until ctx is done, the window's
// sessions left to idle out or past their end, so that the agencies they
// entered get their back-channel logout without the browser coming back.
// Every node may run it: a session is ended once.
func (a *access) endIdleSessions(ctx context.Context, log *slog.Logger, interval time.Duration) {
	const batch = 500 // of each kind per statement; a full one means more wait
	every(ctx, interval, func() {
		for {
			n, err := a.service.EndIdleSessions(ctx, batch)
			if err != nil {
				if ctx.Err() == nil {
					log.ErrorContext(ctx, "identity: ending idle sessions", "err", err)
				}
				return
			}
			if n < batch {
				return
			}
		}
	})
}

// recheckAccounts asks the registries again, every interval until ctx is
// done, about legal persons' and foreign nationals' accounts that are due
// (identity.RecheckAccounts): a few each time, so that the registries see
// a steady trickle, each pass within the interval, and apart from the
// ending of idle sessions, which slow registries must not hold up. Every
// node may run it: each takes its own accounts.
func (a *access) recheckAccounts(ctx context.Context, log *slog.Logger, interval time.Duration) {
	const batch = 100
	every(ctx, interval, func() {
		pass, cancel := context.WithTimeout(ctx, interval)
		defer cancel()
		if _, err := a.service.RecheckAccounts(pass, batch); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "identity: asking the registries about accounts", "err", err)
		}
	})
}

// every runs job every interval until ctx is done.
func every(ctx context.Context, interval time.Duration, job func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			job()
		}
	}
}

// checkSMS refuses a window that has no way to send login codes. (An
// SMPP system ID or password longer than a bind carries is refused by
// config.Validate with every other setting's problem.)
func checkSMS(cfg config.Config) error {
	if cfg.SMS == "" {
		return errNoSMS
	}
	return nil
}

// errNoSMS refuses a window that has no way to send login codes.
var errNoSMS = errors.New("sms: set PANJEREH_SMS to smpp (with PANJEREH_SMPP_ADDR, PANJEREH_SMPP_SYSTEM_ID and the operator's PANJEREH_SMPP_PASSWORD), or to dev for development")
