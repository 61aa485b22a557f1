package web

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// flush adds the counts held in memory to the database and reads the
// totals back, which then include other nodes' counts. On failure the
// counts are kept for the next attempt.
func (s *stats) flush(ctx context.Context, now time.Time) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	return s.save(ctx, s.take(), now)
}

// take puts the pending batch in flight and returns it.
func (s *stats) take() *batch {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.pending
	s.pending, s.inflight = newBatch(), b
	return b
}

// save writes b, which take put in flight, and settles what pages show.
func (s *stats) save(ctx context.Context, b *batch, now time.Time) error {
	if s.db == nil {
		order := b.byLastSeen()
		s.mu.Lock()
		s.addToBase(b, now)
		s.finish(b, order, now)
		s.base.Online = int64(s.written.len())
		s.mu.Unlock()
		return nil
	}
	if len(b.visits) > 0 {
		if err := s.db.InTx(ctx, func(tx *sqldb.Tx) error { return writeBatch(ctx, tx, b, now, s.window) }); err != nil {
			s.mu.Lock()
			s.pending.merge(b) // the same visits and visitors in memory: nothing pages show changes
			s.inflight = nil
			s.mu.Unlock()
			s.log.ErrorContext(ctx, "web: visitor statistics not saved; will retry", "err", err)
			return fmt.Errorf("web: flush visitor statistics: %w", err)
		}
	}
	order := b.byLastSeen()
	st, err := readTotals(ctx, s.db, now, s.window)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		// The batch is saved; show it on pages until the next read works.
		s.addToBase(b, now)
		s.finish(b, order, now)
		s.base.Online = int64(s.written.len())
		s.log.ErrorContext(ctx, "web: visitor statistics not read", "err", err)
		return fmt.Errorf("web: read visitor statistics: %w", err)
	}
	s.finish(b, order, now)
	s.base, s.baseDay, s.loaded = st, tehranDay(now), true
	return nil
}

