package pki

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/clocktest"
	"github.com/panjereh/panjereh/nix"

	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/internal/web"
)

// clock is the settable clock tests share.
type clock = clocktest.Clock

// gateway is a TLS server on 127.0.0.1 that authenticates every request
// as the exchange gateway does, with its certificate registry.
type gateway struct {
	ca    *CA
	store *Store
	cache *RevocationCache
	clock *clock
	srv   *httptest.Server
}

func newGateway(t *testing.T) *gateway {
	t.Helper()
	// TLS peers check the server certificate against the real time, so
	// the test clock starts at it.
	now := time.Now()
	g := &gateway{ca: mustCA(t, now.Add(-time.Hour)), store: &Store{DB: sqldbtest.Open(t)}, clock: clocktest.New(now)}
	g.cache = NewRevocationCache(g.store, CacheOptions{Interval: time.Second, Now: g.clock.Now})
	auth := &Authenticator{CA: g.ca.Cert, Revoked: g.cache, Now: g.clock.Now}
	certPEM, keyPEM, err := g.ca.IssueServer([]string{"127.0.0.1"}, now)
	if err != nil {
		t.Fatal(err)
	}
	serverCert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	g.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		member, err := auth.Authenticate(r)
		if err != nil {
			web.WriteProblem(w, r, ProblemFor(err))
			return
		}
		if c := r.Header.Get("X-Road-Client"); c != "" {
			if err := ClaimMatches(member, c); err != nil {
				web.WriteProblem(w, r, ProblemFor(err))
				return
			}
		}
		fmt.Fprint(w, member)
	}))
	g.srv.TLS = ServerTLSConfig(g.ca.Cert, serverCert)
	g.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	g.srv.StartTLS()
	t.Cleanup(g.srv.Close)
	return g
}

