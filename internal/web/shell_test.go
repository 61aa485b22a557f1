package web_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/internal/web"
)

// testNow is a fixed clock: 18 December 2024 at noon in Tehran, which is
// 28 Azar 1403.
var testNow = time.Date(2024, 12, 18, 8, 30, 0, 0, time.UTC)

// testFeature exercises the shell the way a real feature does.
type testFeature struct {
	m     *web.Mux
	pages *web.Templates
}

var testMessages = web.Messages{
	"test.title": {Fa: "فرم آزمایشی", En: "Test form"},
	"test.send":  {Fa: "ارسال", En: "Send"},
	"test.name":  {Fa: "نام", En: "Name"},
	"test.kind":  {Fa: "نوع", En: "Kind"},
	"test.note":  {Fa: "یادداشت", En: "Note"},
}

type formData struct {
	Form   web.Form
	Result *web.Text
}

func (f *testFeature) Mount(m *web.Mux) {
	f.m = m
	f.pages = m.MustParseTemplates(os.DirFS("testdata/templates"), testMessages, "*.html")
	m.AddNav(web.NavItem{Path: "/", Label: web.Text{Fa: "خانه", En: "Home"}})
	m.Page("GET /{$}", f.home)
	m.Page("POST /submit", f.submit)
	m.PostAsGet("/forward")
	m.Page("GET /boom", func(http.ResponseWriter, *http.Request) { panic("secret panic text") })
	m.Page("GET /fail", func(w http.ResponseWriter, r *http.Request) {
		m.ServerError(w, r, errors.New("secret database error"))
	})
	m.API("GET /api/v1/echo", func(w http.ResponseWriter, r *http.Request) {
		web.WriteJSON(w, http.StatusOK, map[string]string{"ip": web.ClientIP(r.Context()).String()})
	})
	m.API("GET /api/v1/boom", func(http.ResponseWriter, *http.Request) { panic("secret api panic") })
}

func (f *testFeature) form(name string, nameErr *web.Text) web.Form {
	return web.Form{Fields: []web.Field{
		{ID: "name", Name: "name", Label: testMessages["test.name"], Required: true, Value: name, Error: nameErr,
			Hint: web.Text{Fa: "نام کامل", En: "Full name"}},
		{ID: "kind", Name: "kind", Label: testMessages["test.kind"], Type: "select",
			Options: []web.Option{{Value: "a", Label: web.Text{Fa: "الف", En: "A"}}}},
		{ID: "note", Name: "note", Label: testMessages["test.note"], Type: "textarea"},
	}}
}

func (f *testFeature) home(w http.ResponseWriter, r *http.Request) {
	f.m.Render(w, r, http.StatusOK, f.pages, web.Page{Name: "form.html", Title: "test.title",
		Data: formData{Form: f.form("", nil)}})
}

func (f *testFeature) submit(w http.ResponseWriter, r *http.Request) {
	name := r.PostFormValue("name")
	if name == "" {
		f.m.Render(w, r, http.StatusUnprocessableEntity, f.pages, web.Page{Name: "form.html", Title: "test.title",
			Data: formData{Form: f.form("", &web.Text{Fa: "نام را بنویسید.", En: "Enter a name."})}})
		return
	}
	f.m.Render(w, r, http.StatusOK, f.pages, web.Page{Name: "form.html", Title: "test.title",
		Data: formData{Form: f.form(name, nil), Result: &web.Text{Fa: "دریافت شد: " + name, En: "Received: " + name}}})
}

// shell is a Mux with the test feature, its log, and its database.
type shell struct {
	m    *web.Mux
	h    http.Handler
	db   *sqldb.DB
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newShell(t testing.TB, db *sqldb.DB, edit ...func(*web.Options)) *shell {
	t.Helper()
	if db == nil {
		db = sqldbtest.Open(t)
	}
	logs := &syncBuffer{}
	opts := web.Options{
		Logger:             slog.New(slog.NewJSONHandler(logs, nil)),
		DB:                 db,
		Now:                func() time.Time { return testNow },
		Version:            "v0.1.0-test",
		Updated:            time.Date(2024, 12, 18, 12, 0, 0, 0, time.UTC),
		TrustedProxies:     []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		StatsFlushInterval: time.Hour, // tests flush explicitly
	}
	for _, e := range edit {
		e(&opts)
	}
	m, err := web.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	m.Mount(&testFeature{})
	s := &shell{m: m, h: m.Handler(), db: db, logs: logs}
	t.Cleanup(func() { m.Close(context.Background()) })
	return s
}

// do sends one request through the whole handler chain.
func (s *shell) do(t testing.TB, req *http.Request) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// get fetches target as a browser on this machine would.
func (s *shell) get(t testing.TB, target string, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.RemoteAddr = "127.0.0.1:50000"
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return s.do(t, req)
}

func postForm(target string, form url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "127.0.0.1:50000"
	return req
}

func cookieNamed(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
