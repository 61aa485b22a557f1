package exchange

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The provider's request is built from the parsed target URL directly; it
// must reach the same address as a request made with http.NewRequest from
// the URL's text.
func TestTargetAsNewRequest(t *testing.T) {
	var ts targets
	for _, c := range []struct{ base, rest, query string }{
		{"http://provider.test/registry", "", ""},
		{"http://provider.test/registry/", "a/b", "x=1"},
		{"http://provider.test:/registry?k=v", "a b/c%2Fd", "x=1&y=%20"},
		{"https://user:pw@provider.test:8443/a%2Fb", "", "q"},
		{"https://provider.test/a%2Fb", "c", ""},
		{"http://[::1]:/x", "ü/é", ""},
		{"http://provider.test/x?", "", ""},
	} {
		for range 2 { // parsed, then from the cache
			got, err := ts.target(Service{TargetURL: c.base}, c.rest, c.query)
			if err != nil {
				t.Fatalf("%+v: %v", c, err)
			}
			// As the gateway did before: parse, extend, print and parse again.
			u, err := url.Parse(c.base)
			if err != nil {
				t.Fatal(err)
			}
			if c.rest != "" {
				u.Path = strings.TrimRight(u.Path, "/") + "/" + c.rest
			}
			if c.query != "" {
				if u.RawQuery != "" {
					u.RawQuery += "&" + c.query
				} else {
					u.RawQuery = c.query
				}
			}
			want, err := http.NewRequest(http.MethodGet, u.String(), nil)
			if err != nil {
				t.Fatalf("%+v: %v", c, err)
			}
			if got.Host != want.Host || got.RequestURI() != want.URL.RequestURI() || got.Scheme != want.URL.Scheme ||
				got.User.String() != want.URL.User.String() {
				t.Errorf("%+v: got %s %s, want %s %s", c, got.Host, got.RequestURI(), want.Host, want.URL.RequestURI())
			}
		}
	}
}