// issue issues and records a certificate for member at now.
func (g *gateway) issue(t *testing.T, member string, now time.Time) (tls.Certificate, string) {
	t.Helper()
	m, err := ParseMemberID(member)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, serial, err := g.ca.IssueMember(m, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.store.RecordIssued(context.Background(), certPEM, now); err != nil {
		t.Fatal(err)
	}
	return keyPair(t, certPEM, keyPEM), serial
}

func keyPair(t *testing.T, certPEM, keyPEM []byte) tls.Certificate {
	t.Helper()
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// client returns an HTTP client that trusts the platform CA and, when cert
// is not nil, always presents it, as OpenSSL-based clients do whatever CAs
// the server advertises.
func (g *gateway) client(cert *tls.Certificate, tweak func(*tls.Config)) *http.Client {
	roots := x509.NewCertPool()
	roots.AddCert(g.ca.Cert)
	cfg := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS13}
	if cert != nil {
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return cert, nil }
	}
	if tweak != nil {
		tweak(cfg)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
}

type answer struct {
	Status int
	Member string
	Code   string
}

// call sends one request and sums up the answer; a problem must carry
// both languages.
func call(t *testing.T, c *http.Client, url, claimed string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if claimed != "" {
		req.Header.Set("X-Road-Client", claimed)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK {
		return answer{Status: 200, Member: string(body)}
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("Content-Type = %q, want problem+json", ct)
	}
	var p web.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("problem %s: %v", body, err)
	}
	if p.Detail == "" || p.DetailFa == "" || p.TitleFa == "" {
		t.Errorf("problem lacks English or Persian text: %s", body)
	}
	return answer{Status: resp.StatusCode, Code: p.Code}
}

func TestAuthenticate(t *testing.T) {
	g := newGateway(t)
	now := g.clock.Now()
	const member = "IR/GOV/10380284790"

	// The happy path goes through the files an agency is handed.
	memberPEM, keyPEM, _, err := g.ca.IssueMember(MemberID{"IR", "GOV", "10380284790"}, now)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "agency")
	if err := WriteMemberFiles(dir, memberPEM, keyPEM, g.ca.CertPEM); err != nil {
		t.Fatal(err)
	}
	agencyTLS, err := nix.LoadTLS(dir)
	if err != nil {
		t.Fatal(err)
	}
	agency := &http.Client{Transport: &http.Transport{TLSClientConfig: agencyTLS}}

	foreignCA := mustCA(t, now.Add(-time.Hour))
	fc, fk, _, err := foreignCA.IssueMember(MemberID{"IR", "GOV", "10380284790"}, now)
	if err != nil {
		t.Fatal(err)
	}
	foreign := keyPair(t, fc, fk)
	expired, _ := g.issue(t, member, now.AddDate(-2, 0, 0))
	early, _ := g.issue(t, member, now.Add(time.Hour))
	sc, sk, err := g.ca.IssueServer([]string{"127.0.0.1"}, now)
	if err != nil {
		t.Fatal(err)
	}
	server := keyPair(t, sc, sk)
	// Signed by the platform CA, but its SAN names another member than
	// its Subject.
	mismatched := signed(t, g.ca, now, pkix.Name{Country: []string{"IR"}, Organization: []string{"GOV"}, CommonName: "10380284790"},
		"nix:member:IR/GOV/10101234565")
	noSAN := signed(t, g.ca, now, pkix.Name{Country: []string{"IR"}, Organization: []string{"GOV"}, CommonName: "10380284790"}, "")

	tests := []struct {
		name    string
		client  *http.Client
		claimed string
		want    answer
	}{
		{"member certificate", agency, "", answer{Status: 200, Member: member}},
		{"member claims its own subsystem", agency, member + "/civil", answer{Status: 200, Member: member}},
		{"member claims another's subsystem", agency, "IR/GOV/10101234565/portal", answer{Status: 403, Code: "wrong_member"}},
		{"no certificate", g.client(nil, nil), "", answer{Status: 401, Code: "no_certificate"}},
		{"foreign CA", g.client(&foreign, nil), "", answer{Status: 401, Code: "untrusted_certificate"}},
		// The foreign CA bears the platform CA's very name, so even a Go
		// client, which picks a certificate by the issuers the server
		// advertises, sends it; only the signature tells them apart.
		{"foreign CA of the same name, Go client", g.client(nil, func(c *tls.Config) {
			c.Certificates = []tls.Certificate{foreign}
		}), "", answer{Status: 401, Code: "untrusted_certificate"}},
		{"expired", g.client(&expired, nil), "", answer{Status: 401, Code: "expired_certificate"}},
		{"not yet valid", g.client(&early, nil), "", answer{Status: 401, Code: "expired_certificate"}},
		{"server certificate as client", g.client(&server, nil), "", answer{Status: 401, Code: "untrusted_certificate"}},
		{"subject and SAN disagree", g.client(&mismatched, nil), "", answer{Status: 401, Code: "malformed_identity"}},
		{"no identity SAN", g.client(&noSAN, nil), "", answer{Status: 401, Code: "malformed_identity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := call(t, tt.client, g.srv.URL, tt.claimed); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}

	t.Run("TLS 1.2 client", func(t *testing.T) {
		c := g.client(nil, func(c *tls.Config) {
			c.MinVersion, c.MaxVersion = tls.VersionTLS12, tls.VersionTLS12
			c.Certificates = agencyTLS.Certificates
		})
		resp, err := c.Get(g.srv.URL)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("TLS 1.2 handshake succeeded with status %d", resp.StatusCode)
		}
	})
}

// signed issues a client certificate from ca with an arbitrary subject and
// identity URI, as a faulty or tampered issuer might.
func signed(t *testing.T, ca *CA, now time.Time, subject pkix.Name, uri string) tls.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()),
		Subject:      subject,
		NotBefore:    now.Add(-time.Minute),
		NotAfter:     now.Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if uri != "" {
		u, err := url.Parse(uri)
		if err != nil {
			t.Fatal(err)
		}
		tmpl.URIs = []*url.URL{u}
	}
	certPEM, keyPEM, err := ca.sign(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	return keyPair(t, certPEM, keyPEM)
}

func TestRevocationWithoutRestart(t *testing.T) {
	ctx := context.Background()
	g := newGateway(t)
	now := g.clock.Now()
	// The command line revokes through its own Store on the same database.
	cli := &Store{DB: g.store.DB}

	t.Run("serial, noticed when the interval has passed", func(t *testing.T) {
		cert, serial := g.issue(t, "IR/GOV/10380284790", now)
		c := g.client(&cert, nil)
		if got := call(t, c, g.srv.URL, ""); got.Status != 200 {
			t.Fatalf("before revocation: %+v", got)
		}
		if n, err := cli.Revoke(ctx, serial, "key compromised", now); err != nil || n != 1 {
			t.Fatalf("Revoke = %d, %v", n, err)
		}
		// Within the interval the gateway may still use its cached set.
		if got := call(t, c, g.srv.URL, ""); got.Status != 200 {
			t.Fatalf("within the interval: %+v", got)
		}
		g.clock.Add(time.Second)
		// The same client, likely on the same connection, is now refused.
		if got, want := call(t, c, g.srv.URL, ""), (answer{Status: 401, Code: "revoked_certificate"}); got != want {
			t.Fatalf("after the interval: %+v, want %+v", got, want)
		}
	})

	t.Run("serial, noticed on Refresh", func(t *testing.T) {
		cert, serial := g.issue(t, "IR/GOV/10380284790", now)
		c := g.client(&cert, nil)
		if got := call(t, c, g.srv.URL, ""); got.Status != 200 {
			t.Fatalf("before revocation: %+v", got)
		}
		if _, err := cli.Revoke(ctx, serial, "left the exchange", now); err != nil {
			t.Fatal(err)
		}
		if err := g.cache.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := call(t, c, g.srv.URL, ""); got.Code != "revoked_certificate" {
			t.Fatalf("after Refresh: %+v", got)
		}
	})

	t.Run("member, all its certificates", func(t *testing.T) {
		c1, _ := g.issue(t, "IR/COM/acme", now)
		c2, _ := g.issue(t, "IR/COM/acme", now)
		other, _ := g.issue(t, "IR/COM/other", now)
		clients := map[string]*http.Client{"first": g.client(&c1, nil), "second": g.client(&c2, nil), "other": g.client(&other, nil)}
		for name, c := range clients {
			if got := call(t, c, g.srv.URL, ""); got.Status != 200 {
				t.Fatalf("%s before revocation: %+v", name, got)
			}
		}
		if n, err := cli.Revoke(ctx, "IR/COM/acme", "membership ended", now); err != nil || n != 2 {
			t.Fatalf("Revoke(member) = %d, %v; want 2", n, err)
		}
		if err := g.cache.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"first": 401, "second": 401, "other": 200}
		for name, c := range clients {
			if got := call(t, c, g.srv.URL, ""); got.Status != want[name] {
				t.Errorf("%s after revocation: %+v, want status %d", name, got, want[name])
			}
		}
	})
}
