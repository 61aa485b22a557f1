package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb"
)

// Stats are the visitor statistics every page shows (requirement H8).
type Stats struct {
	Total         int64 // page views ever
	Today         int64 // page views today, by the Tehran calendar
	VisitorsToday int64 // distinct visitors today
	Online        int64 // distinct visitors seen within the online window
}

// batch is counts not yet in the database.
type batch struct {
	visits map[string]int64     // Tehran day -> page views
	pairs  map[[2]string]bool   // (day, visitor) seen -> the visitor's cookie says it was counted already
	seen   map[string]time.Time // visitor -> last seen
}

func newBatch() *batch {
	return &batch{visits: map[string]int64{}, pairs: map[[2]string]bool{}, seen: map[string]time.Time{}}
}

// stats counts page views in memory and adds them to the database in
// batches, so that a page view costs no database write. The numbers a
// page shows are the last totals read from the database plus what this
// node has counted since. What pages add is kept up to date as visitors
// come and batches are written, so that a page view costs the same
// however many visitors a batch holds (requirement H8).
type stats struct {
	db     *sqldb.DB
	log    *slog.Logger
	window time.Duration

	flushMu sync.Mutex // one flush at a time

	mu       sync.Mutex
	pending  *batch
	inflight *batch // being written; still counted on pages
	loaded   bool
	base     Stats
	baseDay  string
	known    map[string]map[string]struct{} // pairs this node has written today (and in the last batch), by day
	written  timeline                       // visitors this node has written, by last seen

	fresh  map[string]int64 // Tehran day -> pairs in pending or inflight that pages add to the day's visitors
	seen   timeline         // visitors in pending or inflight, by last seen in either
	online int64            // visitors that pages add to those online, as of seen's and written's cutoffs

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func newStats(db *sqldb.DB, log *slog.Logger, window time.Duration) *stats {
	return &stats{db: db, log: log, window: window, pending: newBatch(),
		known: map[string]map[string]struct{}{}, written: newTimeline(),
		fresh: map[string]int64{}, seen: newTimeline()}
}

// tehranDay is the calendar day of t in Tehran, as stored.
func tehranDay(t time.Time) string { return t.In(iran.Tehran()).Format("2006-01-02") }

// hit counts one page view by visitor at t. counted says the visitor's
// cookie shows an earlier visit today, which some node has already
// counted, so pages need not wait for the database to know it.
func (s *stats) hit(visitor string, counted bool, t time.Time) {
	day := tehranDay(t)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending.visits[day]++
	p := [2]string{day, visitor}
	before, ok := s.pending.pairs[p]
	if ok {
		counted = counted && before // a first visit in the batch is new
	}
	if !ok || counted != before {
		was := s.isFresh(p)
		s.pending.pairs[p] = counted
		s.recountFresh(p, was)
	}
	if t.After(s.pending.seen[visitor]) {
		s.pending.seen[visitor] = t
		if last, ok := s.seen.get(visitor); !ok || t.After(last) {
			was := s.isOnline(visitor)
			s.seen.set(visitor, t, nil)
			s.recountOnline(visitor, was)
		}
	}
}

// snapshot returns the statistics as of now. The first call reads the
// totals from the database.
func (s *stats) snapshot(ctx context.Context, now time.Time) Stats {
	s.mu.Lock()
	loaded := s.loaded
	s.mu.Unlock()
	if !loaded {
		s.refresh(ctx, now)
	}
	day := tehranDay(now)
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.base
	if s.baseDay != day {
		st.Today, st.VisitorsToday = 0, 0
	}
	for _, b := range []*batch{s.pending, s.inflight} {
		if b == nil {
			continue
		}
		for d, n := range b.visits { // a day or two
			st.Total += n
			if d == day {
				st.Today += n
			}
		}
	}
	s.moveCutoff(now.Add(-s.window))
	st.VisitorsToday += s.fresh[day]
	st.Online += s.online
	return st
}

// uncounted reports whether pending or inflight holds p as a visit the
// visitor's cookie did not show as counted. Called with s.mu held.
func (s *stats) uncounted(p [2]string) bool {
	if counted, ok := s.pending.pairs[p]; ok && !counted {
		return true
	}
	if s.inflight != nil {
		if counted, ok := s.inflight.pairs[p]; ok && !counted {
			return true
		}
	}
	return false
}

// isFresh reports whether pages add p to its day's visitors: an
// uncounted visit that this node has not written yet.
func (s *stats) isFresh(p [2]string) bool {
	_, known := s.known[p[0]][p[1]]
	return !known && s.uncounted(p)
}

// recountFresh updates fresh after a change to p, which was fresh or not.
func (s *stats) recountFresh(p [2]string, was bool) {
	if is := s.isFresh(p); is != was {
		s.addFresh(p[0], one(is))
	}
}

func (s *stats) addFresh(day string, n int64) {
	if s.fresh[day] += n; s.fresh[day] == 0 {
		delete(s.fresh, day)
	}
}

// isOnline reports whether pages add v to the visitors online: seen in
// memory after the cutoff, and not written by this node with a last seen
// after it (the database counts those).
func (s *stats) isOnline(v string) bool { return s.seen.live(v) && !s.written.live(v) }

// recountOnline updates online after a change to v, which was online or not.
func (s *stats) recountOnline(v string, was bool) {
	if is := s.isOnline(v); is != was {
		s.online += one(is)
	}
}

// moveCutoff moves both timelines' cutoff, counting only the visitors it
// passes: amortised O(1) a page while the clock moves forward. Moving one
// timeline at a time keeps each step a change to one visitor's standing.
func (s *stats) moveCutoff(cutoff time.Time) {
	s.seen.moveTo(cutoff, func(v string, live bool) {
		if !s.written.live(v) {
			s.online += one(live)
		}
	})
	s.written.moveTo(cutoff, func(v string, live bool) {
		if s.seen.live(v) {
			s.online -= one(live)
		}
	})
}

func one(up bool) int64 {
	if up {
		return 1
	}
	return -1
}

// visitorCookie holds a random, anonymous visitor ID and the Tehran day
// of its last visit, as "<32 hex digits>.<YYYY-MM-DD>". Only a hash of
// the ID is stored.
const visitorCookie = "pv"

// visitorID returns the hash of the request's visitor ID and whether the
// visitor was already here today, issuing or updating the cookie.
func visitorID(w http.ResponseWriter, r *http.Request, secure bool, now time.Time) (id string, today bool) {
	day := tehranDay(now)
	raw, last := "", ""
	if c, err := r.Cookie(visitorCookie); err == nil {
		raw, last, _ = strings.Cut(c.Value, ".")
	}
	if _, err := hex.DecodeString(raw); err != nil || len(raw) != 32 {
		var b [16]byte
		_, _ = rand.Read(b[:])
		raw, last = hex.EncodeToString(b[:]), ""
	}
	if last != day {
		http.SetCookie(w, &http.Cookie{Name: visitorCookie, Value: raw + "." + day, Path: "/",
			MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	}
	sum := sha256.Sum256([]byte("panjereh visitor\x00" + raw))
	return hex.EncodeToString(sum[:16]), last == day
}

// start runs the flusher until close.
func (s *stats) start(every time.Duration, now func() time.Time) {
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-tick.C:
				ctx, cancel := context.WithTimeout(context.Background(), every)
				_ = s.flush(ctx, now())
				cancel()
			}
		}
	}()
}

