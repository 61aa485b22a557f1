package audit

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// BenchmarkRecord measures Record with many concurrent callers, as under a
// wave of logins; one op is one event. Run it on PostgreSQL with
// PANJEREH_TEST_POSTGRES set, and with -cpu to vary the callers (64 per
// CPU).
func BenchmarkRecord(b *testing.B) {
	db := sqldbtest.Open(b)
	l := &Log{DB: db, Signer: newKey(b), SealEvery: time.Second}
	b.Cleanup(func() { l.Close(context.Background()) })
	benchRecord(b, l)
}

// BenchmarkRecordTwoNodes is BenchmarkRecord split across two Logs with
// their own connection pools, contending for the head row.
func BenchmarkRecordTwoNodes(b *testing.B) {
	db := sqldbtest.Open(b)
	key := newKey(b)
	nodes := []*Log{
		{DB: db, Signer: key, SealEvery: time.Second},
		{DB: openNode(b, db), Signer: key, SealEvery: time.Second},
	}
	for _, l := range nodes {
		b.Cleanup(func() { l.Close(context.Background()) })
	}
	var next atomic.Int64
	b.SetParallelism(64)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		l := nodes[next.Add(1)%2]
		i := 0
		for pb.Next() {
			i++
			if err := l.Record(context.Background(), event(i, strconv.Itoa(i%5000))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	b.StopTimer()
	checkBench(b, db)
}

func benchRecord(b *testing.B, l *Log) {
	b.SetParallelism(64)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			if err := l.Record(context.Background(), event(i, strconv.Itoa(i%5000))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	b.StopTimer()
	checkBench(b, l.DB)
}

// checkBench makes sure what was measured is a valid chain.
func checkBench(b *testing.B, db *sqldb.DB) {
	b.Helper()
	rep, err := Verify(context.Background(), db)
	if err != nil || !rep.OK() {
		b.Fatalf("chain after the benchmark: %+v, %v", rep, err)
	}
}