// refresh loads the totals for the first page.
func (s *stats) refresh(ctx context.Context, now time.Time) {
	if s.db == nil {
		s.mu.Lock()
		s.loaded, s.baseDay = true, tehranDay(now)
		s.mu.Unlock()
		return
	}
	st, err := readTotals(ctx, s.db, now, s.window)
	if err != nil {
		s.log.ErrorContext(ctx, "web: visitor statistics not read", "err", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded {
		s.base, s.baseDay, s.loaded = st, tehranDay(now), true
	}
}

// addToBase counts b's page views, and its visitors this node had not
// written before, into the in-memory totals (without a database, or when
// reading the database failed). The caller sets base.Online once b is
// finished. Called with s.mu held.
func (s *stats) addToBase(b *batch, now time.Time) {
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
		if _, ok := s.known[p[0]][p[1]]; !ok && !counted && p[0] == day {
			s.base.VisitorsToday++
		}
	}
}

// finish drops b, which is written (or counted into base), from what
// pages add, and remembers what it wrote. Called with s.mu held while b
// is in flight.
func (s *stats) finish(b *batch, order []seenAt, now time.Time) {
	s.inflight = nil
	for p, counted := range b.pairs {
		// p was fresh through b unless known or also uncounted in pending.
		if _, known := s.known[p[0]][p[1]]; !counted && !known && !s.uncounted(p) {
			s.addFresh(p[0], -1)
		}
	}
	for v := range b.seen {
		m := s.seen.at[v]
		was := s.isOnline(v)
		if t, ok := s.pending.seen[v]; !ok {
			s.seen.remove(v)
		} else if !t.Equal(m.t) {
			s.seen.set(v, t, m.prev)
		}
		s.recountOnline(v, was)
	}
	s.remember(b, order, now)
}

// remember notes what b wrote, so that pages do not count it twice, and
// forgets what is too old to matter. order is b's visitors by last seen.
// Called with s.mu held and no batch in flight.
func (s *stats) remember(b *batch, order []seenAt, now time.Time) {
	day := tehranDay(now)
	var stale map[string]map[string]struct{}
	for d, vs := range s.known {
		if d != day {
			if stale == nil {
				stale = map[string]map[string]struct{}{}
			}
			stale[d] = vs
			delete(s.known, d)
		}
	}
	if stale != nil {
		// Uncounted pairs of a forgotten day count on pages again.
		for p := range s.pending.pairs {
			if _, ok := stale[p[0]][p[1]]; ok && s.uncounted(p) {
				s.addFresh(p[0], 1)
			}
		}
	}
	for p := range b.pairs {
		vs := s.known[p[0]]
		if vs == nil {
			vs = map[string]struct{}{}
			s.known[p[0]] = vs
		}
		if _, ok := vs[p[1]]; !ok {
			was := s.isFresh(p)
			vs[p[1]] = struct{}{}
			s.recountFresh(p, was)
		}
	}
	var near *mark
	for _, e := range order {
		if w, ok := s.written.get(e.visitor); ok && !e.t.After(w) {
			continue
		}
		was := s.isOnline(e.visitor)
		near = s.written.set(e.visitor, e.t, near)
		s.recountOnline(e.visitor, was)
	}
	cutoff := now.Add(-s.window)
	for m := s.written.head; m != nil && !m.t.After(cutoff); m = s.written.head {
		was := s.isOnline(m.visitor)
		s.written.remove(m.visitor)
		s.recountOnline(m.visitor, was)
	}
}

// seenAt is a visitor and when it was last seen.
type seenAt struct {
	visitor string
	t       time.Time
}

// byLastSeen returns b's visitors in order of last seen, so that
// remember can merge them into written in one pass.
func (b *batch) byLastSeen() []seenAt {
	order := make([]seenAt, 0, len(b.seen))
	for v, t := range b.seen {
		order = append(order, seenAt{v, t})
	}
	slices.SortFunc(order, func(x, y seenAt) int { return x.t.Compare(y.t) })
	return order
}

func (b *batch) merge(o *batch) {
	for d, n := range o.visits {
		b.visits[d] += n
	}
	for p, counted := range o.pairs {
		if before, ok := b.pairs[p]; ok {
			counted = counted && before
		}
		b.pairs[p] = counted
	}
	for v, t := range o.seen {
		if t.After(b.seen[v]) {
			b.seen[v] = t
		}
	}
}

// rowsPerStatement bounds multi-row inserts well below both backends'
// limits on bound parameters.
const rowsPerStatement = 400

// writeBatch adds b to the tables. Rows are written in key order so that
// concurrent flushes from several nodes lock them in the same order.
func writeBatch(ctx context.Context, tx *sqldb.Tx, b *batch, now time.Time, window time.Duration) error {
	days := slices.Sorted(maps.Keys(b.visits))
	for _, d := range days {
		if _, err := tx.ExecContext(ctx, `INSERT INTO web_visit_days (day, visits, visitors) VALUES ($1, $2, 0)
			ON CONFLICT (day) DO UPDATE SET visits = web_visit_days.visits + excluded.visits`, d, b.visits[d]); err != nil {
			return err
		}
	}
	// A visitor counts once a day however many nodes saw them: the
	// insert that creates the (day, visitor) row is the one that counts.
	pairs := slices.SortedFunc(maps.Keys(b.pairs), func(x, y [2]string) int {
		return strings.Compare(x[0]+x[1], y[0]+y[1])
	})
	newPerDay := map[string]int64{}
	for chunk := range slices.Chunk(pairs, rowsPerStatement) {
		for _, d := range days {
			var args []any
			for _, p := range chunk {
				if p[0] == d {
					args = append(args, p[0], p[1])
				}
			}
			if len(args) == 0 {
				continue
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO web_day_visitors (day, visitor) VALUES `+
				placeholders(len(args)/2, 2)+` ON CONFLICT (day, visitor) DO NOTHING`, args...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			newPerDay[d] += n
		}
	}
	for _, d := range days {
		if n := newPerDay[d]; n > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE web_visit_days SET visitors = visitors + $2 WHERE day = $1`, d, n); err != nil {
				return err
			}
		}
	}
	visitors := slices.Sorted(maps.Keys(b.seen))
	for chunk := range slices.Chunk(visitors, rowsPerStatement) {
		args := make([]any, 0, 2*len(chunk))
		for _, v := range chunk {
			args = append(args, v, b.seen[v].UTC())
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO web_online (visitor, last_seen) VALUES `+placeholders(len(chunk), 2)+`
			ON CONFLICT (visitor) DO UPDATE SET last_seen = excluded.last_seen
			WHERE web_online.last_seen < excluded.last_seen`, args...); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM web_online WHERE last_seen < $1`, now.Add(-2*window).UTC()); err != nil {
		return err
	}
	yesterday := tehranDay(now.AddDate(0, 0, -1))
	_, err := tx.ExecContext(ctx, `DELETE FROM web_day_visitors WHERE day < $1`, yesterday)
	return err
}

// readTotals reads the statistics as the database holds them.
func readTotals(ctx context.Context, db *sqldb.DB, now time.Time, window time.Duration) (Stats, error) {
	var st Stats
	if err := db.Read.QueryRowContext(ctx, `SELECT CAST(COALESCE(SUM(visits), 0) AS BIGINT) FROM web_visit_days`).Scan(&st.Total); err != nil {
		return Stats{}, err
	}
	err := sqldb.ScanOne(ctx, db.Read, `SELECT visits, visitors FROM web_visit_days WHERE day = $1`,
		[]any{tehranDay(now)}, &st.Today, &st.VisitorsToday)
	if err != nil && !errors.Is(err, sqldb.ErrNotFound) {
		return Stats{}, err
	}
	err = db.Read.QueryRowContext(ctx, `SELECT count(*) FROM web_online WHERE last_seen > $1`, now.Add(-window).UTC()).Scan(&st.Online)
	if err != nil {
		return Stats{}, err
	}
	return st, nil
}

// placeholders returns "($1, $2), ($3, $4)" for rows rows of cols values.
func placeholders(rows, cols int) string {
	var b strings.Builder
	n := 1
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			n++
		}
		b.WriteByte(')')
	}
	return b.String()
}
