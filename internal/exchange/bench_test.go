package exchange_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/benchtest"
	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/exchange/pki"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/nix"
)

// The benchmarks below compare, on the same machine and in one run, the
// gateway with a bare httputil.ReverseProxy on the same TLS 1.3 setup
// (server certificate and member client certificate from one CA), the
// same keep-alive clients and the same trivial JSON backend.

// benchClients is the number of concurrent keep-alive callers.
const benchClients = 32

const benchBody = `{"nin":"0012345679"}`

// benchAnswer is the provider's answer in every benchmark.
const benchAnswer = `{"name":"علی","family":"رضایی","fatherName":"حسین","nin":"0012345679","echo":""}`

// benchRegistry registers the window and the civil registry, publishes
// the identity service at target and grants the window's portal items of
// it (nil: every item).
func benchRegistry(tb testing.TB, db *sqldb.DB, target string, items exchange.Items) *exchange.Store {
	ctx := context.Background()
	now := time.Now()
	st := &exchange.Store{DB: db}
	for _, m := range []exchange.Member{{ID: window, NameFa: "پنجره", NameEn: "Window"}, {ID: civil, NameFa: "ثبت", NameEn: "Civil"}} {
		if err := st.AddMember(ctx, m, now); err != nil {
			tb.Fatal(err)
		}
	}
	client, err := nix.ParseSubsystem(window + "/portal")
	if err != nil {
		tb.Fatal(err)
	}
	svc, err := nix.ParseService(identity)
	if err != nil {
		tb.Fatal(err)
	}
	for _, s := range []exchange.Subsystem{client, svc.Subsystem} {
		if err := st.AddSubsystem(ctx, s, now); err != nil {
			tb.Fatal(err)
		}
	}
	if err := st.Publish(ctx, exchange.Service{ID: svc, TitleFa: "هویت", TitleEn: "Identity", TargetURL: target,
		Items: exchange.Items{"name", "family", "fatherName", "nin", "echo"}}, now); err != nil {
		tb.Fatal(err)
	}
	if err := st.Grant(ctx, "bench", client, svc, items, now); err != nil {
		tb.Fatal(err)
	}
	return st
}

// benchBackend answers every call with the same small JSON document.
func benchBackend(tb testing.TB) *httptest.Server {
	answer := []byte(benchAnswer)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		rw.Header().Set("Content-Type", "application/json")
		_, _ = rw.Write(answer)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// benchTransport is the keep-alive transport used for every hop.
func benchTransport(tlsConf *tls.Config) *http.Transport {
	return &http.Transport{TLSClientConfig: tlsConf, MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024,
		IdleConnTimeout: time.Minute}
}

// benchTarget is a TLS server in front of the backend and a member's
// client for it.
type benchTarget struct {
	url     string
	client  *http.Client
	headers http.Header
}

// benchTLS starts h on 127.0.0.1 with TLS 1.3 and a certificate from ca,
// and returns a client presenting a fresh certificate of window.
func benchTLS(tb testing.TB, ca *pki.CA, certs *pki.Store, h http.Handler) (*httptest.Server, *http.Client) {
	now := time.Now()
	certPEM, keyPEM, err := ca.IssueServer([]string{"127.0.0.1"}, now)
	if err != nil {
		tb.Fatal(err)
	}
	serverCert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = pki.ServerTLSConfig(ca.Cert, serverCert)
	srv.StartTLS()
	tb.Cleanup(srv.Close)

	id, err := pki.ParseMemberID(window)
	if err != nil {
		tb.Fatal(err)
	}
	certPEM, keyPEM, _, err = ca.IssueMember(id, now)
	if err != nil {
		tb.Fatal(err)
	}
	if certs != nil {
		if _, err := certs.RecordIssued(context.Background(), certPEM, now); err != nil {
			tb.Fatal(err)
		}
	}
	dir := tb.TempDir()
	if err := pki.WriteMemberFiles(dir, certPEM, keyPEM, ca.CertPEM); err != nil {
		tb.Fatal(err)
	}
	cfg, err := nix.LoadTLS(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tr := benchTransport(cfg)
	tb.Cleanup(tr.CloseIdleConnections)
	return srv, &http.Client{Transport: tr}
}

func benchCA(tb testing.TB) *pki.CA {
	ca, err := pki.InitCA(filepath.Join(tb.TempDir(), "ca"), "IR", time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	return ca
}

// benchGateway is a gateway with access checks, a rate limiter that does
// not bite, the durable signed log and a running index, in front of the
// backend. items limits the right; nil grants everything.
func benchGateway(tb testing.TB, items exchange.Items) (benchTarget, *msglog.Log, string) {
	ctx := context.Background()
	backend := benchBackend(tb)
	db := sqldbtest.Open(tb)
	st := benchRegistry(tb, db, backend.URL+"/registry", items)
	ca := benchCA(tb)
	certs := &pki.Store{DB: db}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	logDir := filepath.Join(tb.TempDir(), "log")
	log, err := msglog.Open(logDir, msglog.Options{Signer: key})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { log.Close() })
	index := &exchange.Index{DB: db}
	index.Start(ctx)
	tb.Cleanup(index.Close)
	up := benchTransport(nil)
	tb.Cleanup(up.CloseIdleConnections)
	gw := &exchange.Gateway{
		Store:       st,
		Auth:        exchange.CertAuth{Authenticator: &pki.Authenticator{CA: ca.Cert, Revoked: pki.NewRevocationCache(certs, pki.CacheOptions{})}},
		AuthProblem: pki.ProblemFor,
		Log:         log,
		Index:       index,
		Operators:   []string{window},
		Transport:   up,
		Limiter:     exchange.NewLimiter(1e9, 1e9),
		Timeout:     5 * time.Second,
		CacheTTL:    time.Second,
	}
	h, err := gw.Handler()
	if err != nil {
		tb.Fatal(err)
	}
	srv, c := benchTLS(tb, ca, certs, h)
	return benchTarget{url: srv.URL + "/r1/" + identity + "/lookup", client: c, headers: benchHeaders()}, log, logDir
}

// benchBare is httputil.ReverseProxy on the same TLS setup and backend.
func benchBare(tb testing.TB) benchTarget {
	backend := benchBackend(tb)
	u, err := url.Parse(backend.URL + "/registry")
	if err != nil {
		tb.Fatal(err)
	}
	up := benchTransport(nil)
	tb.Cleanup(up.CloseIdleConnections)
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(u) }, Transport: up}
	srv, c := benchTLS(tb, benchCA(tb), nil, rp)
	return benchTarget{url: srv.URL + "/r1/" + identity + "/lookup", client: c, headers: benchHeaders()}
}

