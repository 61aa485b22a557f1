package app

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/panjereh/panjereh/internal/config"
)

// waits is a value that logs itself as a group of durations.
type waits struct{ queue, sync time.Duration }

func (w waits) LogValue() slog.Value {
	return slog.GroupValue(slog.Duration("queue", w.queue), slog.Duration("sync", w.sync))
}

// TestLogDurations: durations are written as Go's duration text, in JSON
// as in text, at the top level, in groups and nested groups, in
// attributes added with With, and from a LogValuer.
func TestLogDurations(t *testing.T) {
	logLine := func(t *testing.T, format string) string {
		t.Helper()
		cfg := config.Default()
		cfg.LogFormat = format
		var buf bytes.Buffer
		log := newLogger(cfg, &buf).With("timeout", 15*time.Second).WithGroup("call")
		log.Info("answered", slog.Duration("took", 1500*time.Millisecond),
			slog.Group("provider", slog.Any("wait", 250*time.Millisecond), slog.Group("tls", slog.Duration("handshake", 3*time.Millisecond))),
			"log", waits{queue: 500 * time.Microsecond, sync: 2 * time.Millisecond}, "count", 3)
		return buf.String()
	}

	var got map[string]any
	line := logLine(t, "json")
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("%v: %s", err, line)
	}
	delete(got, "time")
	want := map[string]any{"level": "INFO", "msg": "answered", "timeout": "15s", "call": map[string]any{
		"took": "1.5s", "count": float64(3),
		"provider": map[string]any{"wait": "250ms", "tls": map[string]any{"handshake": "3ms"}},
		"log":      map[string]any{"queue": "500µs", "sync": "2ms"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON line (-want +got):\n%s", diff)
	}

	line = logLine(t, "text")
	for _, w := range []string{" timeout=15s ", " call.took=1.5s ", " call.provider.wait=250ms ", " call.provider.tls.handshake=3ms ",
		" call.log.queue=500µs ", " call.log.sync=2ms ", " call.count=3"} {
		if !strings.Contains(line, w) {
			t.Errorf("text line lacks %q: %s", w, line)
		}
	}
}
