package web

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// HealthCheck is a component whose state GET /healthz reports beside the
// database's, such as the SMS outbox. It is called on every request to
// /healthz, so it reads the component's state as it is at that moment.
type HealthCheck struct {
	// Name is the component's key in the report's checks, such as "sms".
	Name string
	// Check returns the component's state. Its context ends two seconds
	// after /healthz began to answer, a time the database's ping and
	// every check share; it must return by then.
	Check func(ctx context.Context) ComponentHealth
}

// ComponentHealth is a component's state in /healthz's report. Whoever
// reaches /healthz reads all of it: it must name no secret.
type ComponentHealth struct {
	// Status is "ok" while the component works, otherwise a word for how
	// it does not, such as "unavailable"; empty means "ok".
	Status string
	// Since is when the component stopped working, when known.
	Since time.Time
	// Error is the technical cause, for operators.
	Error string
	// Detail and DetailFa say in English and Persian what the trouble
	// means for the people the platform serves.
	Detail, DetailFa string
	// Details are further facts for monitoring, such as the length of a
	// queue; each value must encode as JSON.
	Details map[string]any
}

// OK reports whether the state is that of a working component.
func (c ComponentHealth) OK() bool { return c.Status == "" || c.Status == "ok" }

// healthTimeout bounds the database's ping and the checks together, so
// that /healthz answers within it.
const healthTimeout = 2 * time.Second

// checkHealthChecks refuses checks that /healthz could not report apart.
func checkHealthChecks(checks []HealthCheck) error {
	seen := make(map[string]bool, len(checks))
	for i, c := range checks {
		switch {
		case c.Name == "":
			return fmt.Errorf("web: health check %d has no name", i)
		case c.Check == nil:
			return fmt.Errorf("web: health check %q has no Check", c.Name)
		case seen[c.Name]:
			return fmt.Errorf("web: two health checks are named %q", c.Name)
		}
		seen[c.Name] = true
	}
	return nil
}

// health answers GET /healthz with the state of the database and of the
// components in Options.Checks. A database that does not answer makes it
// 503, so that a load balancer stops sending the node requests it cannot
// serve. A component that does not work makes the report "degraded" but
// leaves it 200: the components checked (the SMS provider) are shared by
// every node, so taking this node out would not help, and taking them
// all out would take the whole site down with them. Monitoring alerts on
// "degraded".
func (m *Mux) health(w http.ResponseWriter, r *http.Request) {
	type component struct {
		Status   string         `json:"status"`
		Since    string         `json:"since,omitempty"`
		Error    string         `json:"error,omitempty"`
		Detail   string         `json:"detail,omitempty"`
		DetailFa string         `json:"detail_fa,omitempty"`
		Details  map[string]any `json:"details,omitempty"`
	}
	type report struct {
		Status  string               `json:"status"`
		DB      string               `json:"db"`
		Version string               `json:"version,omitempty"`
		Time    string               `json:"time"`
		Checks  map[string]component `json:"checks,omitempty"`
	}
	rep := report{Status: "ok", DB: "none", Version: m.opts.Version, Time: m.now().UTC().Format(time.RFC3339)}
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	if m.opts.DB != nil {
		if err := m.opts.DB.Ping(ctx); err != nil {
			m.log.ErrorContext(r.Context(), "health: database ping failed", "err", err)
			p := NewProblem(http.StatusServiceUnavailable, "db-unavailable",
				"The database does not answer.", "پایگاه داده پاسخ نمی‌دهد.")
			WriteProblem(w, r, p)
			return
		}
		rep.DB = "ok"
	}
	if len(m.opts.Checks) > 0 {
		rep.Checks = make(map[string]component, len(m.opts.Checks))
	}
	for _, hc := range m.opts.Checks {
		c := hc.Check(ctx)
		out := component{Status: c.Status, Error: c.Error, Detail: c.Detail, DetailFa: c.DetailFa, Details: c.Details}
		if c.OK() {
			out.Status = "ok"
		} else {
			rep.Status = "degraded"
		}
		if !c.Since.IsZero() {
			out.Since = c.Since.UTC().Format(time.RFC3339)
		}
		rep.Checks[hc.Name] = out
	}
	w.Header().Set("Cache-Control", "no-store")
	WriteJSON(w, http.StatusOK, rep)
}
