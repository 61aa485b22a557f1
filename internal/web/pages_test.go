package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/panjereh/panjereh/internal/web/webtest"
)

// TestPagesAccessible renders every kind of page and checks labels, the
// skip link and landmarks.
func TestPagesAccessible(t *testing.T) {
	s := newShell(t, nil)
	pages := map[string]func() (*http.Response, string){
		"form in Persian":     func() (*http.Response, string) { return s.get(t, "/") },
		"form in English":     func() (*http.Response, string) { return s.get(t, "/?lang=en") },
		"form with an error":  func() (*http.Response, string) { return s.do(t, csrfPost("/submit", "right", url.Values{})(t, s)) },
		"404 page":            func() (*http.Response, string) { return s.get(t, "/missing") },
		"500 page in English": func() (*http.Response, string) { return s.get(t, "/boom?lang=en") },
	}
	for name, fetch := range pages {
		t.Run(name, func(t *testing.T) {
			_, body := fetch()
			if diff := cmp.Diff([]string(nil), webtest.AccessibilityProblems(body)); diff != "" {
				t.Errorf("accessibility problems (-want +got):\n%s", diff)
			}
		})
	}
	_, body := s.get(t, "/")
	if n := webtest.Controls(body); n != 3 {
		t.Errorf("form page has %d controls, want 3", n)
	}
	if got := webtest.AccessibilityProblems(`<html><body><input id="x"><a href="/">x</a></body></html>`); len(got) < 3 {
		t.Errorf("a bad page passed the check: %v", got)
	}
}

var cssHref = regexp.MustCompile(`href="(/assets/css/site\.[0-9a-f]{10}\.css)"`)

func TestAssets(t *testing.T) {
	s := newShell(t, nil)
	_, page := s.get(t, "/")
	m := cssHref.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("page links no hashed stylesheet")
	}
	res, css := s.get(t, m[1])
	if res.StatusCode != 200 {
		t.Fatalf("stylesheet: status %d", res.StatusCode)
	}
	want := map[string]string{
		"Content-Type":  "text/css; charset=utf-8",
		"Cache-Control": "public, max-age=31536000, immutable",
	}
	for k, v := range want {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if res.Header.Get("Set-Cookie") != "" {
		t.Error("assets set cookies")
	}
	fonts := regexp.MustCompile(`url\("(/assets/fonts/Vazirmatn-(Regular|Medium|Bold)\.[0-9a-f]{10}\.woff2)"\)`).FindAllStringSubmatch(css, -1)
	if len(fonts) != 3 {
		t.Fatalf("stylesheet names %d hashed fonts, want 3", len(fonts))
	}
	res, font := s.get(t, fonts[0][1])
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "font/woff2" || !strings.HasPrefix(font, "wOF2") {
		t.Errorf("font: status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// A cached copy is revalidated by its ETag.
	req := httptestGet(m[1])
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	if res, _ := s.do(t, req); res.StatusCode != http.StatusNotModified && res.StatusCode != http.StatusOK {
		t.Errorf("conditional request: %d", res.StatusCode)
	}
	for _, bad := range []string{"/assets/css/site.css", "/assets/css/site.0000000000.css", "/assets/fonts/OFL.txt", "/assets/"} {
		if res, _ := s.get(t, bad); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", bad, res.StatusCode)
		}
	}
	// Stylesheets must not need inline styles or scripts: the CSP forbids
	// them, and the page carries none.
	for _, bad := range []string{"<script", " style=", "<style"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
}

func httptestGet(target string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, target, nil)
	req.RemoteAddr = "127.0.0.1:1"
	return req
}
