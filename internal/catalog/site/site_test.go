package site_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/catalog/site"
	"github.com/panjereh/panjereh/internal/clocktest"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/internal/web"
)

// cookieSessions logs in whoever carries the cookie "who": its value is
// the account ID (and national code).
type cookieSessions struct{}

func (cookieSessions) Viewer(r *http.Request) (site.Viewer, bool) {
	c, err := r.Cookie("who")
	if err != nil {
		return site.Viewer{}, false
	}
	return site.Viewer{AccountID: c.Value, NationalCode: c.Value}, true
}

type env struct {
	url   string
	site  *site.Site
	store *catalog.Store
	c     *catalog.Content
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	store := &catalog.Store{DB: db}
	if _, err := store.Seed(ctx, c); err != nil {
		t.Fatal(err)
	}
	m, err := web.New(web.Options{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})), DB: db, StatsFlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(context.Background()) })
	s := &site.Site{Store: store, Taxonomy: c, Sessions: cookieSessions{}, Logger: slog.New(slog.DiscardHandler)}
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	m.Mount(s)
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	return &env{url: srv.URL, site: s, store: store, c: c}
}

func (e *env) get(t testing.TB, path string, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

var english = &http.Cookie{Name: "lang", Value: "en"}

func (e *env) service(t testing.TB, agency string) catalog.Service {
	t.Helper()
	for _, s := range e.c.Services {
		if s.Agency == agency && s.Electronic {
			return s
		}
	}
	t.Fatalf("no electronic service of %s", agency)
	return catalog.Service{}
}

// TestPages shows every page type in both languages: it answers, speaks
// the language asked for, and stays under 100 KB of HTML (J4).
func TestPages(t *testing.T) {
	e := newEnv(t)
	sv := e.service(t, "sabteahval")
	lic := e.c.Licences[0]
	pages := []struct {
		path   string
		fa, en []string
	}{
		{"/", []string{"پرکاربردترین خدمات", "رویدادهای زندگی", sv.Title.Fa}, []string{"Most used services", "Life events"}},
		{"/services?q=" + url.QueryEscape(sv.Title.Fa), []string{sv.Title.Fa, "نتیجه"}, []string{sv.Title.En}},
		{"/services", []string{"نام خدمتی را که می‌خواهید بنویسید"}, []string{"Type the name of the service"}},
		{"/services/" + sv.ID, []string{sv.Title.Fa, "مراحل از آغاز تا پایان", "آخرین بازبینی شناسنامه", `href="/services/` + sv.ID + `/start"`},
			[]string{sv.Title.En, "Steps from start to finish", "Record last reviewed"}},
		{"/agencies", []string{"سازمان ثبت احوال کشور"}, []string{"National Organization for Civil Registration"}},
		{"/agencies/sabteahval", []string{"خدمات الکترونیکی", "خدماتی که هنوز الکترونیکی نشده‌اند"}, []string{"Electronic services", "Services not yet electronic"}},
		{"/life-events/" + e.c.LifeEvents[0].Key, []string{e.c.LifeEvents[0].Title.Fa}, []string{e.c.LifeEvents[0].Title.En}},
		{"/categories/identity", []string{"هویت و اسناد سجلی"}, []string{"Identity and civil documents"}},
		{"/licences", []string{"پایگاه مجوزها", lic.Title.Fa}, []string{"Licences database", lic.Title.En}},
		{"/licences/" + lic.ID, []string{lic.Title.Fa, "ابطال", "اعاده"}, []string{lic.Title.En, "Cancellation", "Revival"}},
		{"/open-data", []string{"دادهٔ باز", "services.csv"}, []string{"open data", "services.json"}},
	}
	for _, p := range pages {
		for _, lang := range []string{"fa", "en"} {
			t.Run(lang+p.path, func(t *testing.T) {
				var cookies []*http.Cookie
				want := p.fa
				if lang == "en" {
					cookies, want = []*http.Cookie{english}, p.en
				}
				res, body := e.get(t, p.path, cookies...)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d", res.StatusCode)
				}
				for _, w := range want {
					if !strings.Contains(body, w) {
						t.Errorf("page lacks %q", w)
					}
				}
				if !strings.Contains(body, `lang="`+lang+`"`) {
					t.Errorf("page is not in %s", lang)
				}
				if len(body) > 100<<10 {
					t.Errorf("page is %d bytes, over 100 KB", len(body))
				}
			})
		}
	}
	// Persian pages write numbers in Persian digits.
	_, body := e.get(t, "/services/"+sv.ID)
	if !strings.Contains(body, toPersian(sv.ID)) {
		t.Errorf("the Persian page does not show the ID %s in Persian digits", sv.ID)
	}
	for _, path := range []string{"/services/1999999", "/agencies/nowhere", "/licences/L999999", "/life-events/none", "/categories/none"} {
		if res, _ := e.get(t, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		}
	}
	if res, body := e.get(t, "/services?q="+strings.Repeat("ا", 201)); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "۲۰۰") {
		t.Errorf("overlong search: %d", res.StatusCode)
	}
}

