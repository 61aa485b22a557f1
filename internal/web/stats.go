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
// node has counted since.
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
	known    map[[2]string]struct{} // pairs this node has written today
	written  map[string]time.Time   // visitors this node has written, by last seen

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func newStats(db *sqldb.DB, log *slog.Logger, window time.Duration) *stats {
	return &stats{db: db, log: log, window: window, pending: newBatch(),
		known: map[[2]string]struct{}{}, written: map[string]time.Time{}}
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
	if before, ok := s.pending.pairs[p]; ok {
		counted = counted && before // a first visit in the batch is new
	}
	s.pending.pairs[p] = counted
	if t.After(s.pending.seen[visitor]) {
		s.pending.seen[visitor] = t
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
	cutoff := now.Add(-s.window)
	s.mu.Lock()
	defer s.mu.Unlock()
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
