package exchange_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

func TestIndexCatchupAndPaging(t *testing.T) {
	ctx := context.Background()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	dir := t.TempDir()
	log, err := msglog.Open(dir, msglog.Options{Signer: key})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	for i := 0; i < 130; i++ {
		subject := "0012345679"
		if i%2 == 1 {
			subject = "1283456788"
		}
		_, err := log.Append(ctx, msglog.Record{Time: start.Add(time.Duration(i) * time.Minute), MessageID: fmt.Sprintf("m%03d", i),
			Client: window + "/portal", Service: identity, Subject: subject, TrackingCode: fmt.Sprint("T", i), Status: 200 + 200*(i%13/12)})
		if err != nil {
			t.Fatal(err)
		}
	}
	log.Close()

	ix := &exchange.Index{DB: sqldbtest.Open(t)}
	for round, want := range []int{130, 0} {
		n, err := ix.Catchup(ctx, []string{dir})
		if err != nil || n != want {
			t.Fatalf("catch-up %d = %d, %v; want %d", round, n, err, want)
		}
	}
	// Newest first, paged with before.
	page, err := ix.Accesses(ctx, "0012345679", 0, 40)
	if err != nil || len(page) != 40 || page[0].MessageID != "m128" || page[0].Member != window {
		t.Fatalf("first page: %d, %+v, %v", len(page), page[0], err)
	}
	rest, _ := ix.Accesses(ctx, "0012345679", page[len(page)-1].Seq, 100)
	if len(page)+len(rest) != 65 || rest[len(rest)-1].MessageID != "m000" {
		t.Errorf("paging: %d + %d accesses", len(page), len(rest))
	}
	counts, err := ix.Monthly(ctx, start, start.AddDate(0, 1, 0))
	if err != nil || len(counts) != 1 || counts[0].Inquiries+counts[0].Refused != 130 || counts[0].Refused != 10 {
		t.Errorf("monthly: %+v %v", counts, err)
	}
}

// TestIndexTwoLogs: two gateways' logs, each counting its records from 1,
// share one index: every record of both is indexed, a person's list has
// them all, newest indexed first, and each log's catch-up knows its own
// place.
func TestIndexTwoLogs(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	start := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	var dirs []string
	var ids []string
	for g := range 2 {
		dir := t.TempDir()
		log, err := msglog.Open(dir, msglog.Options{Signer: key})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			if _, err := log.Append(ctx, msglog.Record{Time: start.Add(time.Duration(g*10+i) * time.Minute), MessageID: fmt.Sprintf("g%d-%d", g, i),
				Client: window + "/portal", Service: identity, Subject: "0012345679", Status: 200}); err != nil {
				t.Fatal(err)
			}
		}
		dirs, ids = append(dirs, dir), append(ids, log.ID())
		log.Close()
	}
	if ids[0] == ids[1] {
		t.Fatal("two logs have one ID")
	}
	for g, dir := range dirs {
		ix := &exchange.Index{DB: db, LogID: ids[g]}
		for round, want := range []int{5, 0} {
			if n, err := ix.Catchup(ctx, []string{dir}); err != nil || n != want {
				t.Fatalf("log %d, catch-up %d = %d, %v; want %d", g, round, n, err, want)
			}
		}
		if last, err := ix.LastSeq(ctx); err != nil || last != 5 {
			t.Errorf("log %d: last seq %d, %v", g, last, err)
		}
	}
	ix := &exchange.Index{DB: db, LogID: ids[0]}
	page, err := ix.Accesses(ctx, "0012345679", 0, 6)
	if err != nil || len(page) != 6 || page[0].MessageID != "g1-4" || page[5].MessageID != "g0-4" {
		t.Fatalf("first page: %+v, %v", page, err)
	}
	rest, err := ix.Accesses(ctx, "0012345679", page[5].Seq, 10)
	if err != nil || len(rest) != 4 || rest[3].MessageID != "g0-0" {
		t.Errorf("second page: %+v, %v", rest, err)
	}
}
