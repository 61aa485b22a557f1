package sqldb_test

import (
	"context"
	"testing"

	"github.com/panjereh/panjereh/internal/benchtest"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// BenchmarkRoundTrip is the floor under every statement: a query that
// reads nothing, sent and answered one at a time. On PostgreSQL it is a
// round trip to the server, whose CPU "machine-cpu-µs/op" includes; on
// SQLite a call into the library. With the machine's gauges
// (internal/benchtest) it tells machines apart in BENCHMARKS.md:
//
//	PANJEREH_TEST_POSTGRES=... go test -run '^$' -bench RoundTrip -benchtime 2s ./internal/sqldb/
func BenchmarkRoundTrip(b *testing.B) {
	db := sqldbtest.Open(b)
	ctx := context.Background()
	var one int
	if err := db.Read.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		b.Fatal(err)
	}
	span := benchtest.Start()
	for b.Loop() {
		if err := db.Read.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
			b.Fatal(err)
		}
	}
	span.Report(b, b.N)
}
