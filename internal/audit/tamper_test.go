package audit

import (
	"context"
	"crypto/ecdsa"
	"testing"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// tamperFixture is a chain of 20 entries with seals at 10 and 20.
func tamperFixture(t *testing.T) (*sqldb.DB, *ecdsa.PrivateKey) {
	t.Helper()
	db := sqldbtest.Open(t)
	key := newKey(t)
	l := newLog(t, db, key)
	ctx := context.Background()
	for i := range 20 {
		mustRecord(t, l, event(i, "0012345678"))
		if i == 9 {
			if err := l.Seal(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, db, &key.PublicKey); !rep.OK() || rep.Seals != 2 || rep.LastSealed != 20 {
		t.Fatalf("fixture does not verify: %+v", rep)
	}
	return db, key
}

func exec(t *testing.T, db *sqldb.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Write.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func hashAt(t *testing.T, db *sqldb.DB, seq int64) []byte {
	t.Helper()
	var h []byte
	if err := db.Read.QueryRow(`SELECT hash FROM audit_entries WHERE seq = $1`, seq).Scan(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

// forge inserts a well-formed entry at seq that links to prev.
func forge(t *testing.T, db *sqldb.DB, seq int64, prev []byte) []byte {
	t.Helper()
	r, err := prepare(Event{Kind: KindLogin, Actor: ActorPerson("0098765432"), Subject: "0012345678"}, newClock().Now())
	if err != nil {
		t.Fatal(err)
	}
	h := chainHash(prev, seq, r.body)
	exec(t, db, `INSERT INTO audit_entries (seq, at, kind, actor, subject, ip, user_agent, details, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, seq, r.at, r.kind, r.actor, r.subject, r.ip, r.ua, r.details, prev, h[:])
	return h[:]
}

// rehashFrom recomputes every hash from seq on, as an attacker without
// the key would after changing an entry, and moves the head along.
func rehashFrom(t *testing.T, db *sqldb.DB, from int64) {
	t.Helper()
	prev := hashAt(t, db, from-1)
	var last int64
	db.Read.QueryRow(`SELECT MAX(seq) FROM audit_entries`).Scan(&last)
	for seq := from; seq <= last; seq++ {
		e, err := (&verifier{db: db, headSeq: last}).entries(context.Background(), seq-1)
		if err != nil || e[0].err != nil {
			t.Fatal(err, e[0].err)
		}
		h := chainHash(prev, seq, e[0].row.body)
		exec(t, db, `UPDATE audit_entries SET prev_hash = $1, hash = $2 WHERE seq = $3`, prev, h[:], seq)
		prev = h[:]
	}
	exec(t, db, `UPDATE audit_head SET hash = $1 WHERE id = 1`, prev)
}

func TestVerifyNamesTampering(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(t *testing.T, db *sqldb.DB)
		kind   ProblemKind
		seq    int64
	}{
		{
			name: "detail changed",
			mutate: func(t *testing.T, db *sqldb.DB) {
				exec(t, db, `UPDATE audit_entries SET details = $1 WHERE seq = 5`, `{"acr":"3","session":"s4"}`)
			},
			kind: Altered, seq: 5,
		},
		{
			name: "subject changed",
			mutate: func(t *testing.T, db *sqldb.DB) {
				exec(t, db, `UPDATE audit_entries SET subject = '0000000000' WHERE seq = 12`)
			},
			kind: Altered, seq: 12,
		},
		{
			name:   "entry deleted",
			mutate: func(t *testing.T, db *sqldb.DB) { exec(t, db, `DELETE FROM audit_entries WHERE seq = 7`) },
			kind:   Removed, seq: 7,
		},
		{
			name:   "first entry deleted",
			mutate: func(t *testing.T, db *sqldb.DB) { exec(t, db, `DELETE FROM audit_entries WHERE seq = 1`) },
			kind:   Removed, seq: 1,
		},
		{
			name: "two entries swapped",
			mutate: func(t *testing.T, db *sqldb.DB) {
				exec(t, db, `UPDATE audit_entries SET seq = -1 WHERE seq = 5`)
				exec(t, db, `UPDATE audit_entries SET seq = 5 WHERE seq = 6`)
				exec(t, db, `UPDATE audit_entries SET seq = 6 WHERE seq = -1`)
			},
			kind: Reordered, seq: 5,
		},
		{
			name: "distant entries swapped",
			mutate: func(t *testing.T, db *sqldb.DB) {
				exec(t, db, `UPDATE audit_entries SET seq = -1 WHERE seq = 3`)
				exec(t, db, `UPDATE audit_entries SET seq = 3 WHERE seq = 15`)
				exec(t, db, `UPDATE audit_entries SET seq = 15 WHERE seq = -1`)
			},
			kind: Reordered, seq: 3,
		},
		{
			name: "forged entry inserted and later ones renumbered",
			mutate: func(t *testing.T, db *sqldb.DB) {
				exec(t, db, `UPDATE audit_entries SET seq = seq + 1000000 WHERE seq >= 8`)
				exec(t, db, `UPDATE audit_entries SET seq = seq - 999999 WHERE seq >= 1000000`)
				exec(t, db, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1`)
				forge(t, db, 8, hashAt(t, db, 7))
			},
			kind: Inserted, seq: 8,
		},
		{
			name: "forged entry appended beyond the head",
			mutate: func(t *testing.T, db *sqldb.DB) {
				forge(t, db, 21, hashAt(t, db, 20))
			},
			kind: Inserted, seq: 21,
		},
		{
			name: "entry before the first",
			mutate: func(t *testing.T, db *sqldb.DB) {
				forge(t, db, 0, make([]byte, 32))
			},
			kind: Inserted, seq: 0,
		},
		{
			name: "entry changed and the chain rehashed",
			mutate: func(t *testing.T, db *sqldb.DB) {
				exec(t, db, `UPDATE audit_entries SET ip = '203.0.113.9' WHERE seq = 13`)
				rehashFrom(t, db, 13)
			},
			kind: Rewritten, seq: 20,
		},
		{
			name: "entry changed and only its own hash recomputed",
			mutate: func(t *testing.T, db *sqldb.DB) {
				exec(t, db, `UPDATE audit_entries SET ip = '203.0.113.9' WHERE seq = 13`)
				last := hashAt(t, db, 14)
				rehashFrom(t, db, 13)
				// Put back every hash after 13, as if the attacker stopped there.
				exec(t, db, `UPDATE audit_entries SET hash = $1 WHERE seq = 14`, last)
			},
			kind: Altered, seq: 14,
		},
		{
			name: "last entries deleted and the head moved back",
			mutate: func(t *testing.T, db *sqldb.DB) {
				exec(t, db, `DELETE FROM audit_entries WHERE seq > 17`)
				exec(t, db, `UPDATE audit_head SET seq = 17, hash = $1 WHERE id = 1`, hashAt(t, db, 17))
			},
			kind: Removed, seq: 18,
		},
		{
			name: "last entry deleted",
			mutate: func(t *testing.T, db *sqldb.DB) {
				exec(t, db, `DELETE FROM audit_entries WHERE seq = 20`)
			},
			kind: Removed, seq: 20,
		},
		{
			name: "seal signature altered",
			mutate: func(t *testing.T, db *sqldb.DB) {
				var sig []byte
				db.Read.QueryRow(`SELECT sig FROM audit_seals WHERE seq = 10`).Scan(&sig)
				sig[len(sig)-1] ^= 1
				exec(t, db, `UPDATE audit_seals SET sig = $1 WHERE seq = 10`, sig)
			},
			kind: BadSeal, seq: 10,
		},
		{
			name: "seal moved to another head",
			mutate: func(t *testing.T, db *sqldb.DB) {
				exec(t, db, `UPDATE audit_seals SET seq = 11, hash = $1 WHERE seq = 10`, hashAt(t, db, 11))
			},
			kind: BadSeal, seq: 11,
		},
		{
			name: "seal by another key",
			mutate: func(t *testing.T, db *sqldb.DB) {
				other := &Log{DB: db, Signer: newKey(t), Now: newClock().Now}
				exec(t, db, `DELETE FROM audit_seals WHERE seq = 20`)
				if err := other.Seal(context.Background()); err != nil {
					t.Fatal(err)
				}
				other.Close(context.Background())
			},
			kind: BadSeal, seq: 20,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db, key := tamperFixture(t)
			tt.mutate(t, db)
			rep := mustVerify(t, db, &key.PublicKey)
			if len(rep.Problems) == 0 {
				t.Fatalf("no problem found; report %+v", rep)
			}
			p := rep.Problems[0]
			if p.Kind != tt.kind || p.Seq != tt.seq {
				t.Errorf("first problem %v (%s at %d), want %s at %d; all: %v", p, p.Kind, p.Seq, tt.kind, tt.seq, rep.Problems)
			}
		})
	}
}

func TestVerifyWithoutKeyChecksTheChainOnly(t *testing.T) {
	db, _ := tamperFixture(t)
	exec(t, db, `UPDATE audit_seals SET sig = $1 WHERE seq = 10`, []byte{1, 2, 3})
	rep := mustVerify(t, db)
	if !rep.OK() || rep.SignaturesChecked {
		t.Errorf("without a key: %+v, want ok with signatures not checked", rep)
	}
	exec(t, db, `DELETE FROM audit_entries WHERE seq = 4`)
	if rep := mustVerify(t, db); rep.OK() || rep.Problems[0].Kind != Removed {
		t.Errorf("a removed entry is found without a key too: %+v", rep)
	}
}

func TestUnsealedTailIsReported(t *testing.T) {
	db, key := tamperFixture(t)
	// What an attacker appends after the last seal, head and all, looks
	// like a real entry until a seal covers it; Verify says so.
	h := forge(t, db, 21, hashAt(t, db, 20))
	exec(t, db, `UPDATE audit_head SET seq = 21, hash = $1 WHERE id = 1`, h)
	rep := mustVerify(t, db, &key.PublicKey)
	if !rep.OK() || rep.Unsealed() != 1 {
		t.Errorf("report %+v, want ok with one unsealed entry", rep)
	}
}
