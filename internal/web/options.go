package web

import (
	"log/slog"
	"net/netip"
	"os"
	"runtime/debug"
	"slices"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web/geoip"
)

// Options are a Mux's dependencies and settings. The zero value of every
// field but DB has a usable default; without a DB, visitor statistics are
// kept in memory only and /healthz reports no database.
type Options struct {
	// Logger receives access logs and errors. New wraps its handler in a
	// ContextHandler. Nil discards.
	Logger *slog.Logger
	// DB stores visitor statistics and is pinged by /healthz, which
	// answers 503 when it does not answer.
	DB *sqldb.DB
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Dev marks a development instance: pages carry a banner saying so.
	Dev bool
	// Version is shown in the footer and reported by /healthz.
	Version string
	// TrustedProxies lists the networks of reverse proxies whose
	// X-Forwarded-For and X-Forwarded-Proto headers are believed.
	TrustedProxies []netip.Prefix
	// Updated is the last-updated date of pages that do not declare their
	// own; zero means the build's commit time, else the executable's
	// modification time.
	Updated time.Time
	// GeoIP finds visitors' countries; nil means the embedded database.
	GeoIP *geoip.DB
	// StatsFlushInterval is how often visitor counts go to the database;
	// zero means five seconds.
	StatsFlushInterval time.Duration
	// AccessLogLevel is the level of the access log's line for each
	// request that did not fail with a 5xx (those are errors); the zero
	// value is Info. A server that keeps its own record of every request,
	// such as the exchange gateway, logs them at Debug.
	AccessLogLevel slog.Level
	// APIPrefixes are the path prefixes whose requests are answered as an
	// API even when no route matches (errors as problem+json); nil means
	// "/api/". A server of APIs alone uses "/".
	APIPrefixes []string
	// OnlineWindow is how recently a visitor must have been seen to count
	// as online; zero means five minutes.
	OnlineWindow time.Duration
	// Checks are the components /healthz reports beside the database,
	// each called at every request to it. A component that does not work
	// makes the report "degraded" but leaves it 200. Each needs a name of
	// its own and a Check; New refuses them otherwise.
	Checks []HealthCheck
}

func (o *Options) setDefaults() {
	if o.Logger == nil {
		o.Logger = discardLogger()
	}
	o.Logger = slog.New(NewContextHandler(o.Logger.Handler()))
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Updated.IsZero() {
		o.Updated = buildTime()
	}
	if o.APIPrefixes == nil {
		o.APIPrefixes = []string{"/api/"}
	}
	if o.StatsFlushInterval <= 0 {
		o.StatsFlushInterval = 5 * time.Second
	}
	if o.OnlineWindow <= 0 {
		o.OnlineWindow = 5 * time.Minute
	}
	o.Checks = slices.Clone(o.Checks)
}

// buildTime is the commit time recorded in the binary, or failing that
// the executable's modification time, or failing that now.
func buildTime() time.Time {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.time" {
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					return t
				}
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			return fi.ModTime()
		}
	}
	return time.Now()
}