// close stops the flusher and writes what is left.
func (s *stats) close(ctx context.Context, now func() time.Time) error {
	s.once.Do(func() {
		if s.stop != nil {
			close(s.stop)
			<-s.done
		}
	})
	return s.flush(ctx, now())
}

// timeline holds visitors in order of a time, with a cursor after the
// last one at or before a cutoff. Moving the cutoff costs only the
// visitors it passes, and a visitor set to a time near the end (as a hit
// is) costs only those after it.
type timeline struct {
	at         map[string]*mark
	head, tail *mark
	cut        time.Time
	last       *mark // the last mark at or before cut; nil if none
}

type mark struct {
	visitor    string
	t          time.Time
	prev, next *mark
}

func newTimeline() timeline { return timeline{at: map[string]*mark{}} }

func (l *timeline) len() int { return len(l.at) }

func (l *timeline) get(v string) (time.Time, bool) {
	if m := l.at[v]; m != nil {
		return m.t, true
	}
	return time.Time{}, false
}

// live reports whether v is in l with a time after the cutoff.
func (l *timeline) live(v string) bool {
	m := l.at[v]
	return m != nil && m.t.After(l.cut)
}

// set puts v at t, searching for the place from near (from the end when
// near is nil), and returns v's mark.
func (l *timeline) set(v string, t time.Time, near *mark) *mark {
	m := l.at[v]
	if m == nil {
		m = &mark{visitor: v}
		l.at[v] = m
	} else {
		if near == m {
			near = m.prev
		}
		l.unlink(m)
	}
	m.t = t
	l.link(m, l.find(t, near))
	return m
}

func (l *timeline) remove(v string) {
	if m := l.at[v]; m != nil {
		l.unlink(m)
		delete(l.at, v)
	}
}

// find returns the last mark at or before t (nil if none), walking from near.
func (l *timeline) find(t time.Time, near *mark) *mark {
	q := near
	if q == nil {
		q = l.tail
	}
	for q != nil && q.t.After(t) {
		q = q.prev
	}
	for {
		n := l.head
		if q != nil {
			n = q.next
		}
		if n == nil || n.t.After(t) {
			return q
		}
		q = n
	}
}

// link puts m after q (first if q is nil).
func (l *timeline) link(m, q *mark) {
	m.prev = q
	if q == nil {
		m.next, l.head = l.head, m
	} else {
		m.next, q.next = q.next, m
	}
	if m.next == nil {
		l.tail = m
	} else {
		m.next.prev = m
	}
	if q == l.last && !m.t.After(l.cut) {
		l.last = m
	}
}

func (l *timeline) unlink(m *mark) {
	if l.last == m {
		l.last = m.prev
	}
	if m.prev == nil {
		l.head = m.next
	} else {
		m.prev.next = m.next
	}
	if m.next == nil {
		l.tail = m.prev
	} else {
		m.next.prev = m.prev
	}
	m.prev, m.next = nil, nil
}

// moveTo sets the cutoff, calling flip for each visitor it passes with
// whether that visitor is now after it.
func (l *timeline) moveTo(cut time.Time, flip func(v string, live bool)) {
	for {
		n := l.head
		if l.last != nil {
			n = l.last.next
		}
		if n == nil || n.t.After(cut) {
			break
		}
		l.last = n
		flip(n.visitor, false)
	}
	for l.last != nil && l.last.t.After(cut) {
		m := l.last
		l.last = m.prev
		flip(m.visitor, true)
	}
	l.cut = cut
}
