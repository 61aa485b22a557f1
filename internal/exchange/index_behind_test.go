package exchange_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// indexRig is a message log and an index over it, fed as the gateway
// feeds them: append to the log, then hand the durable record to Add.
type indexRig struct {
	db  *sqldb.DB
	dir string
	key *ecdsa.PrivateKey
	log *msglog.Log
	ix  *exchange.Index

	mu     sync.Mutex
	ids    map[uint64]string // message ID of every durable record, by seq
	behind bool              // Status reported Behind at least once
}

func newIndexRig(t *testing.T, maxQueue int) *indexRig {
	t.Helper()
	r := &indexRig{db: sqldbtest.Open(t), dir: filepath.Join(t.TempDir(), "log"), ids: map[uint64]string{}}
	r.key, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	r.openLog(t)
	r.ix = &exchange.Index{DB: r.db, LogDir: r.dir, MaxQueue: maxQueue}
	return r
}

// openLog opens the message log, as a start of the gateway does.
func (r *indexRig) openLog(t *testing.T) {
	t.Helper()
	// Small segments, so that reading back crosses rotated archives.
	log, err := msglog.Open(r.dir, msglog.Options{Signer: r.key, RotateBytes: 4 << 10})
	if err != nil {
		t.Fatal(err)
	}
	r.log = log
	t.Cleanup(func() { log.Close() })
}

// logOnly appends n records to the log without handing them to the index.
func (r *indexRig) logOnly(t *testing.T, n int) []msglog.Record {
	t.Helper()
	out := make([]msglog.Record, 0, n)
	for range n {
		rec, err := r.log.Append(context.Background(), msglog.Record{MessageID: fmt.Sprintf("m-%d", time.Now().UnixNano()),
			Client: window + "/portal", Service: identity, Subject: "0012345679", Status: 200})
		if err != nil {
			t.Error(err)
			return out
		}
		r.mu.Lock()
		r.ids[rec.Seq] = rec.MessageID
		r.mu.Unlock()
		out = append(out, rec)
	}
	return out
}

// add hands a durable record to the index and checks the queue's bound.
func (r *indexRig) add(t *testing.T, rec msglog.Record) {
	t.Helper()
	r.ix.Add(rec)
	st := r.ix.Status()
	if st.Queued > r.ix.MaxQueue {
		t.Errorf("after seq %d: %d records queued, more than the bound of %d", rec.Seq, st.Queued, r.ix.MaxQueue)
	}
	if st.Behind {
		r.mu.Lock()
		r.behind = true
		r.mu.Unlock()
	}
}

// append logs n records and hands each to the index.
func (r *indexRig) append(t *testing.T, n int) {
	t.Helper()
	for _, rec := range r.logOnly(t, n) {
		r.add(t, rec)
	}
}

// setWritable makes writes to the index table fail, or work again, by
// renaming the table: a real error from the database on both backends.
func setWritable(t *testing.T, db *sqldb.DB, ok bool) {
	t.Helper()
	from, to := "nix_exchange_index", "nix_exchange_index_away"
	if ok {
		from, to = to, from
	}
	if _, err := db.Write.ExecContext(context.Background(), `ALTER TABLE `+from+` RENAME TO `+to); err != nil {
		t.Fatal(err)
	}
}

