package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/sqldb"
)

func runDemo(ctx context.Context, e env, args []string) int {
	cfg, pos, code, ok := parse(e, "demo", "[--persons N] [--seed S] [--addr A] [--registry-addr A]", args, nil)
	if !ok {
		return code
	}
	if !noArgs(e, "demo", pos) {
		return 2
	}
	if len(cfg.Overseers) == 0 {
		cfg.Overseers = []string{demoOverseer}
	}
	log := newLogger(cfg, e.stderr)
	// Libraries that log only through slog's default (the OIDC
	// provider's) write in the configured format and level too.
	slog.SetDefault(log)
	// The addresses are bound first, so that one in use refuses the demo
	// before the database is made or seeded.
	servers, err := bind(cfg, map[string]bool{"window": true, "registry": true, "exchange": true})
	if err != nil {
		fmt.Fprintf(e.stderr, "panjereh demo: %v\n", err)
		return 1
	}
	var st *stack
	defer func() {
		if st == nil { // refused: the listeners will not serve
			unbind(servers)
		}
	}()
	db, err := openCheckedDB(ctx, cfg, log, checkSecret(cfg))
	if err != nil {
		fmt.Fprintf(e.stderr, "panjereh demo: %v\n", err)
		return 1
	}
	defer db.Close()

	seeded, err := sqldb.GetMeta(ctx, db.Read, metaSeed)
	switch {
	case errors.Is(err, sqldb.ErrNotFound):
		fmt.Fprintf(e.stdout, "First start: seeding the simulated registries with %d synthetic people (seed %d)...\n", cfg.Persons, cfg.Seed)
		stats, err := seedRegistries(ctx, db, cfg, log)
		if err != nil {
			fmt.Fprintf(e.stderr, "panjereh demo: seed: %v\n", err)
			return 1
		}
		fmt.Fprintf(e.stdout, "Seeded in %s.\n", stats.Duration.Round(1e6))
	case err != nil:
		fmt.Fprintf(e.stderr, "panjereh demo: %v\n", err)
		return 1
	default:
		log.Info("registries already seeded", "with", seeded)
	}

	if created, err := ensureCA(cfg); err != nil {
		fmt.Fprintf(e.stderr, "panjereh demo: %v\n", err)
		return 1
	} else if created {
		fmt.Fprintf(e.stdout, "Created the exchange's certificate authority in %s.\n", caDir(cfg, ""))
	}
	if err := ensureDemoCert(ctx, cfg, db); err != nil {
		fmt.Fprintf(e.stderr, "panjereh demo: %v\n", err)
		return 1
	}
	ca, err := loadCA(cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "panjereh demo: %v\n", err)
		return 1
	}
	st, err = start(ctx, cfg, log, db, servers, ca, true, e.stdout)
	if err != nil {
		fmt.Fprintf(e.stderr, "panjereh demo: %v\n", err)
		return 1
	}
	if err := bootstrapExchange(ctx, cfg, db, st.url("registry"), "demo"); err != nil {
		st.close()
		fmt.Fprintf(e.stderr, "panjereh demo: %v\n", err)
		return 1
	}
	ag, err := startAgency(ctx, cfg, log, db, st)
	if err != nil {
		st.close()
		fmt.Fprintf(e.stderr, "panjereh demo: %v\n", err)
		return 1
	}
	st.servers = append(st.servers, ag)
	st.agencyURL.Store(&ag.url)
	// The ordinary persona keeps the traffic police's service records.
	if err := (&catalog.Store{DB: db}).Grant(ctx, demoPoliceStaff, "police", cfg.Overseers[0]); err != nil {
		st.close()
		fmt.Fprintf(e.stderr, "panjereh demo: %v\n", err)
		return 1
	}
	printDemo(e.stdout, cfg, st.url("window"), st.url("exchange"), st.url("registry"), ag.url)
	return st.wait(ctx, cfg, log, e)
}

// demoPoliceStaff is the ordinary persona, whom the demo makes staff of
// the police in the agencies' console.
const demoPoliceStaff = "0012345679"

// demoOverseer is the ceo persona, whom the demo lets use the ministry's
// client console unless PANJEREH_OVERSEERS says otherwise.
const demoOverseer = "0021122334"

// overseersNote names the overseers for the banner, and the persona
// when it is the demo's own.
func overseersNote(codes []string) string {
	if len(codes) == 1 && codes[0] == demoOverseer {
		return demoOverseer + ", the ceo persona"
	}
	return strings.Join(codes, ", ")
}

// printDemo tells the person at the terminal where everything is and whom
// to try it with.
func printDemo(w io.Writer, cfg config.Config, windowURL, exchangeURL, registryURL, agencyURL string) {
	fmt.Fprintf(w, `
Panjereh demo — پنجره ملی خدمات دولت هوشمند (نسخهٔ نمایشی)

  National window (پنجرهٔ ملی):            %s/      (English: %s/?lang=en)
  Information exchange (مرکز تبادل):       %s/r1/   (mTLS, TLS 1.3)
  Simulated base registries (پایگاه‌ها):   %s   (answer the exchange only)
  Agency window (درگاه دستگاه، نمایشی):    %s/      («ورود از طریق دولت من»)
  SMS codes (پیامک‌های کد):                %s/dev/sms
  Ministry's client console (کنسول وزارت): %s/oauth2/console   (as an overseer: %s)
  Agencies' console (کنسول دستگاه‌ها):      %s/console/catalog   (overseers: every agency; ordinary persona %s: police)

Demo personas (docs/demo-personas.md):
`, windowURL, windowURL, exchangeURL, registryURL, agencyURL, windowURL, windowURL, overseersNote(cfg.Overseers), windowURL, demoPoliceStaff)
	for _, p := range registry.Personas() {
		mobile := strings.Join(p.Mobiles, ", ")
		if mobile == "" {
			mobile = "—"
		}
		id := p.NationalCode
		if id == "" {
			id = "FIDA " + p.FIDA
		}
		fmt.Fprintf(w, "  %-18s %-17s born %s  mobile %-24s %s\n", p.Key, id, p.BirthDate, mobile, p.RoleEn)
	}
	certs := windowCertDir(cfg)
	p := registry.Personas()[0]
	fmt.Fprintf(w, `
Call a registry through the exchange as the national window (a certificate
of %s is in %s; issue one for another member with
"panjereh ca issue --member IR/GOV/CODE --out DIR"):

  curl --cacert %s/ca.crt --cert %s/member.crt --key %s/member.key \
       -H 'X-Nix-Client: %s' -H 'X-Nix-Subject: %s' -H 'Content-Type: application/json' \
       -d '{"nin":"%s","birthDate":"%s"}' %s/r1/%ssabteahval/registry/identity

Press Ctrl-C to stop.
`, cfg.PlatformMember, certs, certs, certs, certs, portalSubsystem(cfg), p.NationalCode, p.NationalCode,
		strings.ReplaceAll(p.BirthDate, "/", ""), exchangeURL, memberPrefix(cfg))
}
