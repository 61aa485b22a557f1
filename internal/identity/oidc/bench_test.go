package oidc_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/panjereh/panjereh/internal/benchtest"
)

// benchEnv is a provider whose log is quiet, for benchmarks. Unless GOGC
// is set, the garbage collector's target is the one a process serving
// the window runs with (internal/app's windowGCPercent), where the token
// endpoint is served: with Go's default the collector's work on the idle
// core takes about a fifth of the CPU these benchmarks count.
func benchEnv(b *testing.B) *env {
	slog.SetLogLoggerLevel(slog.LevelError) // zitadel's op logs each request error through slog's default
	if os.Getenv("GOGC") == "" {
		old := debug.SetGCPercent(400)
		b.Cleanup(func() { debug.SetGCPercent(old) })
	}
	e := newEnv(b)
	return e
}

// token posts a token request to the provider's handler in process.
func (e *env) token(form url.Values, user, pass string) *httptest.ResponseRecorder {
	return e.post("/oauth2/token", form, user, pass)
}

// post posts a form with HTTP basic client authentication to the
// provider's handler in process.
func (e *env) post(path string, form url.Values, user, pass string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(user, pass)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	return w
}

// BenchmarkTokenClientCredentials measures the token endpoint's CPU time
// per client_credentials grant, the handler called in process.
func BenchmarkTokenClientCredentials(b *testing.B) {
	e := benchEnv(b)
	secret := e.secretFor(b)
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"profile"}}
	if w := e.token(form, "agency", secret); w.Code != http.StatusOK {
		b.Fatalf("%d %s", w.Code, w.Body)
	}
	b.ReportAllocs()
	start := benchtest.ProcessCPU()
	b.ResetTimer()
	for b.Loop() {
		if w := e.token(form, "agency", secret); w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	b.ReportMetric(float64(benchtest.ProcessCPU()-start)/float64(b.N)/1e3, "cpu-µs/op")
}

// BenchmarkTokenCodeExchange measures the token endpoint's CPU time per
// authorization-code exchange (code + PKCE, ES256 ID and access tokens,
// profile and national_code claims), made one after another by one
// client. On PostgreSQL that client waits for each exchange's durable
// commit, and the process's going idle and waking between them is
// counted too; BenchmarkTokenCodeExchangeLoaded keeps the process busy.
func BenchmarkTokenCodeExchange(b *testing.B) {
	e, secret, codes := codeExchanges(b)
	b.ReportAllocs()
	start := benchtest.ProcessCPU()
	b.ResetTimer()
	for i := range codes {
		if err := e.exchange(secret, codes[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(benchtest.ProcessCPU()-start)/float64(len(codes))/1e3, "cpu-µs/op")
}

// BenchmarkTokenCodeExchangeLoaded is BenchmarkTokenCodeExchange with 32
// agencies per core exchanging at once, as at a loaded window: the CPU
// time per exchange of a process that has exchanges waiting while others
// wait for their commits, which is what a window's capacity is made of.
func BenchmarkTokenCodeExchangeLoaded(b *testing.B) {
	e, secret, codes := codeExchanges(b)
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32)
	start := benchtest.ProcessCPU()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := e.exchange(secret, codes[next.Add(1)-1]); err != nil {
				b.Error(err) // Fatal stops only the benchmark's own goroutine
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(benchtest.ProcessCPU()-start)/float64(len(codes))/1e3, "cpu-µs/op")
}

// pendingCode is an authorization code waiting to be exchanged, with its
// PKCE verifier.
type pendingCode struct{ code, verifier string }

// codeExchanges is a provider and b.N codes for the agency client. The
// codes are made beforehand, by sessions that carry the account's
// attributes, as the window's do, so that each approval keeps what it
// releases for the exchange.
func codeExchanges(b *testing.B) (*env, string, []pendingCode) {
	e := benchEnv(b)
	claims := e.opts.Accounts.(accounts)[persona]
	e.sessions.next.Claims = &claims
	secret := e.secretFor(b)
	r := e.rp("agency", secret, "profile", "national_code")
	br := e.browser()
	codes := make([]pendingCode, 0, b.N)
	for range b.N {
		v := oauth2.GenerateVerifier()
		back, _ := e.authorize(br, r.cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(v)))
		codes = append(codes, pendingCode{back.Query().Get("code"), v})
	}
	return e, secret, codes
}

// exchange exchanges one code at the token endpoint, in process.
func (e *env) exchange(secret string, c pendingCode) error {
	w := e.token(url.Values{"grant_type": {"authorization_code"}, "code": {c.code},
		"redirect_uri": {redirectRP}, "code_verifier": {c.verifier}}, "agency", secret)
	if w.Code != http.StatusOK {
		return fmt.Errorf("token: %d %s", w.Code, w.Body)
	}
	return nil
}
