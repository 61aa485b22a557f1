package audit

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// ProblemKind classifies what Verify found.
type ProblemKind string

// The problems Verify names.
const (
	// Altered: an entry's content no longer matches its hash.
	Altered ProblemKind = "altered"
	// Removed: entries are missing, from the middle or the end.
	Removed ProblemKind = "removed"
	// Inserted: an entry that is not part of the chain sits in it.
	Inserted ProblemKind = "inserted"
	// Reordered: an entry links to one that is not its predecessor.
	Reordered ProblemKind = "reordered"
	// Rewritten: the chain is consistent but does not match a valid seal,
	// so entries up to that seal were changed and rehashed.
	Rewritten ProblemKind = "rewritten"
	// BadSeal: a seal's signature does not verify, or its key is unknown.
	BadSeal ProblemKind = "bad-seal"
)

// Problem is one finding of Verify, about the entry or seal at Seq.
type Problem struct {
	Kind   ProblemKind
	Seq    int64
	Detail string
}

func (p Problem) Error() string {
	if p.Kind == BadSeal {
		return fmt.Sprintf("seal at seq %d: %s", p.Seq, p.Detail)
	}
	return fmt.Sprintf("entry %d %s: %s", p.Seq, p.Kind, p.Detail)
}

// Report is what Verify found.
type Report struct {
	// Entries is how many entries were checked, from FirstSeq to LastSeq.
	Entries           int64
	FirstSeq, LastSeq int64
	// Seals is how many seals were read; LastSealed is the newest seq a
	// valid seal covers.
	Seals      int64
	LastSealed int64
	// SignaturesChecked is false when Verify had no key.
	SignaturesChecked bool
	// Problems lists the first problem in the chain, if any (the walk
	// stops there), and every seal that does not verify.
	Problems []Problem
}

// OK reports whether nothing was found.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Unsealed is how many entries after the newest valid seal nothing but
// the chain itself protects yet.
func (r Report) Unsealed() int64 { return max(0, r.LastSeq-r.LastSealed) }

// verifyPage is how many entries or seals Verify reads per query.
const verifyPage = 2000

// Verify walks the chain in db from its first entry to the head as it was
// when Verify started, checking every link and hash and every seal. With
// keys it also checks each seal's signature under the key its key ID
// names; without, signatures are not checked and a rewrite of the whole
// chain cannot be told from the truth. It returns an error only when it
// cannot read the database; what it finds is in the report.
func Verify(ctx context.Context, db *sqldb.DB, keys ...*ecdsa.PublicKey) (Report, error) {
	v := &verifier{db: db, keys: map[string]*ecdsa.PublicKey{}}
	for _, k := range keys {
		id, err := KeyID(k)
		if err != nil {
			return Report{}, fmt.Errorf("audit: verify: %w", err)
		}
		v.keys[id] = k
	}
	v.rep.SignaturesChecked = len(keys) > 0
	if err := v.run(ctx); err != nil {
		return v.rep, fmt.Errorf("audit: verify: %w", err)
	}
	return v.rep, nil
}

type verifier struct {
	db   *sqldb.DB
	keys map[string]*ecdsa.PublicKey
	rep  Report

	headSeq  int64
	headHash []byte

	// The walk: the next seq expected, the hash of the entry before it
	// and of the one before that.
	broken   bool
	expected int64
	running  []byte
	before   []byte
	// The newest seal whose signature was good and which matched.
	lastGoodSeal int64

	seals      []sealRow // read ahead, in seq order
	sealsAfter int64
	sealsDone  bool
}

type sealRow struct {
	seq   int64
	hash  []byte
	at    time.Time
	keyID string
	sig   []byte
	good  bool // signature verified, or not checked
}

type entryRow struct {
	seq        int64
	prev, hash []byte
	row        *row
	err        error
}

