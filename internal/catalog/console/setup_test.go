package console_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/catalog/console"
	"github.com/panjereh/panjereh/internal/clocktest"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/internal/web"
)

// testNow is the console's clock: 11:30 in Tehran.
var testNow = time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)

// nationalCode completes nine digits into a valid national code.
func nationalCode(first9 string) string {
	return first9 + string(rune('0'+iran.NationalCodeCheckDigit(first9)))
}

// The people of the tests, by the key a test browser logs in with.
var (
	staffCode    = nationalCode("001234567")
	otherCode    = nationalCode("008457594")
	overseerCode = nationalCode("003333333")
	citizenCode  = nationalCode("004444444")
	viewers      = map[string]console.Viewer{
		"staff":    {AccountID: "a-staff", NationalCode: staffCode, Name: "زهرا کارمند"},
		"other":    {AccountID: "a-other", NationalCode: otherCode, Name: "Other Agency Staff"},
		"overseer": {AccountID: "a-overseer", NationalCode: overseerCode, Name: "ناظر وزارت", Overseer: true},
		"citizen":  {AccountID: "a-citizen", NationalCode: citizenCode, Name: "شهروند"},
	}
)

// viewerCookie names who a test browser is; the test login route sets
// it, as the identity feature's session cookie would be set.
const viewerCookie = "test-viewer"

type cookieSessions struct{}

func (cookieSessions) Viewer(r *http.Request) (console.Viewer, bool) {
	c, err := r.Cookie(viewerCookie)
	if err != nil {
		return console.Viewer{}, false
	}
	v, ok := viewers[c.Value]
	return v, ok
}

func loginURL(returnTo string) string { return "/login?return=" + url.QueryEscape(returnTo) }

// env is the console mounted on the shell as the application wires it,
// on a catalog seeded from the shipped content.
type env struct {
	t       *testing.T
	store   *catalog.Store
	audit   *audit.Log
	content *catalog.Content
	clock   *clocktest.Clock
	url     string
	changed atomic.Int32
	// agency is an agency with services, mine is its first service, and
	// other is another agency with services, with its first service.
	agency, other       catalog.Agency
	mine, othersService catalog.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	e := &env{t: t, clock: clocktest.New(testNow)}
	e.audit = &audit.Log{DB: db, Now: e.clock.Now}
	t.Cleanup(func() { e.audit.Close(context.Background()) })
	e.store = &catalog.Store{DB: db, Audit: e.audit, Now: e.clock.Now}
	var err error
	if e.content, err = catalog.Embedded(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Seed(ctx, e.content); err != nil {
		t.Fatal(err)
	}
	e.pickAgencies()
	for _, g := range []struct{ code, agency string }{{staffCode, e.agency.Code}, {otherCode, e.other.Code}} {
		if err := e.store.Grant(ctx, g.code, g.agency, overseerCode); err != nil {
			t.Fatal(err)
		}
	}

	m, err := web.New(web.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: db, Now: e.clock.Now,
		StatsFlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(context.Background()) })
	// The application's shell has navigation; the console adds none.
	m.AddNav(web.NavItem{Path: "/", Label: web.Text{Fa: "خانه", En: "Home"}})
	m.Mount(&console.Console{
		Store:    e.store,
		Sessions: cookieSessions{},
		Snapshot: func() *catalog.Snapshot {
			sn, err := e.store.Load(context.Background(), e.content)
			if err != nil {
				t.Errorf("load: %v", err)
				return nil
			}
			return sn
		},
		Changed:  func(context.Context) { e.changed.Add(1) },
		LoginURL: loginURL,
		Now:      e.clock.Now,
	})
	// The test's stand-in for logging in: it sets who the browser is.
	m.Page("GET /test/login/{who}", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: viewerCookie, Value: r.PathValue("who"), Path: "/"})
		http.Redirect(w, r, r.URL.Query().Get("return"), http.StatusSeeOther)
	})
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

// pickAgencies takes the civil registry (or else the first agency with
// services) and another agency with services from the shipped content,
// whatever it holds today.
func (e *env) pickAgencies() {
	first := map[string]catalog.Service{}
	for _, s := range e.content.Services {
		if _, ok := first[s.Agency]; !ok {
			first[s.Agency] = s
		}
	}
	var codes []string
	for _, a := range e.content.Agencies {
		if _, ok := first[a.Code]; ok {
			codes = append(codes, a.Code)
		}
	}
	if len(codes) < 2 {
		e.t.Fatalf("the shipped catalog has services of %d agencies; the tests need two", len(codes))
	}
	if i := slices.Index(codes, "sabteahval"); i > 0 {
		codes[0], codes[i] = codes[i], codes[0]
	}
	for _, a := range e.content.Agencies {
		switch a.Code {
		case codes[0]:
			e.agency, e.mine = a, first[a.Code]
		case codes[1]:
			e.other, e.othersService = a, first[a.Code]
		}
	}
}

