package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

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
	log := newLogger(cfg, e.stderr)
	db, err := openDB(ctx, cfg, log)
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

	st, err := start(ctx, cfg, log, db, map[string]bool{"window": true, "registry": true}, true)
	if err != nil {
		fmt.Fprintf(e.stderr, "panjereh demo: %v\n", err)
		return 1
	}
	printDemo(e.stdout, st.url("window"), st.url("registry"))
	return st.wait(ctx, log, cfg.ShutdownTimeout, e)
}

// printDemo tells the person at the terminal where everything is and whom
// to try it with.
func printDemo(w io.Writer, windowURL, registryURL string) {
	fmt.Fprintf(w, `
Panjereh demo — پنجره ملی خدمات دولت هوشمند (نسخهٔ نمایشی)

  National window (پنجرهٔ ملی):           %s/      (English: %s/?lang=en)
  Simulated base registries (پایگاه‌ها):  %s/registry/

Demo personas (docs/demo-personas.md):
`, windowURL, windowURL, registryURL)
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
	if ps := registry.Personas(); len(ps) > 0 {
		p := ps[0]
		fmt.Fprintf(w, `
Try:
  curl -s %s/registry/sabteahval/identity -H 'Content-Type: application/json' \
       -d '{"nin":"%s","birthDate":"%s"}'

Press Ctrl-C to stop.
`, registryURL, p.NationalCode, strings.ReplaceAll(p.BirthDate, "/", ""))
	}
}
