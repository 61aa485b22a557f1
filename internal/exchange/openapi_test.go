package exchange_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/panjereh/panjereh/api"
	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/web"
)

// TestOpenAPIMatchesRoutes: every route the gateway serves is in
// api/exchange.yaml, and every operation there is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	m, err := web.New(web.Options{Logger: slog.New(slog.DiscardHandler), APIPrefixes: []string{"/"}})
	if err != nil {
		t.Fatal(err)
	}
	m.Mount(&exchange.Gateway{})
	problems, err := api.CheckRoutes(api.Exchange, m.APIRoutes())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.yaml", nil))
	want, _ := api.Raw(api.Exchange)
	if body, _ := io.ReadAll(rec.Body); rec.Code != http.StatusOK || string(body) != string(want) ||
		rec.Header().Get("Content-Type") != "application/yaml" {
		t.Errorf("GET /openapi.yaml: %d %s, %d bytes", rec.Code, rec.Header().Get("Content-Type"), len(body))
	}
}