func (v *verifier) run(ctx context.Context) error {
	err := sqldb.ScanOne(ctx, v.db.Read, `SELECT seq, hash FROM audit_head WHERE id = 1`, nil, &v.headSeq, &v.headHash)
	if errors.Is(err, sqldb.ErrNotFound) {
		v.headHash = make([]byte, 32)
	} else if err != nil {
		return fmt.Errorf("read head: %w", err)
	}
	v.expected = 1
	v.running = make([]byte, 32)
	v.sealsAfter = math.MinInt64
	after := int64(math.MinInt64)
	for !v.broken {
		page, err := v.entries(ctx, after)
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := v.check(ctx, e); err != nil {
				return err
			}
			if v.broken {
				break
			}
		}
		if len(page) < verifyPage {
			break
		}
		after = page[len(page)-1].seq
	}
	// Writers may have moved the head since the walk began; what lies
	// beyond the head now is not theirs.
	var nowHead, maxSeq int64
	err = sqldb.ScanOne(ctx, v.db.Read, `SELECT COALESCE((SELECT seq FROM audit_head WHERE id = 1), -1),
		(SELECT COALESCE(MAX(seq), 0) FROM audit_entries)`, nil, &nowHead, &maxSeq)
	if err != nil {
		return fmt.Errorf("read head: %w", err)
	}
	if !v.broken {
		v.checkEnd(nowHead, maxSeq)
	}
	// Every remaining seal is still checked for its signature.
	for {
		s, ok, err := v.nextSeal(ctx)
		if err != nil || !ok {
			return err
		}
		if !v.broken && s.good && s.seq > v.rep.LastSeq && s.seq > nowHead {
			v.fail(Removed, v.rep.LastSeq+1, fmt.Sprintf("a seal signed at %s covers entries up to %d, but the chain ends at %d",
				s.at.Format(time.RFC3339), s.seq, v.rep.LastSeq))
		}
	}
}

// entries reads the next page of entries up to the head.
func (v *verifier) entries(ctx context.Context, after int64) ([]entryRow, error) {
	rs, err := v.db.Read.QueryContext(ctx, `SELECT seq, at, kind, actor, subject, ip, user_agent, details, prev_hash, hash
		FROM audit_entries WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`, after, v.headSeq, verifyPage)
	if err != nil {
		return nil, fmt.Errorf("read entries: %w", err)
	}
	defer rs.Close()
	var out []entryRow
	for rs.Next() {
		var e entryRow
		var at time.Time
		var kind, actor, subject, ip, ua, details string
		if err := rs.Scan(&e.seq, &at, &kind, &actor, &subject, &ip, &ua, &details, &e.prev, &e.hash); err != nil {
			return nil, fmt.Errorf("read entries: %w", err)
		}
		e.row, e.err = rowFromStored(at, kind, actor, subject, ip, ua, details)
		out = append(out, e)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read entries: %w", err)
	}
	return out, nil
}

