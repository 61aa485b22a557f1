package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

func TestConcurrentRecordMakesOneValidChain(t *testing.T) {
	db := sqldbtest.Open(t)
	key := newKey(t)
	l := newLog(t, db, key)
	const goroutines, each = 64, 40
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				if err := l.Record(context.Background(), event(g*each+i, fmt.Sprintf("00%08d", g))); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := l.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkContiguous(t, seqs(t, db), goroutines*each)
	rep := mustVerify(t, db, &key.PublicKey)
	if !rep.OK() || rep.Entries != goroutines*each || rep.LastSealed != rep.LastSeq {
		t.Errorf("report %+v; want ok, %d entries, all sealed by Close", rep, goroutines*each)
	}
	if err := l.Record(context.Background(), event(0, "x")); !errors.Is(err, ErrClosed) {
		t.Errorf("Record after Close: %v, want ErrClosed", err)
	}
}

func TestTwoNodesShareOneChain(t *testing.T) {
	db := sqldbtest.Open(t)
	key := newKey(t)
	nodes := []*Log{newLog(t, db, key), newLog(t, openNode(t, db), key)}
	const goroutines, each = 16, 50
	var wg sync.WaitGroup
	var failed sync.Map
	for n, l := range nodes {
		for g := range goroutines {
			wg.Go(func() {
				for i := range each {
					if err := l.Record(context.Background(), event(i, fmt.Sprintf("%d-%d", n, g))); err != nil {
						failed.Store(err.Error(), true)
						return
					}
					if i%10 == 0 {
						if err := l.Seal(context.Background()); err != nil {
							failed.Store(err.Error(), true)
						}
					}
				}
			})
		}
	}
	wg.Wait()
	failed.Range(func(k, _ any) bool { t.Error(k); return true })
	for _, l := range nodes {
		if err := l.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	checkContiguous(t, seqs(t, db), 2*goroutines*each)
	rep := mustVerify(t, db, &key.PublicKey)
	if !rep.OK() || rep.Seals < 2 || rep.LastSealed != rep.LastSeq {
		t.Errorf("report %+v; want ok with several seals up to the end", rep)
	}
}

func TestPendingEventsChainTogetherWithoutSync(t *testing.T) {
	db := sqldbtest.Open(t)
	l := newLog(t, db, newKey(t))
	l.PendingDelay = time.Second
	ctx := context.Background()
	mustRecord(t, l, event(1, "0012345678")) // starts the writer
	before := l.batches.Load()
	for i := range 5 {
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			return l.RecordTx(ctx, tx, Event{Kind: KindConsentGranted, Subject: "0012345678",
				Details: map[string]string{"client": fmt.Sprintf("agency-%d", i)}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var entries, pending int
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		db.Read.QueryRow(`SELECT count(*) FROM audit_entries`).Scan(&entries)
		db.Read.QueryRow(`SELECT count(*) FROM audit_pending`).Scan(&pending)
		if entries == 6 && pending == 0 {
			break
		}
	}
	if entries != 6 || pending != 0 {
		t.Fatalf("%d entries and %d pending events, want 6 and 0: the committed events were not chained", entries, pending)
	}
	if n := l.batches.Load() - before; n != 1 {
		t.Errorf("five transactions' events were chained in %d batches, want 1", n)
	}
}

func TestRecordTxCommitsWithTheCaller(t *testing.T) {
	db := sqldbtest.Open(t)
	key := newKey(t)
	a := newLog(t, db, key)
	b := newLog(t, openNode(t, db), key)
	ctx := context.Background()
	mustRecord(t, a, event(1, "0012345678"))

	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		return a.RecordTx(ctx, tx, Event{Kind: KindConsentGranted, Actor: ActorPerson("0012345678"), Subject: "0012345678",
			Details: map[string]string{"client": "agency-1", "scope": "openid profile"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := a.RecordTx(ctx, tx, Event{Kind: KindConsentRevoked, Subject: "0012345678"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	// Either node may chain it; it is chained once.
	if err := b.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	mustRecord(t, b, event(2, "0012345678"))
	p, err := a.ForSubject(ctx, "0012345678", "", 10)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []Kind
	for _, e := range p.Entries {
		kinds = append(kinds, e.Kind)
	}
	if diff := cmp.Diff([]Kind{KindLogin, KindConsentGranted, KindLogin}, kinds); diff != "" {
		t.Errorf("kinds newest first (-want +got):\n%s", diff)
	}
	var pending int
	db.Read.QueryRow(`SELECT count(*) FROM audit_pending`).Scan(&pending)
	if pending != 0 {
		t.Errorf("%d events still pending", pending)
	}
	if err := a.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, db, &key.PublicKey); !rep.OK() || rep.Entries != 3 {
		t.Errorf("report %+v", rep)
	}
}

func TestRecordRefusesSecretsAndBadKinds(t *testing.T) {
	db := sqldbtest.Open(t)
	l := newLog(t, db, nil)
	ctx := context.Background()
	for _, ev := range []Event{
		{Kind: KindOTPSent, Details: map[string]string{"otp_code": "12345"}},
		{Kind: KindClientChanged, Details: map[string]string{"client_secret": "s3cr3t"}},
		{Kind: KindLogin, Details: map[string]string{"Token": "x"}},
		{Kind: ""},
		{Kind: "Login"},
	} {
		if err := l.Record(ctx, ev); !errors.Is(err, ErrInvalid) {
			t.Errorf("Record(%v) = %v, want ErrInvalid", ev, err)
		}
		err := db.InTx(ctx, func(tx *sqldb.Tx) error { return l.RecordTx(ctx, tx, ev) })
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("RecordTx(%v) = %v, want ErrInvalid", ev, err)
		}
	}
	if got := seqs(t, db); len(got) != 0 {
		t.Errorf("refused events were stored: %v", got)
	}
}

func TestValidateDetails(t *testing.T) {
	tests := []struct {
		key string
		ok  bool
	}{
		{"session", true},
		{"reason", true},
		{"client", true},
		{"mobile", true},
		{"national_code", true},
		{"tracking_code", true},
		{"key_id", true},
		{"acr", true},
		{"oidc.scope", true},
		{"code", false},
		{"otp", false},
		{"sms-code", false},
		{"password", false},
		{"new_password", false},
		{"client_secret", false},
		{"secret", false},
		{"access_token", false},
		{"id.token", false},
		{"refresh-token", false},
		{"private_key", false},
		{"api_key", false},
		{"cookie", false},
		{"authorization", false},
		{"client_assertion", false},
		{"pin", false},
		{"", false},
		{"Session", false},
		{"1st", false},
		{"has space", false},
		{strings.Repeat("a", MaxDetailKey+1), false},
	}
	for _, tt := range tests {
		err := ValidateDetails(map[string]string{tt.key: "v"})
		if (err == nil) != tt.ok {
			t.Errorf("ValidateDetails(%q) = %v, want ok=%v", tt.key, err, tt.ok)
		}
	}
	many := map[string]string{}
	for i := range MaxDetails + 1 {
		many[fmt.Sprintf("k%d", i)] = ""
	}
	if err := ValidateDetails(many); !errors.Is(err, ErrInvalid) {
		t.Errorf("%d details: %v, want ErrInvalid", len(many), err)
	}
}

func TestEventsAreCleaned(t *testing.T) {
	db := sqldbtest.Open(t)
	l := newLog(t, db, nil)
	ctx := context.Background()
	long := strings.Repeat("ی", MaxUserAgent) // two bytes each
	mustRecord(t, l, Event{Kind: KindLoginFailed, Subject: "0012345678", IP: "::ffff:192.0.2.1",
		UserAgent: long, Details: map[string]string{"reason": "bad\x00\nvalue\xff"}})
	p, err := l.ForSubject(ctx, "0012345678", "", 0)
	if err != nil || len(p.Entries) != 1 {
		t.Fatalf("ForSubject = %+v, %v", p, err)
	}
	e := p.Entries[0]
	if e.IP != "192.0.2.1" {
		t.Errorf("IP %q, want the IPv4 address unmapped", e.IP)
	}
	if len(e.UserAgent) != MaxUserAgent || e.UserAgent != long[:MaxUserAgent] {
		t.Errorf("user agent has %d bytes, want %d on a character boundary", len(e.UserAgent), MaxUserAgent)
	}
	if got, want := e.Details["reason"], "bad\uFFFD\uFFFDvalue\uFFFD"; got != want {
		t.Errorf("detail %q, want %q", got, want)
	}
	if e.Time.IsZero() || e.Actor != "" {
		t.Errorf("entry %+v", e)
	}
}

// TestPendingEventsKeepTheirOrder: events recorded in transactions one
// after another at the same instant of the log's clock are chained in
// the order they were recorded, not in the order of a random ID.
func TestPendingEventsKeepTheirOrder(t *testing.T) {
	db := sqldbtest.Open(t)
	l := newLog(t, db, newKey(t))
	l.Now = func() time.Time { return time.Date(2026, 3, 21, 8, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	var want []string
	for i := range 20 {
		client := fmt.Sprintf("agency-%02d", i)
		want = append(want, client)
		if err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			return l.RecordTx(ctx, tx, Event{Kind: KindConsentGranted, Subject: "0012345678", Details: map[string]string{"client": client}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := l.List(ctx, Filter{Subject: "0012345678"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range page.Entries {
		got = append([]string{e.Details["client"]}, got...) // newest first
	}
	if !slices.Equal(got, want) {
		t.Errorf("chained order %v, want %v", got, want)
	}
}
