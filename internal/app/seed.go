package app

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/sqldb"
)

// metaSeed records in the meta table how the registries were seeded.
const metaSeed = "registry.seed"

func runSeed(ctx context.Context, e env, args []string) int {
	var reset bool
	cfg, pos, code, ok := parse(e, "seed", "[--persons N] [--seed S] [--reset]", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&reset, "reset", false, "delete the registries' existing synthetic data first")
	}, "data-dir", "dsn", "persons", "seed", "log-level", "log-format")
	if !ok {
		return code
	}
	if !noArgs(e, "seed", pos) {
		return 2
	}
	log := newLogger(cfg, e.stderr)
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(e.stderr, "panjereh seed: %v\n", err)
		return 1
	}
	defer db.Close()
	if reset {
		if err := registry.Reset(ctx, db); err != nil {
			fmt.Fprintf(e.stderr, "panjereh seed: reset: %v\n", err)
			return 1
		}
	}
	stats, err := seedRegistries(ctx, db, cfg, log)
	if err != nil {
		fmt.Fprintf(e.stderr, "panjereh seed: %v\n", err)
		return 1
	}
	fmt.Fprintf(e.stdout, "seeded %d persons with seed %d in %s\n", cfg.Persons, cfg.Seed, stats.Duration.Round(time.Millisecond))
	cs, err := seedCatalog(ctx, &catalog.Store{DB: db})
	if err != nil {
		fmt.Fprintf(e.stderr, "panjereh seed: %v\n", err)
		return 1
	}
	fmt.Fprintf(e.stdout, "catalog: %d agencies, %d new services, %d licences\n", cs.Agencies, cs.Services, cs.Licences)
	for _, t := range stats.Tables {
		fmt.Fprintf(e.stdout, "  %-24s %d\n", t.Name, t.Rows)
	}
	return 0
}

// seedRegistries seeds the registries and records the seed in meta.
func seedRegistries(ctx context.Context, db *sqldb.DB, cfg config.Config, log *slog.Logger) (registry.SeedStats, error) {
	start := time.Now()
	last := start
	stats, err := registry.Seed(ctx, db, registry.SeedOptions{
		Persons: cfg.Persons,
		Seed:    cfg.Seed,
		Now:     start,
		Progress: func(table string, rows int64) {
			if time.Since(last) > 2*time.Second {
				last = time.Now()
				log.Info("seeding", "table", table, "rows", rows)
			}
		},
	})
	if err != nil {
		return stats, err
	}
	err = sqldb.SetMeta(ctx, db.Write, metaSeed,
		"persons="+strconv.Itoa(cfg.Persons)+" seed="+strconv.FormatInt(cfg.Seed, 10), time.Now())
	return stats, err
}
