package exchange

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the gateway's Prometheus metrics per service and caller:
// calls by status, latency, and bytes in each direction.
type Metrics struct {
	reg      *prometheus.Registry
	calls    *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	bytesIn  *prometheus.CounterVec
	bytesOut *prometheus.CounterVec

	// series keeps the metrics of each (service, client, status) seen,
	// so that a call costs one map lookup rather than a label hash and
	// lookup per metric.
	mu     sync.RWMutex
	series map[seriesKey]*series
}

type seriesKey struct {
	service, client string
	status          int
}

// series are the metrics one call with a seriesKey adds to.
type series struct {
	calls, bytesIn, bytesOut prometheus.Counter
	latency                  prometheus.Observer
}

// maxSeries bounds the series kept; past it they are looked up afresh.
const maxSeries = 10000

// NewMetrics returns the gateway's metrics in a registry of their own,
// with the Go runtime's and the process's metrics beside them.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nix_calls_total", Help: "Calls through the exchange gateway by service, calling member and status.",
		}, []string{"service", "client", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "nix_call_duration_seconds", Help: "Time from a call's arrival to its record in the message log, by service.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}, []string{"service"}),
		bytesIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nix_request_bytes_total", Help: "Request body bytes sent to providers, by service and calling member.",
		}, []string{"service", "client"}),
		bytesOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nix_response_bytes_total", Help: "Response body bytes returned to callers, by service and calling member.",
		}, []string{"service", "client"}),
	}
	m.reg.MustRegister(m.calls, m.latency, m.bytesIn, m.bytesOut,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe counts one recorded call. Errors are the calls whose status is
// 400 or more; the client label is the calling member, so that the
// number of series stays bounded by the members.
func (m *Metrics) observe(rec msglog.Record) {
	s := m.seriesOf(seriesKey{rec.Service, rec.Client, rec.Status})
	s.calls.Inc()
	s.latency.Observe(rec.Duration.Seconds())
	s.bytesIn.Add(float64(rec.RequestBytes))
	s.bytesOut.Add(float64(rec.ResponseBytes))
}

func (m *Metrics) seriesOf(k seriesKey) *series {
	m.mu.RLock()
	s, ok := m.series[k]
	m.mu.RUnlock()
	if ok {
		return s
	}
	client := memberOf(k.client)
	if client == "" {
		client = "unidentified"
	}
	s = &series{
		calls:    m.calls.WithLabelValues(k.service, client, strconv.Itoa(k.status)),
		latency:  m.latency.WithLabelValues(k.service),
		bytesIn:  m.bytesIn.WithLabelValues(k.service, client),
		bytesOut: m.bytesOut.WithLabelValues(k.service, client),
	}
	m.mu.Lock()
	if m.series == nil || len(m.series) >= maxSeries {
		m.series = map[seriesKey]*series{}
	}
	m.series[k] = s
	m.mu.Unlock()
	return s
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
