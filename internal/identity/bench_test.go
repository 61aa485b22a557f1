package identity

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/notify"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/internal/web"
)

// benchSMS enqueues every code in the real outbox, as the window does,
// and remembers it so the benchmark can type it back.
type benchSMS struct {
	out   *notify.Outbox
	mu    sync.Mutex
	codes map[string]string // mobile -> newest code
}

var benchCodeRE = regexp.MustCompile(`code: (\d+)`)

func (s *benchSMS) SendCode(ctx context.Context, q sqldb.Querier, mobile, text string, exp time.Time) error {
	if err := s.out.SendCode(ctx, q, mobile, text, exp); err != nil {
		return err
	}
	s.mu.Lock()
	s.codes[mobile] = benchCodeRE.FindStringSubmatch(text)[1]
	s.mu.Unlock()
	return nil
}

func (s *benchSMS) code(mobile string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.codes[mobile]
}

// BenchmarkLogin measures complete window logins: the code is asked for
// (limits, cooldown, challenge stored, SMS enqueued in the outbox), typed
// back (checked, consumed) and a session is started, then used once.
// Each of b.N logins is by a different account, so no limit bites.
func BenchmarkLogin(b *testing.B) {
	ctx := context.Background()
	db := sqldbtest.Open(b)
	sms := &benchSMS{out: &notify.Outbox{DB: db}, codes: map[string]string{}}
	s := &Service{DB: db, SMS: sms, Secret: []byte("0123456789abcdef0123456789abcdef"), Policy: DefaultPolicy()}
	s.Policy.PerIP = Limit{} // one benchmark client stands for many people
	now := time.Now().UTC()
	accounts := make([]Account, b.N)
	for i := range accounts {
		code := fmt.Sprintf("%09d", 100000000+i)
		code += fmt.Sprint(iran.NationalCodeCheckDigit(code))
		accounts[i] = Account{ID: newID(), Kind: KindNatural, LoginID: code, NationalCode: code,
			Mobile: fmt.Sprintf("0912%07d", i), BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC),
			FirstName: "علی", LastName: "رضایی", Gender: "MALE", Source: map[string]string{}, Created: now, Updated: now}
	}
	for i := 0; i < len(accounts); i += 500 {
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			for _, a := range accounts[i:min(i+500, len(accounts))] {
				if err := insertAccount(ctx, tx, a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	cl := Client{IP: "192.0.2.1", UserAgent: "bench"}
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			a := accounts[next.Add(1)-1]
			ch, err := s.StartLogin(ctx, a.LoginID, cl)
			if err != nil {
				b.Error(err)
				return
			}
			_, _, token, err := s.Login(ctx, ch.ID, sms.code(a.Mobile), cl, LoginOptions{})
			if err != nil {
				b.Error(err)
				return
			}
			if _, _, err := s.Authenticate(ctx, token); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
}

// BenchmarkLoginPage measures the login page as the window serves it to
// an agency's request: the site's middleware (security headers, request
// ID, visitor statistics, CSRF cookie) and the page's template in the
// layout, with the sealed authorization request in its links and form.
func BenchmarkLoginPage(b *testing.B) {
	db := sqldbtest.Open(b)
	m, err := web.New(web.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: db, StatsFlushInterval: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	m.Mount(&Handler{Service: &Service{DB: db}})
	b.Cleanup(func() { m.Close(context.Background()) })
	h := m.Handler()
	ret := "/oauth2/login?id=r1." + strings.Repeat("pnsWocD8-JFz7VEd97oXArYpNEUowXvVdA", 14)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := httptest.NewRequest("GET", "/login?return="+ret, nil)
		r.RemoteAddr = "127.0.0.1:5555"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}
