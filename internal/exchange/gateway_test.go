package exchange_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/exchange/pki"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/nix"
)

// world is a gateway on real TLS with a real CA, a real message log and a
// provider behind it.
type world struct {
	st       *exchange.Store
	gw       *exchange.Gateway
	srv      *httptest.Server
	ca       *pki.CA
	certs    *pki.Store
	revoked  *pki.RevocationCache
	log      *msglog.Log
	counted  *countingLog
	logDir   string
	key      *ecdsa.PrivateKey
	index    *exchange.Index
	provider *httptest.Server
	lastReq  chan *http.Request
}

// countingLog is the message log with its announcements counted, to check
// that every call announces its record, ends the announcement before it
// appends, and ends it once.
type countingLog struct {
	*msglog.Log
	mu          sync.Mutex
	announced   int
	outstanding int
	early       int // appends while an announcement was outstanding
	appends     int
}

func (c *countingLog) Coming() func() {
	c.mu.Lock()
	c.announced++
	c.outstanding++
	c.mu.Unlock()
	arrived := c.Log.Coming()
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			c.outstanding--
			c.mu.Unlock()
		})
		arrived()
	}
}

func (c *countingLog) Append(ctx context.Context, rec msglog.Record) (msglog.Record, error) {
	c.mu.Lock()
	c.appends++
	if c.outstanding != 0 {
		c.early++
	}
	c.mu.Unlock()
	return c.Log.Append(ctx, rec)
}

