package exchange_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/exchange/pki"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// The benchmarks below measure the gateway's own work per call, in one
// process and without the network: the handler with its middleware, the
// checks, header handling, filtering, metrics and record building. The
// message log, which has benchmarks of its own, and the provider, which
// is not the gateway's, are replaced by an in-memory log and a
// RoundTripper that answers at once; the TLS connection is replaced by
// its state, carrying a real member certificate.

// memLog numbers records in memory.
type memLog struct{ seq atomic.Uint64 }

func (l *memLog) Append(_ context.Context, rec msglog.Record) (msglog.Record, error) {
	rec.Seq = l.seq.Add(1)
	return rec, nil
}

// cannedProvider answers every request with the benchmark backend's JSON.
type cannedProvider struct{ answer []byte }

func (p cannedProvider) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		StatusCode:    http.StatusOK,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}, "Content-Length": {"92"}},
		Body:          io.NopCloser(bytes.NewReader(p.answer)),
		ContentLength: int64(len(p.answer)),
		Request:       r,
	}, nil
}

// handlerBench is a gateway handler and a request maker for it.
type handlerBench struct {
	h     http.Handler
	state *tls.ConnectionState
	url   string
}

func newHandlerBench(b *testing.B, items exchange.Items) handlerBench {
	ctx := context.Background()
	now := time.Now()
	db := sqldbtest.Open(b)
	st := benchRegistry(b, db, "http://provider.test/registry", items)
	ca := benchCA(b)
	certs := &pki.Store{DB: db}
	id, err := pki.ParseMemberID(window)
	if err != nil {
		b.Fatal(err)
	}
	certPEM, _, _, err := ca.IssueMember(id, now)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := certs.RecordIssued(ctx, certPEM, now); err != nil {
		b.Fatal(err)
	}
	cert, err := pki.ParseCertificatePEM(certPEM)
	if err != nil {
		b.Fatal(err)
	}
	gw := &exchange.Gateway{
		Store:       st,
		Auth:        exchange.CertAuth{Authenticator: &pki.Authenticator{CA: ca.Cert, Revoked: pki.NewRevocationCache(certs, pki.CacheOptions{})}},
		AuthProblem: pki.ProblemFor,
		Log:         &memLog{},
		Operators:   []string{window},
		Transport:   cannedProvider{answer: []byte(benchAnswer)},
		Limiter:     exchange.NewLimiter(1e9, 1e9),
		Timeout:     5 * time.Second,
		CacheTTL:    time.Minute,
		Metrics:     exchange.NewMetrics(),
	}
	h, err := gw.Handler()
	if err != nil {
		b.Fatal(err)
	}
	return handlerBench{h: h, state: &tls.ConnectionState{Version: tls.VersionTLS13, HandshakeComplete: true,
		PeerCertificates: []*x509.Certificate{cert}}, url: "https://gateway.test/r1/" + identity + "/lookup"}
}

// serve makes one call and checks its answer.
func (hb handlerBench) serve(b *testing.B, headers http.Header, wantBody string) {
	req, err := http.NewRequest(http.MethodPost, hb.url, strings.NewReader(benchBody))
	if err != nil {
		b.Fatal(err)
	}
	req.Header = headers.Clone()
	req.RemoteAddr = "127.0.0.1:40000"
	req.TLS = hb.state
	rec := httptest.NewRecorder()
	hb.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Body.String() != wantBody {
		b.Fatalf("got %d %s, want 200 %s", rec.Code, rec.Body, wantBody)
	}
}

func benchmarkHandler(b *testing.B, items exchange.Items, wantBody string) {
	hb := newHandlerBench(b, items)
	headers := benchHeaders()
	hb.serve(b, headers, wantBody)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			hb.serve(b, headers, wantBody)
		}
	})
}

func BenchmarkGatewayHandler(b *testing.B) {
	benchmarkHandler(b, exchange.Items{"name", "nin"}, `{"name":"علی","nin":"0012345679"}`)
}

func BenchmarkGatewayHandlerNoFilter(b *testing.B) {
	benchmarkHandler(b, nil, `{"name":"علی","family":"رضایی","fatherName":"حسین","nin":"0012345679","echo":""}`)
}
