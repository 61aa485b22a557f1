package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"time"

	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/sqldb"
)

func runBench(ctx context.Context, e env, args []string) int {
	var (
		url         string
		duration    time.Duration
		concurrency int
	)
	cfg, pos, code, ok := parse(e, "bench", "[--duration 10s] [--concurrency 4] [--url URL]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&url, "url", "", "base URL of a running registry server; empty starts one on 127.0.0.1 over the configured database")
		fs.DurationVar(&duration, "duration", 10*time.Second, "how long to load (at most 5m)")
		fs.IntVar(&concurrency, "concurrency", 4, "concurrent keep-alive connections (1..512)")
	}, "data-dir", "dsn", "log-level", "log-format")
	if !ok {
		return code
	}
	if !noArgs(e, "bench", pos) {
		return 2
	}
	if duration <= 0 || duration > 5*time.Minute || concurrency < 1 || concurrency > 512 {
		fmt.Fprintln(e.stderr, "panjereh bench: --duration must be in (0, 5m] and --concurrency in [1, 512]")
		return 2
	}
	log := newLogger(cfg, e.stderr)
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		fmt.Fprintf(e.stderr, "panjereh bench: %v\n", err)
		return 1
	}
	defer db.Close()
	if _, err := sqldb.GetMeta(ctx, db.Read, metaSeed); errors.Is(err, sqldb.ErrNotFound) {
		fmt.Fprintln(e.stderr, "panjereh bench: the registries are empty; run `panjereh seed --persons N` first")
		return 1
	}
	if url == "" {
		h, err := registryHandler(ctx, db, log)
		if err != nil {
			fmt.Fprintf(e.stderr, "panjereh bench: %v\n", err)
			return 1
		}
		s := &server{name: "registry", addr: "127.0.0.1:0", handler: h}
		if err := listen([]*server{s}); err != nil {
			fmt.Fprintf(e.stderr, "panjereh bench: %v\n", err)
			return 1
		}
		hs := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
		go hs.Serve(s.ln)
		defer hs.Close()
		url = s.url
	}
	fmt.Fprintf(e.stdout, "loading %s for %s with %d connections...\n", url, duration, concurrency)
	keys, err := registry.SampleKeys(ctx, db, 10000)
	if err != nil {
		fmt.Fprintf(e.stderr, "panjereh bench: %v\n", err)
		return 1
	}
	res, err := registry.RunLoad(ctx, registry.LoadOptions{
		BaseURL:     url,
		Duration:    duration,
		Concurrency: concurrency,
		Keys:        keys,
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "panjereh bench: %v\n", err)
		return 1
	}
	fmt.Fprintln(e.stdout, res.String())
	return 0
}
