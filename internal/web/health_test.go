package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/panjereh/panjereh/internal/web"
)

// healthReport is GET /healthz's answer as a monitor reads it.
type healthReport struct {
	Status string                     `json:"status"`
	DB     string                     `json:"db"`
	Checks map[string]json.RawMessage `json:"checks"`
}

func withChecks(checks ...web.HealthCheck) func(*web.Options) {
	return func(o *web.Options) { o.Checks = checks }
}

func fixed(c web.ComponentHealth) func(context.Context) web.ComponentHealth {
	return func(context.Context) web.ComponentHealth { return c }
}

func TestHealthReportsChecks(t *testing.T) {
	down := web.ComponentHealth{
		Status:   "unavailable",
		Since:    time.Date(2025, 3, 21, 12, 0, 0, 0, time.FixedZone("IRST", 3*3600+1800)),
		Error:    `smpp: bind to 10.0.0.5:2775 as "panjereh": smpp: bind_transmitter_resp: ESME_RINVPASWD (0x0e)`,
		Detail:   "No SMS can be sent.",
		DetailFa: "هیچ پیامکی فرستاده نمی‌شود.",
		Details:  map[string]any{"queued": 3},
	}
	for _, tc := range []struct {
		name       string
		checks     []web.HealthCheck
		status     int
		want       healthReport
		wantChecks map[string]string
	}{
		{name: "no checks", status: 200, want: healthReport{Status: "ok", DB: "ok"}},
		{name: "working components", status: 200,
			checks: []web.HealthCheck{
				{Name: "sms", Check: fixed(web.ComponentHealth{Status: "ok", Details: map[string]any{"queued": 0}})},
				{Name: "mail", Check: fixed(web.ComponentHealth{})},
			},
			want: healthReport{Status: "ok", DB: "ok"},
			wantChecks: map[string]string{
				"sms":  `{"status":"ok","details":{"queued":0}}`,
				"mail": `{"status":"ok"}`,
			}},
		{name: "a component down degrades but stays 200", status: 200,
			checks: []web.HealthCheck{
				{Name: "sms", Check: fixed(down)},
				{Name: "mail", Check: fixed(web.ComponentHealth{Status: "ok"})},
			},
			want: healthReport{Status: "degraded", DB: "ok"},
			wantChecks: map[string]string{
				"sms": `{"status":"unavailable","since":"2025-03-21T08:30:00Z",` +
					`"error":"smpp: bind to 10.0.0.5:2775 as \"panjereh\": smpp: bind_transmitter_resp: ESME_RINVPASWD (0x0e)",` +
					`"detail":"No SMS can be sent.","detail_fa":"هیچ پیامکی فرستاده نمی‌شود.","details":{"queued":3}}`,
				"mail": `{"status":"ok"}`,
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newShell(t, nil, withChecks(tc.checks...))
			res, body := s.get(t, "/healthz")
			if res.StatusCode != tc.status {
				t.Errorf("status %d, want %d", res.StatusCode, tc.status)
			}
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			var got healthReport
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			checks := map[string]string{}
			for name, raw := range got.Checks {
				checks[name] = string(raw)
			}
			got.Checks = nil
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
			if len(tc.wantChecks) == 0 {
				tc.wantChecks = map[string]string{}
			}
			if diff := cmp.Diff(tc.wantChecks, checks); diff != "" {
				t.Errorf("checks (-want +got):\n%s", diff)
			}
		})
	}
}

// A check is asked at every request, with a deadline, so /healthz tells
// the moment a component stops or starts working again.
func TestHealthAsksChecksAtEachRequest(t *testing.T) {
	var broken atomic.Bool
	check := web.HealthCheck{Name: "sms", Check: func(ctx context.Context) web.ComponentHealth {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the check's context has no deadline")
		}
		if broken.Load() {
			return web.ComponentHealth{Status: "unavailable", Error: "refused"}
		}
		return web.ComponentHealth{Status: "ok"}
	}}
	s := newShell(t, nil, withChecks(check))
	for _, step := range []struct {
		broken bool
		want   string
	}{
		{false, `"status":"ok"`},
		{true, `"status":"degraded"`},
		{false, `"status":"ok"`},
	} {
		broken.Store(step.broken)
		res, body := s.get(t, "/healthz")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(body, "{"+step.want) {
			t.Errorf("broken=%v: %d %s, want 200 starting with %s", step.broken, res.StatusCode, body, step.want)
		}
	}
}

// A database that does not answer still makes /healthz 503, whatever the
// components say: that node cannot serve.
func TestHealthDatabaseDownIs503(t *testing.T) {
	asked := false
	s := newShell(t, nil, withChecks(web.HealthCheck{Name: "sms", Check: func(context.Context) web.ComponentHealth {
		asked = true
		return web.ComponentHealth{Status: "unavailable"}
	}}))
	s.db.Close()
	res, body := s.get(t, "/healthz")
	var got web.Problem
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if res.StatusCode != http.StatusServiceUnavailable || got.Code != "db-unavailable" {
		t.Errorf("%d %s, want 503 db-unavailable", res.StatusCode, body)
	}
	if asked {
		t.Error("the components were asked although the database is down")
	}
}

func TestHealthChecksMustBeDistinct(t *testing.T) {
	ok := fixed(web.ComponentHealth{})
	for _, tc := range []struct {
		name   string
		checks []web.HealthCheck
		want   string
	}{
		{"unnamed", []web.HealthCheck{{Check: ok}}, "health check 0 has no name"},
		{"no function", []web.HealthCheck{{Name: "sms"}}, `health check "sms" has no Check`},
		{"twice", []web.HealthCheck{{Name: "sms", Check: ok}, {Name: "sms", Check: ok}}, `two health checks are named "sms"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := web.New(web.Options{Checks: tc.checks})
			if err == nil {
				m.Close(context.Background())
				t.Fatal("New accepted the checks")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New refused the checks with %v, want %q", err, tc.want)
			}
		})
	}
}
