package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/internal/web"
)

var statRE = regexp.MustCompile(`<dd class="stat-(\w+)">([^<]*)</dd>`)

// pageStats reads the visitor statistics a page shows.
func pageStats(t *testing.T, body string) web.Stats {
	t.Helper()
	var st web.Stats
	for _, m := range statRE.FindAllStringSubmatch(body, -1) {
		digits := strings.NewReplacer(",", "", "\u066c", "").Replace(iran.ToASCIIDigits(m[2]))
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			t.Fatalf("stat %s = %q: %v", m[1], m[2], err)
		}
		switch m[1] {
		case "total":
			st.Total = n
		case "today":
			st.Today = n
		case "visitors":
			st.VisitorsToday = n
		case "online":
			st.Online = n
		}
	}
	return st
}

// visitor is a browser with its own cookies.
type visitor struct{ cookies map[string]*http.Cookie }

func newVisitor() *visitor { return &visitor{cookies: map[string]*http.Cookie{}} }

func (v *visitor) get(t *testing.T, s *shell, target string) (*http.Response, string) {
	t.Helper()
	var cs []*http.Cookie
	for _, c := range v.cookies {
		cs = append(cs, c)
	}
	res, body := s.get(t, target, cs...)
	for _, c := range res.Cookies() {
		v.cookies[c.Name] = c
	}
	return res, body
}

func TestVisitCounters(t *testing.T) {
	db := sqldbtest.Open(t)
	now := testNow
	clock := func(o *web.Options) { o.Now = func() time.Time { return now } }
	s := newShell(t, db, clock)
	a, b := newVisitor(), newVisitor()
	a.get(t, s, "/")
	a.get(t, s, "/?lang=en")
	b.get(t, s, "/")
	// Neither APIs, assets, health checks nor unknown pages count.
	s.get(t, "/api/v1/echo")
	s.get(t, "/healthz")
	s.get(t, "/no/such/page")
	_, body := a.get(t, s, "/?lang=fa")
	if diff := cmp.Diff(web.Stats{Total: 4, Today: 4, VisitorsToday: 2, Online: 2}, pageStats(t, body)); diff != "" {
		t.Errorf("before flush (-want +got):\n%s", diff)
	}
	if !strings.Contains(body, `<dd class="stat-total">۴</dd>`) {
		t.Error("counts not in Persian digits")
	}
	if err := s.m.FlushStats(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, body = a.get(t, s, "/")
	if diff := cmp.Diff(web.Stats{Total: 5, Today: 5, VisitorsToday: 2, Online: 2}, pageStats(t, body)); diff != "" {
		t.Errorf("after flush (-want +got):\n%s", diff)
	}
	if err := s.m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}

	// A new shell on the same database, as after a restart.
	now = now.Add(10 * time.Minute)
	s2 := newShell(t, db, clock)
	_, body = b.get(t, s2, "/")
	if diff := cmp.Diff(web.Stats{Total: 6, Today: 6, VisitorsToday: 2, Online: 1}, pageStats(t, body)); diff != "" {
		t.Errorf("after restart (-want +got):\n%s", diff)
	}
	s2.m.Close(context.Background())

	// The next day in Tehran (midnight there is 20:30 UTC).
	now = time.Date(2024, 12, 18, 20, 31, 0, 0, time.UTC)
	s3 := newShell(t, db, clock)
	_, body = a.get(t, s3, "/")
	if diff := cmp.Diff(web.Stats{Total: 7, Today: 1, VisitorsToday: 1, Online: 1}, pageStats(t, body)); diff != "" {
		t.Errorf("next day (-want +got):\n%s", diff)
	}
}

func TestVisitCountersWithoutDatabase(t *testing.T) {
	m, err := web.New(web.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	s := &shell{m: m, h: m.Handler(), logs: &syncBuffer{}}
	m.Mount(&testFeature{})
	v := newVisitor()
	v.get(t, s, "/")
	m.FlushStats(context.Background())
	_, body := v.get(t, s, "/")
	if diff := cmp.Diff(web.Stats{Total: 2, Today: 2, VisitorsToday: 1, Online: 1}, pageStats(t, body)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, body := s.get(t, "/healthz"); !strings.Contains(body, `"db":"none"`) {
		t.Errorf("healthz without a database: %s", body)
	}
	m.Close(context.Background())
}

// TestConcurrentShellsAddUp runs two shells on one database, as two
// nodes behind a load balancer, flushing while they count.
func TestConcurrentShellsAddUp(t *testing.T) {
	db := sqldbtest.Open(t)
	shells := []*shell{newShell(t, db), newShell(t, db)}
	const workers, perWorker = 8, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := newVisitor()
			for i := range perWorker {
				s := shells[(w+i)%2]
				if res, _ := v.get(t, s, "/"); res.StatusCode != 200 {
					t.Errorf("status %d", res.StatusCode)
				}
				if i%7 == 0 {
					if err := s.m.FlushStats(context.Background()); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, s := range shells {
		if err := s.m.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	var visits, visitors int64
	err := db.Read.QueryRow(`SELECT visits, visitors FROM web_visit_days WHERE day = $1`, "2024-12-18").Scan(&visits, &visitors)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(visits, visitors), fmt.Sprint(workers*perWorker, workers); got != want {
		t.Errorf("visits, visitors = %s, want %s", got, want)
	}
	_, body := newShell(t, db).get(t, "/")
	if got := pageStats(t, body); got.Total != workers*perWorker+1 || got.Online != workers+1 {
		t.Errorf("page after both closed: %+v", got)
	}
}
