package site_test

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkPages serves each page type to 100 concurrent keep-alive
// clients on 127.0.0.1 and reports the p50 and p95 time to the whole
// answer as the clients saw it, the p95 of the server's own time for the
// page (its Server-Timing header: from the request's arrival to the page
// rendered), and the page's size (J4: server time p95 under 20 ms, under
// 100 KB).
func BenchmarkPages(b *testing.B) {
	e := newEnv(b)
	sv := e.service(b, "sabteahval")
	pages := []struct{ name, path string }{
		{"home", "/"},
		{"search", "/services?q=" + url.QueryEscape("گواهی نامه رانندگی")},
		{"search-typo", "/services?q=" + url.QueryEscape("گذرنامع")},
		{"service", "/services/" + sv.ID},
		{"agency", "/agencies/sabteahval"},
		{"life-event", "/life-events/" + e.c.LifeEvents[0].Key},
		{"licences", "/licences"},
		{"licence", "/licences/" + e.c.Licences[0].ID},
		{"api-search", "/api/v1/services?lang=fa&q=" + url.QueryEscape("کارت ملی")},
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 128}
	b.Cleanup(tr.CloseIdleConnections)
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			var size atomic.Int64
			var mu sync.Mutex
			var lat, server []time.Duration
			b.SetParallelism(50) // 100 clients on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				mine := make([]time.Duration, 0, 256)
				srv := make([]time.Duration, 0, 256)
				for pb.Next() {
					t0 := time.Now()
					res, err := tr.RoundTrip(mustReq(e.url + p.path))
					if err != nil {
						b.Error(err)
						return
					}
					n, _ := io.Copy(io.Discard, res.Body)
					res.Body.Close()
					mine = append(mine, time.Since(t0))
					if ms, ok := strings.CutPrefix(res.Header.Get("Server-Timing"), "app;dur="); ok {
						f, _ := strconv.ParseFloat(ms, 64)
						srv = append(srv, time.Duration(f*float64(time.Millisecond)))
					}
					if res.StatusCode != http.StatusOK {
						b.Errorf("%s: %d", p.path, res.StatusCode)
						return
					}
					size.Store(n)
				}
				mu.Lock()
				lat = append(lat, mine...)
				server = append(server, srv...)
				mu.Unlock()
			})
			b.StopTimer()
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
			}
			slices.Sort(server)
			if len(server) > 0 {
				b.ReportMetric(float64(server[len(server)*95/100].Microseconds())/1000, "server-p95-ms")
			}
			b.ReportMetric(float64(size.Load())/1024, "KB")
		})
	}
}

func mustReq(u string) *http.Request {
	r, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		panic(err)
	}
	return r
}
