package identity_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/internal/web/webtest"
)

// TestSignatoryTenure: a legal person's account is its registering
// signatory's from its registration, and a new signatory's from the
// moment they take it over; natural persons' and foreign nationals'
// accounts have no tenure. The ends of the former signatory's sessions
// at the takeover are audited as theirs, without the new signatory's
// address and browser.
func TestSignatoryTenure(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.svc.Policy.PerLogin.Max = 20 // the registrations below count against the legal ID
	ceo, board, f := persona(t, "ceo"), persona(t, "ordinary"), persona(t, "foreigner")
	tenure := func(id string) identity.Tenure {
		t.Helper()
		got, err := w.svc.SignatoryTenure(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	person, _, err := w.svc.Register(ctx, natural(board), cl)
	if err != nil {
		t.Fatal(err)
	}
	foreigner, _, err := w.svc.Register(ctx, identity.RegisterInput{Kind: identity.KindForeign, ForeignID: f.FIDA, BirthDate: f.BirthDate,
		Mobile: f.Mobiles[0]}, cl)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []identity.Account{person, foreigner} {
		if got := tenure(a.ID); got != (identity.Tenure{}) {
			t.Errorf("the %s account has a signatory's tenure %+v", a.Kind, got)
		}
	}

	registered := w.clock.Now()
	company, ch, err := w.svc.Register(ctx, legalFor(ceo, ceo.LegalID), cl)
	if err != nil {
		t.Fatal(err)
	}
	if got := tenure(company.ID); got.NationalCode != ceo.NationalCode || !got.Since.Equal(registered) {
		t.Errorf("the company's tenure after its registration %+v, want the CEO's since %v", got, registered)
	}
	if _, _, _, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, ceo.Mobiles[0]), cl, identity.LoginOptions{}); err != nil {
		t.Fatal(err)
	}

	w.clock.Add(time.Hour)
	w.signatory(t, ceo.LegalID, ceo, "1405-09-01")
	takeover := w.clock.Now()
	board2 := identity.Client{IP: "203.0.113.9", UserAgent: "Board-Browser/2.0"}
	if _, _, err := w.svc.Register(ctx, legalFor(board, ceo.LegalID), board2); err != nil {
		t.Fatal(err)
	}
	if got := tenure(company.ID); got.NationalCode != board.NationalCode || !got.Since.Equal(takeover) {
		t.Errorf("the company's tenure after the takeover %+v, want the board member's since %v", got, takeover)
	}
	w.audit.mu.Lock()
	var ends int
	for _, e := range w.audit.events {
		if e.Kind == identity.EventSessionEnded && e.Details["reason"] == "signatory-changed" {
			ends++
			if e.Actor != ceo.NationalCode || e.Subject != ceo.LegalID || e.IP != "" || e.UserAgent != "" {
				t.Errorf("the end of the former signatory's session at the takeover audited as %+v", e)
			}
		}
	}
	w.audit.mu.Unlock()
	if ends != 1 {
		t.Errorf("%d sessions ended at the takeover, want the CEO's one", ends)
	}

	if _, err := w.svc.SignatoryTenure(ctx, "no-such-account"); !errors.Is(err, sqldb.ErrNotFound) {
		t.Errorf("the tenure of an unknown account: %v, want not found", err)
	}
}

// takeoverFeed is an activity feed during which a new signatory takes
// the company over, as they may while a page is being read.
type takeoverFeed struct {
	takeOver func()
	items    []identity.ActivityItem
}

func (f *takeoverFeed) Activity(context.Context, string, string, int) ([]identity.ActivityItem, error) {
	if f.takeOver != nil {
		f.takeOver()
		f.takeOver = nil
	}
	return f.items, nil
}

// TestSignatoryActivityPageAtTakeover: a page read by the former
// signatory's session while a new signatory takes the company over, its
// list being of the new tenure, shows nothing; the current signatory's
// page and a natural person's show what the feed lists.
func TestSignatoryActivityPageAtTakeover(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.svc.Policy.PerLogin.Max = 20
	ceo, board, husband := persona(t, "ceo"), persona(t, "ordinary"), persona(t, "husband")
	feed := &takeoverFeed{items: []identity.ActivityItem{{At: w.clock.Now(), What: web.Text{Fa: "ورود", En: "Login"},
		IP: "203.0.113.9", UserAgent: "Board-Browser/2.0"}}}
	m, err := web.New(web.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: w.db, Now: w.clock.Now,
		StatsFlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	m.Mount(&identity.Handler{Service: w.svc, Activity: feed})
	t.Cleanup(func() { m.Close(context.Background()) })
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	page := func(token string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/account/activity", nil)
		req.AddCookie(&http.Cookie{Name: "pnj_session", Value: token})
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("/account/activity: %d\n%s", res.StatusCode, b)
		}
		if problems := webtest.AccessibilityProblems(string(b)); len(problems) > 0 {
			t.Errorf("/account/activity: accessibility problems %v", problems)
		}
		return string(b)
	}
	signIn := func(in identity.RegisterInput, mobile string) string {
		t.Helper()
		_, ch, err := w.svc.Register(ctx, in, cl)
		if err != nil {
			t.Fatal(err)
		}
		_, _, token, err := w.svc.Login(ctx, ch.ID, w.sms.lastCode(t, mobile), cl, identity.LoginOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return token
	}

	ceoToken := signIn(legalFor(ceo, ceo.LegalID), ceo.Mobiles[0])
	if body := page(ceoToken); !strings.Contains(body, "Board-Browser/2.0") {
		t.Errorf("the signatory's page lacks what the feed lists:\n%s", body)
	}
	w.clock.Add(time.Minute)
	w.signatory(t, ceo.LegalID, ceo, "1405-09-01")
	feed.takeOver = func() {
		if _, _, err := w.svc.Register(ctx, legalFor(board, ceo.LegalID), cl); err != nil {
			t.Error(err)
		}
	}
	if body := page(ceoToken); strings.Contains(body, "Board-Browser/2.0") || !strings.Contains(body, "رویدادی ثبت نشده است") {
		t.Errorf("the former signatory's page read during the takeover shows the new tenure's events:\n%s", body)
	}
	personToken := signIn(natural(husband), husband.Mobiles[0])
	if body := page(personToken); !strings.Contains(body, "Board-Browser/2.0") {
		t.Errorf("a natural person's page lacks what the feed lists:\n%s", body)
	}
}
