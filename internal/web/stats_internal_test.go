package web

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// refStats is the straightforward computation of the statistics, which
// walks every visitor in memory on each page. The model test holds stats
// to its numbers.
type refStats struct {
	window            time.Duration
	pending, inflight *batch
	loaded            bool
	base              Stats
	baseDay           string
	known             map[[2]string]struct{}
	written           map[string]time.Time
}

func newRefStats(window time.Duration) *refStats {
	return &refStats{window: window, pending: newBatch(),
		known: map[[2]string]struct{}{}, written: map[string]time.Time{}}
}

func (s *refStats) hit(visitor string, counted bool, t time.Time) {
	day := tehranDay(t)
	s.pending.visits[day]++
	p := [2]string{day, visitor}
	if before, ok := s.pending.pairs[p]; ok {
		counted = counted && before
	}
	s.pending.pairs[p] = counted
	if t.After(s.pending.seen[visitor]) {
		s.pending.seen[visitor] = t
	}
}

// snapshot is the old snapshot; read is the database's totals, or nil
// without a database.
func (s *refStats) snapshot(now time.Time, read func() (Stats, error)) Stats {
	if !s.loaded {
		if read != nil {
			s.base, _ = read()
		}
		s.baseDay, s.loaded = tehranDay(now), true
	}
	day := tehranDay(now)
	cutoff := now.Add(-s.window)
	st := s.base
	if s.baseDay != day {
		st.Today, st.VisitorsToday = 0, 0
	}
	online, pairs := map[string]bool{}, map[[2]string]bool{}
	for _, b := range []*batch{s.pending, s.inflight} {
		if b == nil {
			continue
		}
		for d, n := range b.visits {
			st.Total += n
			if d == day {
				st.Today += n
			}
		}
		for p, counted := range b.pairs {
			if _, ok := s.known[p]; !ok && !counted && p[0] == day {
				pairs[p] = true
			}
		}
		for v, t := range b.seen {
			if w, ok := s.written[v]; t.After(cutoff) && (!ok || !w.After(cutoff)) {
				online[v] = true
			}
		}
	}
	st.VisitorsToday += int64(len(pairs))
	st.Online += int64(len(online))
	return st
}

func (s *refStats) take() *batch {
	b := s.pending
	s.pending, s.inflight = newBatch(), b
	return b
}

// save is the old flush after take: without a database when read is
// nil; the write fails when writeFails and b holds visits.
func (s *refStats) save(b *batch, now time.Time, writeFails bool, read func() (Stats, error)) error {
	if read == nil {
		s.addToBase(b, now)
		s.inflight = nil
		return nil
	}
	if len(b.visits) > 0 && writeFails {
		s.pending.merge(b)
		s.inflight = nil
		return fmt.Errorf("write failed")
	}
	st, err := read()
	s.inflight = nil
	if err != nil {
		s.addToBase(b, now)
		return err
	}
	s.remember(b, now)
	s.base, s.baseDay, s.loaded = st, tehranDay(now), true
	return nil
}

func (s *refStats) addToBase(b *batch, now time.Time) {
	day := tehranDay(now)
	if s.baseDay != day {
		s.base.Today, s.base.VisitorsToday, s.baseDay = 0, 0, day
	}
	for d, n := range b.visits {
		s.base.Total += n
		if d == day {
			s.base.Today += n
		}
	}
	for p, counted := range b.pairs {
		if _, ok := s.known[p]; !ok && !counted && p[0] == day {
			s.base.VisitorsToday++
		}
	}
	s.remember(b, now)
	cutoff := now.Add(-s.window)
	s.base.Online = 0
	for _, t := range s.written {
		if t.After(cutoff) {
			s.base.Online++
		}
	}
}

func (s *refStats) remember(b *batch, now time.Time) {
	day := tehranDay(now)
	for p := range s.known {
		if p[0] != day {
			delete(s.known, p)
		}
	}
	for p := range b.pairs {
		s.known[p] = struct{}{}
	}
	for v, t := range b.seen {
		if t.After(s.written[v]) {
			s.written[v] = t
		}
	}
	cutoff := now.Add(-s.window)
	for v, t := range s.written {
		if !t.After(cutoff) {
			delete(s.written, v)
		}
	}
}

