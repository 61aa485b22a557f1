package exchange_test

import (
	"net/http"
	"strings"
	"testing"
)

// monitor is a member whose certificates only scrape the metrics.
const monitor = "IR/GOV/ito-monitor"

// TestMonitorReadsMetricsOnly: a monitor's certificate reads GET /metrics
// as an operator's does, and is refused what only operators may do; a
// member that is neither is refused the metrics with the bilingual 403.
func TestMonitorReadsMetricsOnly(t *testing.T) {
	w := newWorld(t)
	w.gw.Monitors = []string{monitor}
	mon, _ := w.client(t, monitor)
	win, _ := w.client(t, window)
	stranger, _ := w.client(t, civil)
	right := `{"client":"` + window + `/portal","service":"` + identity + `"}`
	for _, tc := range []struct {
		name         string
		client       *http.Client
		method, path string
		body         string
		wantStatus   int
		wantText     []string
	}{
		{"a monitor reads the metrics", mon, "GET", "/metrics", "", 200, []string{"go_goroutines"}},
		{"an operator reads the metrics", win, "GET", "/metrics", "", 200, []string{"go_goroutines"}},
		{"a stranger is refused the metrics", stranger, "GET", "/metrics", "", 403, []string{`"code":"not-operator"`,
			civil + " is neither an operator nor a monitor of the exchange.", civil + " نه گردانندهٔ مرکز تبادل است و نه پایشگر آن."}},
		{"a monitor grants no right", mon, "PUT", "/api/v1/exchange/rights", right, 403, []string{`"code":"not-operator"`, monitor + " is not an operator"}},
		{"a monitor revokes no right", mon, "DELETE", "/api/v1/exchange/rights?client=" + window + "/portal&service=" + identity, "", 403, []string{`"code":"not-operator"`}},
		{"a monitor registers no member", mon, "PUT", "/api/v1/exchange/members/IR/GOV/1234", `{"name":"x"}`, 403, []string{`"code":"not-operator"`}},
		{"a monitor reads no index", mon, "GET", "/api/v1/exchange/subjects/0012345679/accesses", "", 403, []string{`"code":"not-operator"`}},
		{"a monitor reads no rights audit", mon, "GET", "/api/v1/exchange/rights/audit", "", 403, []string{`"code":"not-operator"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, tc.client, tc.method, w.srv.URL+tc.path, nil, tc.body)
			if r.status != tc.wantStatus {
				t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, r.status, r.body, tc.wantStatus)
			}
			for _, want := range tc.wantText {
				if !strings.Contains(r.body, want) {
					t.Errorf("%s %s: the answer lacks %q:\n%s", tc.method, tc.path, want, r.body)
				}
			}
		})
	}
	members, err := w.st.Members(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if m.ID == "IR/GOV/1234" {
			t.Error("a monitor registered a member")
		}
	}
	if audit, err := w.st.Audit(t.Context(), 10); err != nil || len(audit) != 0 {
		t.Errorf("a monitor changed rights: %v, %v", audit, err)
	}
}
