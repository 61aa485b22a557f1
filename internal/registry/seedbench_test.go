package registry_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// TestSeedScale seeds PANJEREH_BENCH_SEED persons and reports the time, for
// measuring the seeding target:
//
//	go test -c -o /tmp/registry.test ./internal/registry
//	PANJEREH_BENCH_SEED=1000000 /usr/bin/time -v /tmp/registry.test -test.run TestSeedScale -test.v
func TestSeedScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PANJEREH_BENCH_SEED"))
	if n == 0 {
		t.Skip("set PANJEREH_BENCH_SEED to the number of persons")
	}
	db := sqldbtest.Open(t)
	ctx := context.Background()
	start := time.Now()
	stats, err := registry.Seed(ctx, db, registry.SeedOptions{Persons: n, Seed: 1403, Now: time.Now(),
		Progress: func(table string, rows int64) {
			if rows%500_000 == 0 {
				t.Logf("%6.1fs %s %d", time.Since(start).Seconds(), table, rows)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, tb := range stats.Tables {
		t.Logf("%-16s %9d", tb.Name, tb.Rows)
		total += tb.Rows
	}
	t.Logf("seeded %d persons (%d rows) on %s in %s", n, total, sqldbtest.Backend(), stats.Duration)
}
