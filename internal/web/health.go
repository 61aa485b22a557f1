package web

import (
	"context"
	"net/http"
	"time"
)

// health answers GET /healthz with the state of the database.
func (m *Mux) health(w http.ResponseWriter, r *http.Request) {
	type report struct {
		Status  string `json:"status"`
		DB      string `json:"db"`
		Version string `json:"version,omitempty"`
		Time    string `json:"time"`
	}
	rep := report{Status: "ok", DB: "none", Version: m.opts.Version, Time: m.now().UTC().Format(time.RFC3339)}
	if m.opts.DB != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := m.opts.DB.Ping(ctx); err != nil {
			m.log.ErrorContext(r.Context(), "health: database ping failed", "err", err)
			p := NewProblem(http.StatusServiceUnavailable, "db-unavailable",
				"The database does not answer.", "پایگاه داده پاسخ نمی‌دهد.")
			WriteProblem(w, r, p)
			return
		}
		rep.DB = "ok"
	}
	w.Header().Set("Cache-Control", "no-store")
	WriteJSON(w, http.StatusOK, rep)
}