// browser is a client that keeps cookies and does not follow redirects,
// so that a test sees where the console sends it; who is "" for someone
// not logged in.
type browser struct {
	e   *env
	c   *http.Client
	who string
}

func (e *env) browser(who string) *browser {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{e: e, who: who, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if who != "" {
		b.get("/test/login/" + who + "?return=/")
	}
	// Any page sets the CSRF cookie the forms repeat.
	b.get("/console/catalog")
	return b
}

// csrf is the browser's CSRF token, which the console's forms repeat.
func (b *browser) csrf() string {
	u, _ := url.Parse(b.e.url)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "csrf" {
			return c.Value
		}
	}
	b.e.t.Fatal("no CSRF cookie")
	return ""
}

func (b *browser) get(path string) (*http.Response, string) {
	b.e.t.Helper()
	res, err := b.c.Get(b.e.url + path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// post sends a form with the CSRF token, unless noToken.
func (b *browser) post(path string, form url.Values, noToken bool) (*http.Response, string) {
	b.e.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if !noToken {
		f.Set(web.CSRFField, b.csrf())
	}
	res, err := b.c.PostForm(b.e.url+path, f)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// snapshot is the catalog as saved now.
func (e *env) snapshot() *catalog.Snapshot {
	e.t.Helper()
	sn, err := e.store.Load(context.Background(), e.content)
	if err != nil {
		e.t.Fatal(err)
	}
	return sn
}

// service returns a saved service and its version.
func (e *env) service(id string) (catalog.Service, int) {
	e.t.Helper()
	sn := e.snapshot()
	for _, s := range sn.Services {
		if s.ID == id {
			return s, sn.Meta[id].Version
		}
	}
	e.t.Fatalf("no service %s", id)
	return catalog.Service{}, 0
}

// save saves a record directly in the store, as another editor would.
func (e *env) save(sv catalog.Service, base int, note string) int {
	e.t.Helper()
	v, err := e.store.SaveService(context.Background(), e.snapshot(), sv, base, overseerCode, note)
	if err != nil {
		e.t.Fatalf("save %s: %v", sv.ID, err)
	}
	return v
}

// editForm is the edit form of sv as the console fills it, with
// changes.
func editForm(sv catalog.Service, base int, changes url.Values) url.Values {
	f := url.Values{
		"base": {itoa(base)}, "title_fa": {sv.Title.Fa}, "title_en": {sv.Title.En},
		"summary_fa": {sv.Summary.Fa}, "summary_en": {sv.Summary.En}, "aliases": {strings.Join(sv.Aliases, "\n")},
		"audience": sv.Audiences, "life_event": sv.LifeEvents, "category": sv.Categories, "channel": sv.Channels,
		"assurance": {sv.Assurance}, "inquiries": {strings.Join(sv.Inquiries, "\n")}, "evaluation": {sv.Evaluation},
		"days": {itoa(sv.Days)}, "time_note_fa": {sv.TimeNote.Fa}, "time_note_en": {sv.TimeNote.En},
		"availability": {sv.Availability}, "maturity": {sv.Maturity}, "stage": {sv.Stage},
		"start_url": {sv.StartURL}, "licence": {sv.Licence}, "reviewed": {sv.Reviewed},
		"fee_rows": {itoa(len(sv.Fees) + 2)}, "step_rows": {itoa(len(sv.Steps) + 2)},
	}
	if sv.Counter {
		f.Set("counter", "on")
	}
	if sv.Electronic {
		f.Set("electronic", "on")
	}
	for i, fe := range sv.Fees {
		p := "fee_" + itoa(i) + "_"
		f.Set(p+"title_fa", fe.Title.Fa)
		f.Set(p+"title_en", fe.Title.En)
		f.Set(p+"rials", itoa(int(fe.Rials)))
		f.Set(p+"payment", fe.Payment)
	}
	for i, st := range sv.Steps {
		p := "step_" + itoa(i) + "_"
		f.Set(p+"title_fa", st.Title.Fa)
		f.Set(p+"title_en", st.Title.En)
		f.Set(p+"body_fa", st.Body.Fa)
		f.Set(p+"body_en", st.Body.En)
	}
	var docs, forms []string
	for _, d := range sv.Documents {
		docs = append(docs, d.Fa+" | "+d.En)
	}
	for _, fm := range sv.Forms {
		forms = append(forms, fm.Title.Fa+" | "+fm.Title.En+" | "+fm.URL)
	}
	f.Set("documents", strings.Join(docs, "\n"))
	f.Set("forms", strings.Join(forms, "\n"))
	for k, v := range changes {
		f[k] = v
	}
	return f
}

func itoa(n int) string { return strconv.Itoa(n) }