// benchHeaders are the exchange headers every call carries.
func benchHeaders() http.Header {
	h := http.Header{}
	h.Set(nix.HeaderClient, window+"/portal")
	h.Set(nix.HeaderUser, "0012345679")
	h.Set(nix.HeaderAssurance, "loa1")
	h.Set(nix.HeaderSubject, "0012345679")
	h.Set(nix.HeaderTrackingCode, "TRK-1")
	h.Set("Content-Type", "application/json")
	return h
}

// call makes one request and returns the answer's body.
func (bt benchTarget) call() (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, bt.url, strings.NewReader(benchBody))
	if err != nil {
		return 0, nil, err
	}
	req.Header = bt.headers.Clone()
	res, err := bt.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, body, err
}

// runBench warms up the connections, checks one answer has wantKeys
// members, then runs benchClients concurrent callers and reports req/s and
// the p50 and p99 latency. It returns how many calls it made.
func runBench(b *testing.B, bt benchTarget, wantKeys int) int {
	return runBenchClients(b, bt, wantKeys, benchClients)
}

// runBenchClients is runBench with clients concurrent callers; with one,
// calls follow each other, so the latency is a call's own, without
// queueing behind others.
func runBenchClients(b *testing.B, bt benchTarget, wantKeys, clients int) int {
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			if status, body, err := bt.call(); err != nil || status != http.StatusOK {
				b.Errorf("warm-up: %d %s %v", status, body, err)
			}
		})
	}
	wg.Wait()
	status, body, err := bt.call()
	var got map[string]any
	if err != nil || status != http.StatusOK || json.Unmarshal(body, &got) != nil || len(got) != wantKeys {
		b.Fatalf("check: %d %s %v, want %d members", status, body, err, wantKeys)
	}
	calls := clients + 1

	var mu sync.Mutex
	lat := make([]time.Duration, 0, 1<<16)
	cpu0 := benchtest.ProcessCPU()
	b.ResetTimer()
	if clients == 1 {
		for range b.N {
			t0 := time.Now()
			status, body, err := bt.call()
			lat = append(lat, time.Since(t0))
			if err != nil || status != http.StatusOK {
				b.Fatalf("call: %d %s %v", status, body, err)
			}
		}
	} else {
		b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
		b.RunParallel(func(pb *testing.PB) {
			mine := make([]time.Duration, 0, 1024)
			for pb.Next() {
				t0 := time.Now()
				status, body, err := bt.call()
				mine = append(mine, time.Since(t0))
				if err != nil || status != http.StatusOK {
					b.Errorf("call: %d %s %v", status, body, err)
					return
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	b.StopTimer()
	b.ReportMetric((benchtest.ProcessCPU()-cpu0).Seconds()/b.Elapsed().Seconds(), "cores")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	if len(lat) > 0 {
		slices.Sort(lat)
		us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
		b.ReportMetric(us(lat[len(lat)/2]), "p50-µs")
		b.ReportMetric(us(lat[len(lat)*99/100]), "p99-µs")
	}
	return calls + b.N
}

func reportHeap(b *testing.B) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
}

func BenchmarkBareProxy(b *testing.B) {
	runBench(b, benchBare(b), 5)
	reportHeap(b)
}

func BenchmarkGateway(b *testing.B) {
	bt, log, dir := benchGateway(b, exchange.Items{"name", "nin"})
	records := runBench(b, bt, 2)
	// Every call is one record; closing seals the chain head.
	if err := log.Close(); err != nil {
		b.Fatal(err)
	}
	var size int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			size += fi.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(size)/float64(records), "log-B/record")
	reportHeap(b)
}

// BenchmarkBareProxySerial and BenchmarkGatewaySerial make one call at a
// time: the difference of their medians is what the gateway adds to a
// call (checks, filtering and the durable log's fdatasync), without
// queueing.
func BenchmarkBareProxySerial(b *testing.B) {
	runBenchClients(b, benchBare(b), 5, 1)
}

func BenchmarkGatewaySerial(b *testing.B) {
	bt, _, _ := benchGateway(b, exchange.Items{"name", "nin"})
	runBenchClients(b, bt, 2, 1)
}

func BenchmarkGatewayNoFilter(b *testing.B) {
	bt, _, _ := benchGateway(b, nil)
	runBench(b, bt, 5)
	reportHeap(b)
}
