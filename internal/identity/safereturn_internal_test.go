package identity

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestSafeReturn: a return address stays on the window, as a browser
// reads the Location that http.Redirect makes of it: a backslash is a
// slash to a browser, and tabs and line breaks are dropped.
func TestSafeReturn(t *testing.T) {
	for _, tc := range []struct {
		in   string
		keep bool
	}{
		{"/account", true},
		{"/account/sessions?x=1", true},
		{"/services/a/b#top", true},
		{"/oauth2/login?id=abc%2Fdef", true},
		{"", false},
		{"account", false},
		{"//evil.example/x", false},
		{"/\\evil.example/x", false},
		{"/./\\evil.example/x", false},
		{"/a/../\\evil.example", false},
		{"/%5Cevil.example", false},
		{"/%5cevil.example", false},
		{"/\t/evil.example", false},
		{"/\n/evil.example", false},
		{"/\r/evil.example", false},
		{"https://evil.example/", false},
		{"javascript:alert(1)", false},
		{"/x\x00y", false},
	} {
		got := safeReturn(tc.in)
		if (got != "") != tc.keep {
			t.Errorf("safeReturn(%q) = %q, want kept %v", tc.in, got, tc.keep)
		}
		if got == "" {
			continue
		}
		rec := httptest.NewRecorder()
		http.Redirect(rec, httptest.NewRequest(http.MethodPost, "/login/code", nil), got, http.StatusSeeOther)
		loc := rec.Header().Get("Location")
		browser := strings.NewReplacer("\\", "/", "\t", "", "\n", "", "\r", "").Replace(loc)
		base, _ := url.Parse("https://window.example/login/code")
		u, err := base.Parse(browser)
		if err != nil || u.Host != "window.example" {
			t.Errorf("safeReturn(%q) = %q: the browser goes to %v (%v)", tc.in, got, u, err)
		}
	}
}