// TestStatsModel drives stats and refStats with the same random hits,
// clock moves (across the online window and Tehran midnight, and a little
// backwards, as concurrent requests read the clock), flushes that work or
// fail at the write or the read, and pages shown while a batch is in
// flight, and compares what pages show after every step.
func TestStatsModel(t *testing.T) {
	t.Run("no database", func(t *testing.T) {
		for seed := range uint64(12) {
			t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { runStatsModel(t, seed, nil, 5000) })
		}
	})
	t.Run(sqldbtest.Backend(), func(t *testing.T) {
		for seed := range uint64(3) {
			t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { runStatsModel(t, seed, sqldbtest.Open(t), 1500) })
		}
	})
}

func runStatsModel(t *testing.T, seed uint64, db *sqldb.DB, steps int) {
	const window = time.Minute
	rng := rand.New(rand.NewPCG(seed, 8))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	got, want := newStats(db, log, window), newRefStats(window)
	// A database whose reads fail and writes work.
	var brokenRead *sqldb.DB
	if db != nil {
		closed, err := sql.Open("sqlite", "file::memory:")
		if err != nil {
			t.Fatal(err)
		}
		closed.Close()
		brokenRead = &sqldb.DB{Read: closed, Write: db.Write, Dialect: db.Dialect, Schema: db.Schema}
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	// reader returns how refStats reads the totals, as stats just did.
	reader := func(now time.Time, fails bool) func() (Stats, error) {
		if db == nil {
			return nil
		}
		return func() (Stats, error) {
			if fails {
				return Stats{}, fmt.Errorf("read failed")
			}
			return readTotals(context.Background(), db, now, window)
		}
	}
	// Shortly before midnight in Tehran (20:30 UTC).
	now := time.Date(2024, 12, 18, 20, 20, 0, 0, time.UTC)
	visitors := []string{"a", "b", "c", "d", "e", "f"}
	var taken, refTaken *batch
	var takenAt time.Time
	for step := range steps {
		var did string
		switch r := rng.IntN(100); {
		case r < 45:
			v, counted := visitors[rng.IntN(len(visitors))], rng.IntN(3) == 0
			got.hit(v, counted, now)
			want.hit(v, counted, now)
			did = fmt.Sprintf("hit %s counted=%v", v, counted)
		case r < 65:
			switch rng.IntN(6) {
			case 0:
				now = now.Add(window)
			case 1:
				now = now.Add(window + time.Duration(rng.IntN(3)-1)*time.Second)
			case 2:
				now = now.Add(-time.Duration(1+rng.IntN(5)) * time.Second)
			case 3:
				now = now.Add(time.Duration(rng.IntN(3)) * time.Hour)
			case 4:
				// Near a Tehran midnight, on either side.
				y, m, d := now.In(iran.Tehran()).Date()
				now = time.Date(y, m, d+rng.IntN(2), 0, 0, 0, 0, iran.Tehran()).
					Add(time.Duration(rng.IntN(21)-10) * time.Second).UTC()
			default:
				now = now.Add(time.Duration(rng.IntN(30)) * time.Second)
			}
			did = "clock to " + now.Format(time.TimeOnly)
		case r < 75 && taken == nil:
			taken, refTaken, takenAt = got.take(), want.take(), now
			did = "take"
		case r < 85 && taken != nil || r < 93:
			if taken == nil {
				taken, refTaken, takenAt = got.take(), want.take(), now
			}
			ctx, writeFails, readFails := context.Background(), false, false
			switch k := rng.IntN(5); {
			case db != nil && k == 0:
				ctx, writeFails, readFails = canceled, true, true
			case db != nil && k == 1:
				got.db, readFails = brokenRead, true
			}
			gotErr := got.save(ctx, taken, takenAt)
			got.db = db
			wantErr := want.save(refTaken, takenAt, writeFails, reader(takenAt, readFails))
			if (gotErr != nil) != (wantErr != nil) {
				t.Fatalf("step %d: save: got error %v, want %v", step, gotErr, wantErr)
			}
			did = fmt.Sprintf("save at %s writeFails=%v readFails=%v", takenAt.Format(time.TimeOnly), writeFails, readFails)
			taken, refTaken = nil, nil
		default:
			// A page rendered with an older clock reading, as when
			// requests race.
			at := now.Add(-time.Duration(rng.IntN(int(2*window/time.Second))) * time.Second)
			g := got.snapshot(context.Background(), at)
			w := want.snapshot(at, reader(at, false))
			if diff := cmp.Diff(w, g); diff != "" {
				t.Fatalf("step %d: snapshot at %s (-want +got):\n%s", step, at, diff)
			}
			did = "snapshot at " + at.Format(time.TimeOnly)
		}
		ctx, readFails := context.Background(), false
		if !got.loaded && rng.IntN(4) == 0 {
			ctx, readFails = canceled, true
		}
		g := got.snapshot(ctx, now)
		w := want.snapshot(now, reader(now, readFails))
		if diff := cmp.Diff(w, g); diff != "" {
			t.Fatalf("step %d (%s), %s: snapshot (-want +got):\n%s", step, did, now, diff)
		}
		checkStatsState(t, step, got, want)
	}
}

// checkStatsState compares the batches and what the node remembers, and
// checks the timelines' order and cursors.
func checkStatsState(t *testing.T, step int, got *stats, want *refStats) {
	t.Helper()
	if !reflect.DeepEqual(got.pending, want.pending) || !reflect.DeepEqual(got.inflight, want.inflight) {
		t.Fatalf("step %d: batches differ", step)
	}
	known := map[[2]string]struct{}{}
	for d, vs := range got.known {
		for v := range vs {
			known[[2]string{d, v}] = struct{}{}
		}
	}
	if diff := cmp.Diff(want.known, known); diff != "" {
		t.Fatalf("step %d: known (-want +got):\n%s", step, diff)
	}
	if diff := cmp.Diff(want.written, timelineMap(t, &got.written)); diff != "" {
		t.Fatalf("step %d: written (-want +got):\n%s", step, diff)
	}
	seen := maps.Clone(got.pending.seen)
	if got.inflight != nil {
		for v, t := range got.inflight.seen {
			if t.After(seen[v]) {
				seen[v] = t
			}
		}
	}
	if diff := cmp.Diff(seen, timelineMap(t, &got.seen)); diff != "" {
		t.Fatalf("step %d: seen (-want +got):\n%s", step, diff)
	}
	// The counts kept up to date, against a count from scratch, for
	// every day and the cutoffs the timelines are at.
	fresh := map[string]int64{}
	for _, b := range []*batch{got.pending, got.inflight} {
		if b == nil {
			continue
		}
		for p := range b.pairs {
			if _, ok := known[p]; !ok && got.uncounted(p) {
				fresh[p[0]]++
			}
		}
	}
	for p := range got.pending.pairs {
		if got.inflight != nil && got.isFresh(p) {
			if _, ok := got.inflight.pairs[p]; ok {
				fresh[p[0]]-- // counted twice above
			}
		}
	}
	if diff := cmp.Diff(fresh, got.fresh); diff != "" {
		t.Fatalf("step %d: fresh (-want +got):\n%s", step, diff)
	}
	var online int64
	for v := range seen {
		if got.isOnline(v) {
			online++
		}
	}
	if online != got.online {
		t.Fatalf("step %d: online = %d, want %d", step, got.online, online)
	}
}

// timelineMap checks l and returns its visitors' times.
func timelineMap(t *testing.T, l *timeline) map[string]time.Time {
	t.Helper()
	m := map[string]time.Time{}
	var last *mark
	var prev *mark
	for n := l.head; n != nil; n = n.next {
		if n.prev != prev || (prev != nil && prev.t.After(n.t)) || l.at[n.visitor] != n {
			t.Fatalf("timeline out of order at %s", n.visitor)
		}
		if !n.t.After(l.cut) {
			last = n
		}
		m[n.visitor], prev = n.t, n
	}
	if l.tail != prev || len(m) != len(l.at) || l.last != last {
		t.Fatal("timeline ends, size or cursor wrong")
	}
	return m
}

// BenchmarkSnapshot measures a page view (a hit and a snapshot) while the
// pending batch holds many distinct visitors; it should not depend on how
// many (requirement H8 is shown on every page).
func BenchmarkSnapshot(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		b.Run(fmt.Sprintf("visitors=%d", n), func(b *testing.B) {
			ctx := context.Background()
			s := newStats(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), 5*time.Minute)
			now := time.Date(2024, 12, 18, 10, 0, 0, 0, time.UTC)
			ids := make([]string, n)
			for i := range ids {
				ids[i] = fmt.Sprintf("%032x", i)
				s.hit(ids[i], i%3 == 0, now)
			}
			s.snapshot(ctx, now)
			b.ResetTimer()
			for i := range b.N {
				now = now.Add(time.Microsecond)
				s.hit(ids[i%n], false, now)
				s.snapshot(ctx, now)
			}
		})
	}
}