// fillSeals reads the next page of seals when none is buffered.
func (v *verifier) fillSeals(ctx context.Context) error {
	if len(v.seals) > 0 || v.sealsDone {
		return nil
	}
	rs, err := v.db.Read.QueryContext(ctx, `SELECT seq, hash, at, key_id, sig FROM audit_seals
		WHERE seq > $1 ORDER BY seq LIMIT $2`, v.sealsAfter, verifyPage)
	if err != nil {
		return fmt.Errorf("read seals: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var s sealRow
		if err := rs.Scan(&s.seq, &s.hash, &s.at, &s.keyID, &s.sig); err != nil {
			return fmt.Errorf("read seals: %w", err)
		}
		v.seals = append(v.seals, s)
	}
	if err := rs.Err(); err != nil {
		return fmt.Errorf("read seals: %w", err)
	}
	v.sealsDone = len(v.seals) < verifyPage
	if len(v.seals) > 0 {
		v.sealsAfter = v.seals[len(v.seals)-1].seq
	}
	return nil
}

// peekSeal returns the seq of the next seal without taking it.
func (v *verifier) peekSeal(ctx context.Context) (int64, bool, error) {
	if err := v.fillSeals(ctx); err != nil || len(v.seals) == 0 {
		return 0, false, err
	}
	return v.seals[0].seq, true, nil
}

// nextSeal takes the next seal in seq order and checks its signature; a
// seal that fails is reported at once.
func (v *verifier) nextSeal(ctx context.Context) (sealRow, bool, error) {
	if err := v.fillSeals(ctx); err != nil || len(v.seals) == 0 {
		return sealRow{}, false, err
	}
	s := v.seals[0]
	v.seals = v.seals[1:]
	v.rep.Seals++
	s.good = true
	if v.rep.SignaturesChecked {
		k := v.keys[s.keyID]
		d := sealDigest(s.seq, s.hash, s.at)
		switch {
		case k == nil:
			s.good = false
			v.rep.Problems = append(v.rep.Problems, Problem{BadSeal, s.seq, fmt.Sprintf("signed by unknown key %q", s.keyID)})
		case !ecdsa.VerifyASN1(k, d[:], s.sig):
			s.good = false
			v.rep.Problems = append(v.rep.Problems, Problem{BadSeal, s.seq, "the signature does not verify: the seal was altered or forged"})
		}
	}
	return s, true, nil
}

func (v *verifier) fail(kind ProblemKind, seq int64, detail string) {
	v.broken = true
	v.rep.Problems = append(v.rep.Problems, Problem{kind, seq, detail})
}

// check takes the next entry in seq order.
func (v *verifier) check(ctx context.Context, e entryRow) error {
	switch {
	case e.seq < v.expected:
		v.fail(Inserted, e.seq, "the chain starts at 1, so this entry was added before its start")
		return nil
	case e.seq > v.expected:
		what := fmt.Sprintf("entries %d to %d are missing", v.expected, e.seq-1)
		if e.seq == v.expected+1 {
			what = fmt.Sprintf("entry %d is missing", v.expected)
		}
		v.fail(Removed, v.expected, what)
		return nil
	case !bytes.Equal(e.prev, v.running):
		return v.classifyLink(ctx, e)
	case e.err != nil:
		v.fail(Altered, e.seq, e.err.Error())
		return nil
	}
	if h := chainHash(e.prev, e.seq, e.row.body); !bytes.Equal(h[:], e.hash) {
		v.fail(Altered, e.seq, "its content no longer matches its hash")
		return nil
	}
	if v.rep.Entries == 0 {
		v.rep.FirstSeq = e.seq
	}
	v.rep.Entries++
	v.rep.LastSeq = e.seq
	v.before, v.running = v.running, e.hash
	v.expected++
	return v.checkSeals(ctx, e.seq)
}

// checkSeals matches every seal up to seq against the chain.
func (v *verifier) checkSeals(ctx context.Context, seq int64) error {
	for {
		next, ok, err := v.peekSeal(ctx)
		if err != nil || !ok || next > seq {
			return err
		}
		s, _, err := v.nextSeal(ctx)
		if err != nil {
			return err
		}
		if !s.good {
			continue
		}
		if s.seq < seq || !bytes.Equal(s.hash, v.running) {
			v.fail(Rewritten, s.seq, fmt.Sprintf("the chain does not match the seal signed at %s: entries %d to %d were changed and rehashed",
				s.at.Format(time.RFC3339), v.lastGoodSeal+1, s.seq))
			return nil
		}
		v.lastGoodSeal = s.seq
		v.rep.LastSealed = s.seq
	}
}

// classifyLink names the problem when entry e does not link to the entry
// before it.
func (v *verifier) classifyLink(ctx context.Context, e entryRow) error {
	if v.before != nil && bytes.Equal(e.prev, v.before) {
		v.fail(Inserted, e.seq-1, fmt.Sprintf("entry %d links to entry %d, so the entry between them is not part of the chain", e.seq, e.seq-2))
		return nil
	}
	var other int64
	err := sqldb.ScanOne(ctx, v.db.Read, `SELECT seq FROM audit_entries WHERE hash = $1 ORDER BY seq LIMIT 1`, []any{e.prev}, &other)
	switch {
	case err == nil && other != e.seq-1:
		v.fail(Reordered, e.seq, fmt.Sprintf("it links to entry %d, not to entry %d: entries were moved", other, e.seq-1))
	case err == nil || errors.Is(err, sqldb.ErrNotFound):
		v.fail(Altered, e.seq-1, fmt.Sprintf("entry %d links to a different entry %d: it was changed and rehashed, or replaced", e.seq, e.seq-1))
	default:
		return fmt.Errorf("look up a link: %w", err)
	}
	return nil
}

// checkEnd compares the end of the walk with the head as it was when the
// walk began, and looks for entries beyond the head as it is now.
func (v *verifier) checkEnd(nowHead, maxSeq int64) {
	switch {
	case nowHead < 0 && maxSeq > 0:
		v.fail(Removed, 0, "the chain's head row is missing")
	case maxSeq > nowHead:
		v.fail(Inserted, nowHead+1, fmt.Sprintf("entries %d to %d lie beyond the head, which no writer does", nowHead+1, maxSeq))
	case v.rep.LastSeq < v.headSeq:
		v.fail(Removed, v.rep.LastSeq+1, fmt.Sprintf("the head is at %d but the chain ends at %d", v.headSeq, v.rep.LastSeq))
	case !bytes.Equal(v.running, v.headHash):
		v.fail(Altered, v.headSeq, "the head records a different hash for the last entry")
	}
}
