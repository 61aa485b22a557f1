package exchange

import (
	"net/http"
	"strconv"

	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/prometheus/client_golang/prometheus"
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
}

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
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// observe counts one recorded call. Errors are the calls whose status is
// 400 or more; the client label is the calling member, so that the
// number of series stays bounded by the members.
func (m *Metrics) observe(rec msglog.Record) {
	client := memberOf(rec.Client)
	if client == "" {
		client = "unidentified"
	}
	m.calls.WithLabelValues(rec.Service, client, strconv.Itoa(rec.Status)).Inc()
	m.latency.WithLabelValues(rec.Service).Observe(rec.Duration.Seconds())
	m.bytesIn.WithLabelValues(rec.Service, client).Add(float64(rec.RequestBytes))
	m.bytesOut.WithLabelValues(rec.Service, client).Add(float64(rec.ResponseBytes))
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
