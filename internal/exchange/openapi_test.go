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

// TestReportsWithoutIndex: a gateway that keeps no index of its log says
// so for both questions only the index answers.
func TestReportsWithoutIndex(t *testing.T) {
	w := newWorld(t)
	w.gw.Index = nil
	win, _ := w.client(t, window)
	for _, path := range []string{"/api/v1/exchange/reports/monthly?month=1405-09", "/api/v1/exchange/subjects/0012345679/accesses"} {
		if r := do(t, win, "GET", w.srv.URL+path, nil, ""); r.status != http.StatusServiceUnavailable || r.json["code"] != "no-index" {
			t.Errorf("GET %s: %d %s, want 503 no-index", path, r.status, r.body)
		}
	}
}