func toPersian(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '۰' + (r - '0')
		}
		return r
	}, s)
}

// TestSearchAPI checks the API's answers and its refusals.
func TestSearchAPI(t *testing.T) {
	e := newEnv(t)
	sv := e.service(t, "sabteahval")
	res, body := e.get(t, "/api/v1/services?lang=fa&q="+url.QueryEscape(sv.Title.Fa))
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	var got struct {
		Total   int
		Results []struct {
			ID     string
			Kind   string
			Title  catalog.Text
			Agency struct{ Code string }
			URL    string
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Results) == 0 || got.Results[0].ID != sv.ID || got.Results[0].URL != "/services/"+sv.ID ||
		got.Results[0].Agency.Code != "sabteahval" || got.Results[0].Title != sv.Title {
		t.Fatalf("first hit %+v, want %s", got.Results, sv.ID)
	}
	res, body = e.get(t, "/api/v1/services?lang=en&q="+url.QueryEscape(sv.Title.En))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"id":"`+sv.ID+`"`) {
		t.Errorf("English search: %d %s", res.StatusCode, body)
	}
	res, body = e.get(t, "/api/v1/services?agency=police&limit=100")
	if err := json.Unmarshal([]byte(body), &got); err != nil || res.StatusCode != 200 || len(got.Results) == 0 {
		t.Fatalf("filter only: %d %s", res.StatusCode, body)
	}
	for _, r := range got.Results {
		if r.Agency.Code != "police" {
			t.Errorf("agency filter let %s of %s through", r.ID, r.Agency.Code)
		}
	}
	for _, bad := range []string{"lang=de&q=x", "limit=0&q=x", "limit=101&q=x", "offset=-1&q=x", "electronic=maybe", "kind=x&q=x", "q=" + strings.Repeat("x", 201)} {
		res, body := e.get(t, "/api/v1/services?"+bad)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(res.Header.Get("Content-Type"), "problem+json") {
			t.Errorf("%s: %d %s", bad, res.StatusCode, body)
		}
	}
	if res, _ := e.get(t, "/api/v1/services/"+sv.ID); res.StatusCode != http.StatusOK {
		t.Errorf("service record: %d", res.StatusCode)
	}
	if res, _ := e.get(t, "/api/v1/services/1999999"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown service: %d", res.StatusCode)
	}
	res, body = e.get(t, "/api/v1/suggest?lang=fa&q="+url.QueryEscape([]string{sv.Title.Fa}[0][:6]))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"results":[`) {
		t.Errorf("suggest: %d %s", res.StatusCode, body)
	}
	if res, body := e.get(t, "/api/v1/suggest?lang=de&q=x"); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"code":"bad-query"`) {
		t.Errorf("suggest in an unknown language: %d %s, want 400 bad-query as search answers", res.StatusCode, body)
	}
}

// TestStartSaveAndMine follows a person who starts a service, saves
// another and finds both on their page; an anonymous visitor is sent to
// log in before saving.
func TestStartSaveAndMine(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.service(t, "sabteahval"), e.service(t, "police")
	who := &http.Cookie{Name: "who", Value: "acc-7"}
	res, _ := e.get(t, "/services/"+a.ID+"/start", who)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != a.StartURL {
		t.Fatalf("start: %d to %q, want %s", res.StatusCode, res.Header.Get("Location"), a.StartURL)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(e.url)
	jar.SetCookies(u, []*http.Cookie{who})
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page, err := c.Get(e.url + "/services/" + b.ID)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	token := between(string(html), `name="csrf_token" value="`, `"`)
	res, err = c.PostForm(e.url+"/services/"+b.ID+"/save", url.Values{"csrf_token": {token}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %v %v", res, err)
	}
	_, body := e.get(t, "/account/services", who)
	if !strings.Contains(body, b.Title.Fa) || !strings.Contains(body, a.Title.Fa) {
		t.Errorf("my services lack the saved or the started one")
	}
	res, _ = e.get(t, "/account/services")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?return=") {
		t.Errorf("anonymous my services: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// The start counted: after a reload the service leads the most used.
	if err := e.site.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if sn := e.site.Snapshot(); sn.Uses[a.ID] != 1 {
		t.Errorf("uses %v", sn.Uses)
	}
	_, body = e.get(t, "/")
	if i, j := strings.Index(body, a.Title.Fa), strings.Index(body, "رویدادهای زندگی"); i < 0 || i > j {
		t.Errorf("the started service is not among the most used")
	}
}

func between(s, from, to string) string {
	_, s, _ = strings.Cut(s, from)
	s, _, _ = strings.Cut(s, to)
	return s
}

// TestOutageAndOtherNodes: an outage announced and a record changed
// through another node's store appear after a reload.
func TestOutageAndOtherNodes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sv := e.service(t, "sabteahval")
	now := time.Now()
	if _, err := e.store.AddOutage(ctx, catalog.Outage{ServiceID: sv.ID, Starts: now.Add(-time.Minute), Ends: now.Add(time.Hour),
		Message: catalog.Text{Fa: "به‌روزرسانی پایگاه داده", En: "Database upgrade"}}, "0012345679"); err != nil {
		t.Fatal(err)
	}
	edited := sv
	edited.Summary = catalog.Text{Fa: "خلاصهٔ تازه.", En: "A new summary."}
	if _, err := e.store.SaveService(ctx, e.site.Snapshot(), edited, 1, "0012345679", "test"); err != nil {
		t.Fatal(err)
	}
	if _, body := e.get(t, "/services/"+sv.ID); strings.Contains(body, "خلاصهٔ تازه.") {
		t.Fatal("changed before the reload")
	}
	if err := e.site.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	_, body := e.get(t, "/services/"+sv.ID)
	for _, w := range []string{"خلاصهٔ تازه.", "به‌روزرسانی پایگاه داده", "این خدمت اکنون در دسترس نیست"} {
		if !strings.Contains(body, w) {
			t.Errorf("after reload the page lacks %q", w)
		}
	}
	_, body = e.get(t, "/services/"+sv.ID, english)
	if !strings.Contains(body, "Database upgrade") {
		t.Errorf("English outage banner missing")
	}
}

// TestOpenData reads the downloads back.
func TestOpenData(t *testing.T) {
	e := newEnv(t)
	res, body := e.get(t, "/open-data/services.csv")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(e.c.Services)+1 || rows[0][0] != "id" || rows[0][3] != "title_en" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	res, body = e.get(t, "/open-data/services.json")
	if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("services.json: %d %s", res.StatusCode, ct)
	}
	var sj struct {
		Schema   string
		Services []catalog.Service
	}
	if err := json.Unmarshal([]byte(body), &sj); err != nil || sj.Schema != "panjereh-catalog-services/1" || len(sj.Services) != len(e.c.Services) {
		t.Fatalf("services.json: %v %s %d", err, sj.Schema, len(sj.Services))
	}
	_, body = e.get(t, "/open-data/licences.csv")
	rows, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != len(e.c.Licences)+1 {
		t.Fatalf("licences.csv: %v %d", err, len(rows))
	}
	if res, _ := e.get(t, "/open-data/secrets.txt"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown file: %d", res.StatusCode)
	}
}

// TestCachedPagesFollowOutages: a page kept for anonymous visitors shows
// an outage's banner once the outage begins, with no change to the
// catalog in between.
func TestCachedPagesFollowOutages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	clock := clocktest.New(time.Now())
	e.site.Now = clock.Now
	sv := e.service(t, "sabteahval")
	if _, err := e.store.AddOutage(ctx, catalog.Outage{ServiceID: sv.ID, Starts: clock.Now().Add(time.Hour), Ends: clock.Now().Add(2 * time.Hour),
		Message: catalog.Text{Fa: "قطعی برنامه‌ریزی‌شده برای نگهداری", En: "Planned maintenance"}}, "0012345679"); err != nil {
		t.Fatal(err)
	}
	if err := e.site.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second answer comes from the kept content
		if _, body := e.get(t, "/services/"+sv.ID); strings.Contains(body, "این خدمت اکنون در دسترس نیست") || !strings.Contains(body, "قطعی برنامه‌ریزی‌شده برای نگهداری") {
			t.Fatal("before the outage: want the planned banner only")
		}
	}
	clock.Add(90 * time.Minute)
	if _, body := e.get(t, "/services/"+sv.ID); !strings.Contains(body, "این خدمت اکنون در دسترس نیست") {
		t.Fatal("during the outage the kept page still shows no outage")
	}
	if err := e.site.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Hour)
	if err := e.site.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if _, body := e.get(t, "/services/"+sv.ID); strings.Contains(body, "قطعی برنامه‌ریزی‌شده برای نگهداری") {
		t.Fatal("after the outage its banner is still shown")
	}
}