// checkIndexed checks that the index holds every durable record exactly
// once.
func (r *indexRig) checkIndexed(t *testing.T) {
	t.Helper()
	rows, err := r.db.Read.Query(`SELECT seq, message_id FROM nix_exchange_index ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[uint64]string{}
	n := 0
	for rows.Next() {
		var seq int64
		var id string
		if err := rows.Scan(&seq, &id); err != nil {
			t.Fatal(err)
		}
		got[uint64(seq)] = id
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if diff := cmp.Diff(r.ids, got); diff != "" || n != len(r.ids) {
		t.Errorf("index (%d rows) differs from the log (%d records) (-log +index):\n%s", n, len(r.ids), diff)
	}
}

func checkStatus(t *testing.T, ix *exchange.Index, want exchange.IndexStatus) {
	t.Helper()
	if got := ix.Status(); got != want {
		t.Errorf("status = %+v, want %+v", got, want)
	}
}

func TestIndexBoundedWhileDatabaseUnwritable(t *testing.T) {
	ctx := context.Background()
	r := newIndexRig(t, 10)
	r.append(t, 5)
	if err := r.ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	checkStatus(t, r.ix, exchange.IndexStatus{Indexed: 5, Head: 5})

	// While the table cannot be written, records wait up to the bound.
	setWritable(t, r.db, false)
	r.append(t, 7)
	if err := r.ix.Flush(ctx); err == nil {
		t.Fatal("flush succeeded on a table that is not there")
	}
	checkStatus(t, r.ix, exchange.IndexStatus{Indexed: 5, Head: 12, Queued: 7})

	// Past it the index drops the queue and only remembers where it was.
	r.append(t, 30)
	st := exchange.IndexStatus{Indexed: 5, Head: 42, Behind: true}
	checkStatus(t, r.ix, st)
	if st.Lag() != 37 {
		t.Errorf("lag = %d, want 37", st.Lag())
	}
	if err := r.ix.Flush(ctx); err == nil {
		t.Fatal("flush succeeded on a table that is not there")
	}
	r.append(t, 3)
	checkStatus(t, r.ix, exchange.IndexStatus{Indexed: 5, Head: 45, Behind: true})

	// Once the table is back, the index reads the records back from the
	// log and takes new ones as they come again.
	setWritable(t, r.db, true)
	if err := r.ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	checkStatus(t, r.ix, exchange.IndexStatus{Indexed: 45, Head: 45})
	r.append(t, 4)
	checkStatus(t, r.ix, exchange.IndexStatus{Indexed: 45, Head: 49, Queued: 4})
	if err := r.ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	checkStatus(t, r.ix, exchange.IndexStatus{Indexed: 49, Head: 49})
	r.checkIndexed(t)
}

func TestIndexRestartWhileBehind(t *testing.T) {
	ctx := context.Background()
	r := newIndexRig(t, 10)
	r.append(t, 3)
	if err := r.ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	setWritable(t, r.db, false)
	r.ix.Start(ctx)
	r.append(t, 25)
	if st := r.ix.Status(); !st.Behind || st.Indexed != 3 {
		t.Errorf("status = %+v, want behind at seq 3", st)
	}
	// The process stops while the database is away.
	r.ix.Close()
	if err := r.log.Close(); err != nil {
		t.Fatal(err)
	}
	setWritable(t, r.db, true)
	if last, err := r.ix.LastSeq(ctx); err != nil || last != 3 {
		t.Fatalf("last indexed seq = %d, %v; want 3: every record up to it must be indexed", last, err)
	}

	// The next start catches up from the last indexed seq.
	r.openLog(t)
	r.ix = &exchange.Index{DB: r.db, LogDir: r.dir, MaxQueue: 10}
	if n, err := r.ix.Catchup(ctx, []string{r.dir}); err != nil || n != 25 {
		t.Fatalf("catch-up = %d, %v; want 25", n, err)
	}
	checkStatus(t, r.ix, exchange.IndexStatus{Indexed: 28, Head: 28})
	r.ix.Start(ctx)
	r.append(t, 6)
	r.ix.Close()
	checkStatus(t, r.ix, exchange.IndexStatus{Indexed: 34, Head: 34})
	r.checkIndexed(t)
}

func TestIndexWaitsForMissingRecord(t *testing.T) {
	ctx := context.Background()
	r := newIndexRig(t, 10)
	now := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	r.ix.Now = func() time.Time { return now }

	// Calls may hand their records over out of order; the index waits for
	// the one that is missing rather than index past it.
	recs := r.logOnly(t, 3)
	r.add(t, recs[0])
	r.add(t, recs[2])
	if err := r.ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	checkStatus(t, r.ix, exchange.IndexStatus{Indexed: 1, Head: 3, Queued: 1})
	r.add(t, recs[1])
	if err := r.ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	checkStatus(t, r.ix, exchange.IndexStatus{Indexed: 3, Head: 3})

	// A record that never comes is read from the log after a while.
	recs = r.logOnly(t, 2)
	r.add(t, recs[1])
	for range 2 {
		if err := r.ix.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	checkStatus(t, r.ix, exchange.IndexStatus{Indexed: 3, Head: 5, Queued: 1})
	now = now.Add(2 * time.Second)
	if err := r.ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	checkStatus(t, r.ix, exchange.IndexStatus{Indexed: 5, Head: 5})
	r.checkIndexed(t)
}

// TestIndexOutagesUnderLoad hands records over from many goroutines while
// the table comes and goes, so that the index falls behind and catches up
// while records keep arriving.
func TestIndexOutagesUnderLoad(t *testing.T) {
	ctx := context.Background()
	r := newIndexRig(t, 50)
	r.ix.Start(ctx)
	defer r.ix.Close()
	const workers, each = 8, 250
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if w == 0 && i%50 == 10 {
					setWritable(t, r.db, i%100 != 10) // away at 10, 110, 210; back at 60, 160
				}
				r.append(t, 1)
			}
		})
	}
	wg.Wait()
	setWritable(t, r.db, true)
	if err := r.ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	checkStatus(t, r.ix, exchange.IndexStatus{Indexed: workers * each, Head: workers * each})
	if !r.behind {
		t.Error("the index never fell behind; the test did not test it")
	}
	r.checkIndexed(t)
}
