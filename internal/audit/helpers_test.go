package audit

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"github.com/panjereh/panjereh/internal/clocktest"
	"strconv"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// clock is the settable clock tests share.
type clock = clocktest.Clock

func newClock() *clock { return clocktest.New(time.Date(2025, 3, 21, 8, 0, 0, 0, time.UTC)) }

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// newLog returns a Log on db that seals only when told to and is closed
// when the test ends.
func newLog(t testing.TB, db *sqldb.DB, key *ecdsa.PrivateKey) *Log {
	t.Helper()
	l := &Log{DB: db, Now: newClock().Now, SealEvery: time.Hour}
	if key != nil {
		l.Signer = key
	}
	t.Cleanup(func() { l.Close(context.Background()) })
	return l
}

// openNode opens a second connection pool to db's database, as another
// node would have.
func openNode(t testing.TB, db *sqldb.DB) *sqldb.DB {
	t.Helper()
	other, err := sqldb.Open(context.Background(), sqldbtest.DSN(t, db))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

func event(i int, subject string) Event {
	return Event{
		Kind:      KindLogin,
		Actor:     ActorPerson(subject),
		Subject:   subject,
		IP:        "192.0.2.7",
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
		Details:   map[string]string{"session": "s" + strconv.Itoa(i), "acr": "1"},
	}
}

func mustRecord(t testing.TB, l *Log, ev Event) {
	t.Helper()
	if err := l.Record(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
}

func mustVerify(t testing.TB, db *sqldb.DB, keys ...*ecdsa.PublicKey) Report {
	t.Helper()
	rep, err := Verify(context.Background(), db, keys...)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// seqs returns every entry's seq in order.
func seqs(t testing.TB, db *sqldb.DB) []int64 {
	t.Helper()
	rs, err := db.Read.Query(`SELECT seq FROM audit_entries ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []int64
	for rs.Next() {
		var s int64
		rs.Scan(&s)
		out = append(out, s)
	}
	return out
}

func checkContiguous(t testing.TB, got []int64, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("%d entries, want %d", len(got), n)
	}
	for i, s := range got {
		if s != int64(i+1) {
			t.Fatalf("entry %d has seq %d: seqs are not contiguous from 1", i, s)
		}
	}
}
