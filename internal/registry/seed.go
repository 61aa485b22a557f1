package registry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// SeedOptions says what population Seed makes.
type SeedOptions struct {
	// Persons is the number of natural persons in the civil registry,
	// the demo personas included (they are made even when Persons is
	// smaller). Foreign nationals, about one per hundred persons, come on
	// top.
	Persons int
	// Seed makes the data reproducible: the same Persons, Seed and Now
	// give the same rows.
	Seed int64
	// Now is the reference date: ages, expiry dates and the personas'
	// licence and insurance dates are relative to it.
	Now time.Time
	// Progress, if set, is called now and then with the table being loaded
	// and the rows loaded into it so far.
	Progress func(table string, rows int64)
}

// SeedStats reports what Seed loaded.
type SeedStats struct {
	Duration time.Duration
	Tables   []TableStats
}

// TableStats is the row count of one table.
type TableStats struct {
	Name string
	Rows int64
}

// ErrNotEmpty is returned, wrapped, by Seed when the registry tables already
// hold rows; the caller decides whether to Reset them.
var ErrNotEmpty = errors.New("registry tables already hold data")

// seeder holds what every table's pass shares.
type seeder struct {
	t        *tables
	opts     SeedOptions
	now      day
	reserved map[string]bool
	personas []*household
	persons  int64 // generated persons, personas excluded
}

// Seed fills the empty registry tables with the demo personas and a
// synthetic population. Each table is generated in its own pass over the
// population, rows made on the fly and streamed into the store, so memory
// does not grow with Persons. The secondary indexes are (re)created after
// the load.
func Seed(ctx context.Context, db *sqldb.DB, opts SeedOptions) (SeedStats, error) {
	start := time.Now()
	if opts.Now.IsZero() {
		return SeedStats{}, errors.New("registry: seed: no reference date (SeedOptions.Now)")
	}
	t, err := loadTables()
	if err != nil {
		return SeedStats{}, err
	}
	ph, err := personaHouseholds(t)
	if err != nil {
		return SeedStats{}, err
	}
	s := &seeder{t: t, opts: opts, now: dayOf(opts.Now), reserved: reservedIdentifiers(), personas: ph,
		persons: int64(max(0, opts.Persons-len(personaSpecs)))}
	for _, tb := range registryTables {
		var one int
		err := sqldb.ScanOne(ctx, db.Read, "SELECT 1 FROM "+tb+" LIMIT 1", nil, &one)
		if err == nil {
			return SeedStats{}, fmt.Errorf("registry: seed: %s: %w", tb, ErrNotEmpty)
		}
		if !errors.Is(err, sqldb.ErrNotFound) {
			return SeedStats{}, fmt.Errorf("registry: seed: check %s: %w", tb, err)
		}
	}
	if err := dropIndexes(ctx, db); err != nil {
		return SeedStats{}, err
	}
	if db.Dialect == sqldb.SQLite {
		// A larger page cache on the single writer connection keeps the
		// primary-key B-trees in memory while rows arrive in random key
		// order; it is set back afterwards.
		if _, err := db.Write.ExecContext(ctx, "PRAGMA cache_size = -131072"); err != nil {
			return SeedStats{}, fmt.Errorf("registry: seed: %w", err)
		}
		defer db.Write.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = -2000")
	}
	var stats SeedStats
	for _, tb := range s.passes() {
		n, err := s.load(ctx, db, tb)
		if err != nil {
			return stats, err
		}
		stats.Tables = append(stats.Tables, TableStats{tb.name, n})
	}
	if err := createIndexes(ctx, db, opts.Progress); err != nil {
		return stats, err
	}
	stats.Duration = time.Since(start)
	return stats, nil
}

// pass generates the rows of one table.
type pass struct {
	name    string
	cols    []string
	produce func(emit emitFunc) error
}

// load streams one pass into its table.
func (s *seeder) load(ctx context.Context, db *sqldb.DB, p pass) (int64, error) {
	next, stop := pipeRows(ctx, len(p.cols), p.produce)
	var seen int64
	counted := func() ([]any, error) {
		row, err := next()
		if row != nil {
			seen++
			if seen%100_000 == 0 && s.opts.Progress != nil {
				s.opts.Progress(p.name, seen)
			}
		}
		return row, err
	}
	n, err := db.BulkInsert(ctx, p.name, p.cols, 20000, counted)
	if perr := stop(); err == nil && perr != nil {
		err = perr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return n, fmt.Errorf("registry: seed %s: %w", p.name, err)
	}
	if s.opts.Progress != nil {
		s.opts.Progress(p.name, n)
	}
	return n, nil
}

// eachHousehold walks the personas' households, then the generated ones.
func (s *seeder) eachHousehold(fn func(h *household)) {
	for _, h := range s.personas {
		fn(h)
	}
	g := newGenerator(s.t, s.opts.Seed, s.now, s.persons, s.reserved, int64(len(personaSpecs)))
	for h := g.next(); h != nil; h = g.next() {
		fn(h)
	}
}

// eachGenerated walks the generated persons with their households, and
// the agency state of the pass.
func (s *seeder) eachGenerated(fn func(st *agencyState, p *person, h *household)) {
	st := newAgencyState(s.opts.Seed, s.now, s.reserved)
	s.eachHousehold(func(h *household) {
		if h.persona {
			return
		}
		for i := range h.members {
			fn(st, &h.members[i], h)
		}
	})
}

// foreignerCount is the number of generated foreign nationals.
func (s *seeder) foreignerCount() int64 { return max(3, int64(s.opts.Persons)/100) }

// dropIndexes removes the secondary indexes before a load.
func dropIndexes(ctx context.Context, db *sqldb.DB) error {
	for _, ix := range secondaryIndexes {
		if _, err := db.Write.ExecContext(ctx, "DROP INDEX IF EXISTS "+ix.name); err != nil {
			return fmt.Errorf("registry: drop index %s: %w", ix.name, err)
		}
	}
	return nil
}

// createIndexes builds the secondary indexes and, on PostgreSQL, refreshes
// the planner's statistics.
func createIndexes(ctx context.Context, db *sqldb.DB, progress func(string, int64)) error {
	for _, ix := range secondaryIndexes {
		q := "CREATE INDEX IF NOT EXISTS " + ix.name + " ON " + ix.table + " (" + ix.cols + ")"
		if _, err := db.Write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("registry: create index %s: %w", ix.name, err)
		}
		if progress != nil {
			progress("index "+ix.name, 0)
		}
	}
	if db.Dialect == sqldb.Postgres {
		for _, tb := range registryTables {
			if _, err := db.Write.ExecContext(ctx, "ANALYZE "+tb); err != nil {
				return fmt.Errorf("registry: analyze %s: %w", tb, err)
			}
		}
	}
	return nil
}

// Reset deletes every row of the registry tables, so that Seed can run
// again.
func Reset(ctx context.Context, db *sqldb.DB) error {
	if db.Dialect == sqldb.Postgres {
		_, err := db.Write.ExecContext(ctx, "TRUNCATE "+joinNames(registryTables))
		if err != nil {
			return fmt.Errorf("registry: reset: %w", err)
		}
		return nil
	}
	if err := dropIndexes(ctx, db); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *sqldb.Tx) error {
		for _, tb := range registryTables {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+tb); err != nil {
				return fmt.Errorf("registry: reset %s: %w", tb, err)
			}
		}
		return nil
	})
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}
