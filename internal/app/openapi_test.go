package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/panjereh/panjereh/api"
)

// TestWindowOpenAPIMatchesRoutes: every API route the demo's window
// serves is in api/window.yaml, every operation there is served, and the
// browser endpoints it describes answer.
func TestWindowOpenAPIMatchesRoutes(t *testing.T) {
	ctx := context.Background()
	cfg, db := demoSetup(t)
	st := &stack{servers: []*server{{name: "window", addr: "127.0.0.1:0"}}}
	if err := listen(st.servers); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, s := range st.servers {
			s.ln.Close()
		}
		st.close()
		st.window.Close(context.Background())
	})
	if err := st.startWindow(ctx, cfg, slog.New(slog.DiscardHandler), db, true, io.Discard); err != nil {
		t.Fatal(err)
	}
	problems, err := api.CheckRoutes(api.Window, st.window.APIRoutes())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}

	ops, err := api.Operations(api.Window)
	if err != nil {
		t.Fatal(err)
	}
	h := st.window.Handler()
	for _, o := range ops {
		if !o.Browser {
			continue
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(o.Method, o.Path, nil))
		if rec.Code == http.StatusNotFound || rec.Code == http.StatusMethodNotAllowed {
			t.Errorf("browser endpoint %s %s answered %d", o.Method, o.Path, rec.Code)
		}
	}

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.yaml", nil))
	want, _ := api.Raw(api.Window)
	if body, _ := io.ReadAll(rec.Body); rec.Code != http.StatusOK || string(body) != string(want) {
		t.Errorf("GET /api/openapi.yaml: %d, %d bytes", rec.Code, len(body))
	}
}