const (
	window   = "IR/GOV/10101234565"
	civil    = "IR/GOV/10380284790"
	identity = "IR/GOV/10380284790/civil/identity"
)

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	w := &world{lastReq: make(chan *http.Request, 16)}
	db := sqldbtest.Open(t)
	w.st = &exchange.Store{DB: db}
	for _, m := range []exchange.Member{{ID: window, NameFa: "پنجرهٔ ملی", NameEn: "National window"},
		{ID: civil, NameFa: "ثبت احوال", NameEn: "Civil registration"}} {
		if err := w.st.AddMember(ctx, m, now); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{window + "/portal", civil + "/civil"} {
		if err := w.st.AddSubsystem(ctx, mustSub(t, s), now); err != nil {
			t.Fatal(err)
		}
	}
	w.provider = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/early") {
			// Answers before reading the request's body, if ever.
			rw.Header().Set("Content-Type", "application/json")
			io.WriteString(rw, `{"early":true}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		select {
		case w.lastReq <- r:
		default:
		}
		switch {
		case strings.HasSuffix(r.URL.Path, "/slow"):
			time.Sleep(500 * time.Millisecond)
		case strings.HasSuffix(r.URL.Path, "/html"):
			rw.Header().Set("Content-Type", "text/html")
			io.WriteString(rw, "<p>hi</p>")
			return
		case strings.HasSuffix(r.URL.Path, "/big"):
			rw.Header().Set("Content-Type", "application/octet-stream")
			chunk := strings.Repeat("x", 1<<16)
			for i := 0; i < 64; i++ {
				io.WriteString(rw, chunk)
			}
			return
		}
		rw.Header().Set("Content-Type", "application/json")
		json.NewEncoder(rw).Encode(map[string]any{"name": "علی", "family": "رضایی", "fatherName": "حسین",
			"nin": r.Header.Get(nix.HeaderSubject), "echo": string(body)})
	}))
	t.Cleanup(w.provider.Close)
	err := w.st.Publish(ctx, exchange.Service{ID: mustSvc(t, identity), TitleFa: "استعلام هویت", TitleEn: "Identity inquiry",
		TargetURL: w.provider.URL + "/registry", OpenAPI: `{"openapi":"3.1.0","info":{"title":"identity"}}`,
		Items: exchange.Items{"name", "family", "fatherName", "nin", "echo"}}, now)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	if w.ca, err = pki.InitCA(filepath.Join(dir, "ca"), "IR", now); err != nil {
		t.Fatal(err)
	}
	w.certs = &pki.Store{DB: db}
	w.revoked = pki.NewRevocationCache(w.certs, pki.CacheOptions{})
	w.key, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	w.logDir = filepath.Join(dir, "log")
	if w.log, err = msglog.Open(w.logDir, msglog.Options{Signer: w.key}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.log.Close() })
	w.counted = &countingLog{Log: w.log}
	w.index = &exchange.Index{DB: db}
	w.gw = &exchange.Gateway{
		Store:       w.st,
		Auth:        exchange.CertAuth{Authenticator: &pki.Authenticator{CA: w.ca.Cert, Revoked: w.revoked}},
		AuthProblem: pki.ProblemFor,
		Log:         w.counted,
		Index:       w.index,
		Operators:   []string{window},
		Limiter:     exchange.NewLimiter(1000, 1000),
		Timeout:     200 * time.Millisecond,
		Metrics:     exchange.NewMetrics(),
	}
	h, err := w.gw.Handler()
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := w.ca.IssueServer([]string{"127.0.0.1"}, now)
	if err != nil {
		t.Fatal(err)
	}
	serverCert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	w.srv = httptest.NewUnstartedServer(h)
	w.srv.TLS = pki.ServerTLSConfig(w.ca.Cert, serverCert)
	w.srv.StartTLS()
	t.Cleanup(w.srv.Close)
	return w
}

// client returns an HTTP client holding a fresh certificate of member.
func (w *world) client(t *testing.T, member string) (*http.Client, string) {
	t.Helper()
	id, err := pki.ParseMemberID(member)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, serial, err := w.ca.IssueMember(id, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.certs.RecordIssued(context.Background(), certPEM, time.Now()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := pki.WriteMemberFiles(dir, certPEM, keyPEM, w.ca.CertPEM); err != nil {
		t.Fatal(err)
	}
	cfg, err := nix.LoadTLS(dir)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}, serial
}

type reply struct {
	status int
	header http.Header
	body   string
	json   map[string]any
}

func do(t *testing.T, c *http.Client, method, url string, headers map[string]string, body string) reply {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := reply{status: res.StatusCode, header: res.Header, body: string(b)}
	json.Unmarshal(b, &r.json)
	return r
}

func TestGatewayForwardsAndRefuses(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	win, _ := w.client(t, window)
	reg, _ := w.client(t, civil)
	roots := x509.NewCertPool()
	roots.AddCert(w.ca.Cert)
	anon := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	url := w.srv.URL + "/r1/" + identity
	portal := map[string]string{nix.HeaderClient: window + "/portal", nix.HeaderUser: "0012345679",
		nix.HeaderAssurance: "loa1", nix.HeaderSubject: "۰۰۱۲۳۴۵۶۷۹", nix.HeaderTrackingCode: "TRK-1"}
	with := func(k, v string) map[string]string {
		h := map[string]string{}
		for a, b := range portal {
			h[a] = b
		}
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
		return h
	}

	// No right yet: deny by default.
	if r := do(t, win, "POST", url, portal, `{"nin":"0012345679"}`); r.status != 403 || r.json["code"] != "no-right" {
		t.Fatalf("before a grant: %d %s", r.status, r.body)
	}
	if err := w.st.Grant(ctx, "test", mustSub(t, window+"/portal"), mustSvc(t, identity), exchange.Items{"name", "nin"}, time.Now()); err != nil {
		t.Fatal(err)
	}

	r := do(t, win, "POST", url+"/sabteahval?x=1", portal, `{"nin":"0012345679"}`)
	if r.status != 200 {
		t.Fatalf("granted call: %d %s", r.status, r.body)
	}
	if len(r.json) != 2 || r.json["name"] != "علی" || r.json["nin"] != "0012345679" {
		t.Errorf("the answer was not limited to name and nin: %s", r.body)
	}
	if r.header.Get(nix.HeaderMessageID) == "" || len(r.header.Get(nix.HeaderRequestHash)) != 64 {
		t.Errorf("response headers: %v", r.header)
	}
	got := <-w.lastReq
	if got.URL.Path != "/registry/sabteahval" || got.URL.RawQuery != "x=1" || got.Header.Get(nix.HeaderUser) != "0012345679" ||
		got.Header.Get(nix.HeaderSubject) != "0012345679" || got.Header.Get(nix.HeaderTrackingCode) != "TRK-1" ||
		got.Header.Get(nix.HeaderClient) != window+"/portal" || got.Header.Get(nix.HeaderMessageID) != r.header.Get(nix.HeaderMessageID) {
		t.Errorf("the provider got %s?%s with %v", got.URL.Path, got.URL.RawQuery, got.Header)
	}
	// A foreign national is the end user and data subject by FIDA.
	fida := with(nix.HeaderUser, "۱۹۸۷ ۱۲۳۴ ۵۶۰۱")
	fida[nix.HeaderSubject] = "1987-1234-5601"
	if r := do(t, win, "POST", url, fida, `{"nin":"0012345679"}`); r.status != 200 {
		t.Fatalf("a call for a foreign national: %d %s", r.status, r.body)
	}
	if got := <-w.lastReq; got.Header.Get(nix.HeaderUser) != "198712345601" || got.Header.Get(nix.HeaderSubject) != "198712345601" {
		t.Errorf("the provider got the foreign national as user %q, subject %q", got.Header.Get(nix.HeaderUser), got.Header.Get(nix.HeaderSubject))
	}

	cases := []struct {
		name    string
		client  *http.Client
		method  string
		url     string
		headers map[string]string
		body    string
		status  int
		code    string
	}{
		{"no certificate", anon, "GET", url, portal, "", 401, ""},
		{"another member's subsystem", reg, "GET", url, portal, "", 403, "wrong-member"},
		{"no client header", win, "GET", url, with(nix.HeaderClient, ""), "", 400, "bad-header"},
		{"malformed end user", win, "GET", url, with(nix.HeaderUser, "0012345678"), "", 400, "bad-header"},
		{"malformed subject", win, "GET", url, with(nix.HeaderSubject, "12"), "", 400, "bad-header"},
		{"unknown assurance level", win, "GET", url, with(nix.HeaderAssurance, "loa9"), "", 400, "bad-header"},
		{"unknown service", win, "GET", w.srv.URL + "/r1/IR/GOV/10380284790/civil/photo", portal, "", 404, "unknown-service"},
		{"provider too slow", win, "GET", url + "/slow", portal, "", 504, "provider-timeout"},
		{"answer that cannot be filtered", win, "GET", url + "/html", portal, "", 502, "unfilterable"},
		{"oversized body", win, "POST", url, portal, strings.Repeat("x", 11<<20), 413, "too-large"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, tt.client, tt.method, tt.url, tt.headers, tt.body)
			if r.status != tt.status || (tt.code != "" && r.json["code"] != tt.code) {
				t.Errorf("got %d %s, want %d %s", r.status, r.body, tt.status, tt.code)
			}
			if r.json["detail_fa"] == nil || r.json["detail"] == nil {
				t.Errorf("no Persian and English reasons: %s", r.body)
			}
		})
	}

	// A provider that is down.
	w.provider.Close()
	if r := do(t, win, "GET", url, portal, ""); r.status != 502 || r.json["code"] != "provider-unreachable" {
		t.Errorf("provider down: %d %s", r.status, r.body)
	}

	// Every call that reached the gateway's checks is in the log, and the
	// log verifies with the gateway's key.
	rep, err := msglog.Verify([]string{w.logDir}, &w.key.PublicKey, msglog.VerifyOptions{})
	if err != nil || rep.Problem != nil {
		t.Fatalf("verify: %+v %v", rep.Problem, err)
	}
	if want := 2 + len(cases) - 1 + 1; rep.Records < want {
		t.Errorf("log holds %d records, want at least %d", rep.Records, want)
	}

	// Each of those calls, one after another, announced its record to the
	// log's group commit and ended the announcement before appending.
	c := w.counted
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.announced != c.appends || c.outstanding != 0 || c.early != 0 || c.appends < rep.Records {
		t.Errorf("%d calls announced, %d appended, %d announcements outstanding, %d appends before their announcement ended; the log holds %d records",
			c.announced, c.appends, c.outstanding, c.early, rep.Records)
	}
}

func TestGatewayStreamsLargeAnswersAndRecordsThem(t *testing.T) {
	w := newWorld(t)
	win, _ := w.client(t, window)
	if err := w.st.Grant(context.Background(), "test", mustSub(t, window+"/portal"), mustSvc(t, identity), nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	r := do(t, win, "GET", w.srv.URL+"/r1/"+identity+"/big", map[string]string{nix.HeaderClient: window + "/portal"}, "")
	if r.status != 200 || len(r.body) != 64<<16 {
		t.Fatalf("big answer: %d, %d bytes", r.status, len(r.body))
	}
	var last msglog.Record
	if err := msglog.Scan([]string{w.logDir}, func(rec msglog.Record) error { last = rec; return nil }); err != nil {
		t.Fatal(err)
	}
	if last.ResponseBytes != 64<<16 || last.Status != 200 || last.MessageID != r.header.Get(nix.HeaderMessageID) {
		t.Errorf("last record: %+v", last)
	}
}

// TestGatewayProviderAnswersEarly: a provider may answer before it has
// read the request's body; the caller gets the answer, and the record
// and the answer's request hash are of the whole body the caller sent.
func TestGatewayProviderAnswersEarly(t *testing.T) {
	w := newWorld(t)
	win, _ := w.client(t, window)
	if err := w.st.Grant(context.Background(), "test", mustSub(t, window+"/portal"), mustSvc(t, identity), nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{100, 1 << 20} {
		sent := strings.Repeat("y", size)
		r := do(t, win, "POST", w.srv.URL+"/r1/"+identity+"/early", map[string]string{nix.HeaderClient: window + "/portal"}, sent)
		if r.status != 200 || r.body != `{"early":true}` {
			t.Fatalf("%d bytes: %d %s", size, r.status, r.body)
		}
		want := sha256.Sum256([]byte(sent))
		if got := r.header.Get(nix.HeaderRequestHash); got != hex.EncodeToString(want[:]) {
			t.Errorf("%d bytes: request hash %s, want %x", size, got, want)
		}
		var last msglog.Record
		if err := msglog.Scan([]string{w.logDir}, func(rec msglog.Record) error { last = rec; return nil }); err != nil {
			t.Fatal(err)
		}
		if last.RequestBytes != int64(size) || last.RequestHash != want || last.Status != 200 {
			t.Errorf("%d bytes: recorded %d bytes, hash %x, status %d", size, last.RequestBytes, last.RequestHash, last.Status)
		}
	}
}

func TestRevocationTakesEffectWithoutRestart(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	win, serial := w.client(t, window)
	h := map[string]string{nix.HeaderClient: window + "/portal"}
	if r := do(t, win, "GET", w.srv.URL+"/r1/listClients", h, ""); r.status != 200 {
		t.Fatalf("before revocation: %d %s", r.status, r.body)
	}
	// The CLI, another process, revokes through its own store.
	other := &pki.Store{DB: w.certs.DB}
	if _, err := other.Revoke(ctx, serial, "key compromised", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := w.revoked.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	win.CloseIdleConnections()
	if r := do(t, win, "GET", w.srv.URL+"/r1/listClients", h, ""); r.status != 401 {
		t.Errorf("after revocation: %d %s", r.status, r.body)
	}
}

func TestDiscoveryAndDataTracker(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	win, _ := w.client(t, window)
	reg, _ := w.client(t, civil)
	if err := w.st.Grant(ctx, "test", mustSub(t, window+"/portal"), mustSvc(t, identity), exchange.Items{"name"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	h := map[string]string{nix.HeaderClient: window + "/portal", nix.HeaderSubject: "0012345679", nix.HeaderTrackingCode: "TRK-9"}
	for i := 0; i < 3; i++ {
		if r := do(t, win, "GET", w.srv.URL+"/r1/"+identity, h, ""); r.status != 200 {
			t.Fatalf("call: %d %s", r.status, r.body)
		}
	}
	base := w.srv.URL + "/r1/" + civil + "/civil"
	if r := do(t, win, "GET", w.srv.URL+"/r1/listClients", nil, ""); r.status != 200 || !strings.Contains(r.body, civil+"/civil") {
		t.Errorf("listClients: %d %s", r.status, r.body)
	}
	if r := do(t, win, "GET", base+"/listMethods", nil, ""); r.status != 200 || !strings.Contains(r.body, `"serviceCode":"identity"`) {
		t.Errorf("listMethods: %d %s", r.status, r.body)
	}
	if r := do(t, win, "GET", base+"/allowedMethods", h, ""); r.status != 200 || !strings.Contains(r.body, identity) {
		t.Errorf("allowedMethods: %d %s", r.status, r.body)
	}
	if r := do(t, reg, "GET", w.srv.URL+"/r1/allowedMethods", map[string]string{nix.HeaderClient: civil + "/civil"}, ""); r.status != 200 || strings.Contains(r.body, identity) {
		t.Errorf("allowedMethods of a client without rights: %d %s", r.status, r.body)
	}
	if r := do(t, win, "GET", base+"/getOpenAPI?serviceCode=identity", nil, ""); r.status != 200 || !strings.Contains(r.body, `"openapi":"3.1.0"`) {
		t.Errorf("getOpenAPI: %d %s", r.status, r.body)
	}

	// Metrics per service, calling member and status, for operators only.
	m := do(t, win, "GET", w.srv.URL+"/metrics", nil, "")
	if want := `nix_calls_total{client="` + window + `",service="` + identity + `",status="200"} 3`; m.status != 200 || !strings.Contains(m.body, want) {
		t.Errorf("metrics: %d, want a line %s", m.status, want)
	}
	if !strings.Contains(m.body, "nix_call_duration_seconds_bucket") || !strings.Contains(m.body, "nix_response_bytes_total") {
		t.Errorf("metrics lack the latency histogram or byte counts")
	}
	if r := do(t, reg, "GET", w.srv.URL+"/metrics", nil, ""); r.status != 403 {
		t.Errorf("a non-operator read the metrics: %d", r.status)
	}

	// Who looked at 0012345679's data.
	if err := w.index.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	r := do(t, win, "GET", w.srv.URL+"/api/v1/exchange/subjects/0012345679/accesses", nil, "")
	accesses, _ := r.json["accesses"].([]any)
	if r.status != 200 || len(accesses) != 3 || !strings.Contains(r.body, `"trackingCode":"TRK-9"`) || !strings.Contains(r.body, `"member":"`+window+`"`) {
		t.Errorf("accesses: %d %s", r.status, r.body)
	}
	if r := do(t, reg, "GET", w.srv.URL+"/api/v1/exchange/subjects/0012345679/accesses", nil, ""); r.status != 403 {
		t.Errorf("a non-operator read the data tracker: %d", r.status)
	}
	if r := do(t, win, "GET", w.srv.URL+"/api/v1/exchange/subjects/123/accesses", nil, ""); r.status != 400 {
		t.Errorf("malformed national code: %d", r.status)
	}

	// Monthly counts per member for the Jalali month of today (B7).
	month := iran.ToJalali(time.Now().In(iran.Tehran()))
	mr := do(t, win, "GET", w.srv.URL+fmt.Sprintf("/api/v1/exchange/reports/monthly?month=%04d-%02d", month.Year, month.Month), nil, "")
	if want := `{"member":"` + window + `","inquiries":3,"refused":0}`; mr.status != 200 || !strings.Contains(mr.body, want) {
		t.Errorf("monthly report: %d %s, want %s", mr.status, mr.body, want)
	}
	if r := do(t, win, "GET", w.srv.URL+"/api/v1/exchange/reports/monthly?month=1405-13", nil, ""); r.status != 400 {
		t.Errorf("month 13: %d", r.status)
	}

	// The index can be rebuilt from the log alone.
	if _, err := w.index.DB.Write.ExecContext(ctx, `DELETE FROM nix_exchange_index`); err != nil {
		t.Fatal(err)
	}
	n, err := w.index.Catchup(ctx, []string{w.logDir})
	if err != nil || n < 3 {
		t.Errorf("Catchup = %d, %v", n, err)
	}
	if list, _ := w.index.Accesses(ctx, "0012345679", 0, 10); len(list) != 3 {
		t.Errorf("after catch-up: %d accesses", len(list))
	}
}

func TestRightsAdminAPI(t *testing.T) {
	w := newWorld(t)
	win, _ := w.client(t, window)
	reg, _ := w.client(t, civil)
	body := `{"client":"` + window + `/portal","service":"` + identity + `","dataItems":["name"]}`
	if r := do(t, reg, "PUT", w.srv.URL+"/api/v1/exchange/rights", nil, body); r.status != 403 {
		t.Errorf("a provider granted rights: %d", r.status)
	}
	if r := do(t, win, "PUT", w.srv.URL+"/api/v1/exchange/rights", nil, body); r.status != 200 {
		t.Fatalf("operator grant: %d %s", r.status, r.body)
	}
	if r := do(t, win, "PUT", w.srv.URL+"/api/v1/exchange/rights", nil, `{"client":"x","service":"y"}`); r.status != 400 {
		t.Errorf("malformed right: %d %s", r.status, r.body)
	}
	if r := do(t, win, "DELETE", w.srv.URL+"/api/v1/exchange/rights?client="+window+"/portal&service="+identity, nil, ""); r.status != 200 {
		t.Errorf("revoke: %d %s", r.status, r.body)
	}
	r := do(t, win, "GET", w.srv.URL+"/api/v1/exchange/rights/audit", nil, "")
	if r.status != 200 || !strings.Contains(r.body, `"action":"revoke"`) || !strings.Contains(r.body, `"action":"grant"`) {
		t.Errorf("audit: %d %s", r.status, r.body)
	}
	// A provider publishes its own service, not another member's.
	svc := `{"title_fa":"عکس","title":"Photo","targetUrl":"http://127.0.0.1:1/photo","dataItems":["photo"]}`
	if r := do(t, reg, "PUT", w.srv.URL+"/api/v1/exchange/services/"+civil+"/civil/photo", nil, svc); r.status != 200 {
		t.Errorf("provider publishes: %d %s", r.status, r.body)
	}
	if r := do(t, reg, "PUT", w.srv.URL+"/api/v1/exchange/services/"+window+"/portal/x", nil, svc); r.status != 403 {
		t.Errorf("provider published for another member: %d", r.status)
	}
}
