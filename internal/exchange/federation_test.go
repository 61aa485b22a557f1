package exchange_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/exchange/pki"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
	"github.com/panjereh/panjereh/nix"
)

// TestFederation runs a regional exchange beside the national one: a
// member of the regional exchange reaches a provider of the national one
// only through the national gateway, which decides on the right and filters
// the answer, and both logs record the call under one message ID (B4).
func TestFederation(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	national := newWorld(t)
	const (
		regionGW   = "IR/GOV/tehran-nix"
		regionUser = "IR/GOV/shahrdari"
	)
	// The national exchange knows the regional member and lets the
	// regional gateway speak for it.
	if err := national.st.AddMember(ctx, exchange.Member{ID: regionUser, NameFa: "شهرداری تهران", NameEn: "Tehran Municipality"}, now); err != nil {
		t.Fatal(err)
	}
	if err := national.st.AddSubsystem(ctx, mustSub(t, regionUser+"/portal"), now); err != nil {
		t.Fatal(err)
	}
	if err := national.st.Grant(ctx, "test", mustSub(t, regionUser+"/portal"), mustSvc(t, identity), exchange.Items{"name"}, now); err != nil {
		t.Fatal(err)
	}
	national.gw.Partners = map[string][]string{regionGW: {regionUser}}

	// The regional exchange: its own database, log and key, the same CA.
	db := sqldbtest.Open(t)
	st := &exchange.Store{DB: db}
	st.AddMember(ctx, exchange.Member{ID: regionUser, NameFa: "شهرداری تهران", NameEn: "Tehran Municipality"}, now)
	st.AddSubsystem(ctx, mustSub(t, regionUser+"/portal"), now)
	upstreamTLS := func() *tls.Config {
		id, _ := pki.ParseMemberID(regionGW)
		certPEM, keyPEM, _, err := national.ca.IssueMember(id, now)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := pki.WriteMemberFiles(dir, certPEM, keyPEM, national.ca.CertPEM); err != nil {
			t.Fatal(err)
		}
		cfg, err := nix.LoadTLS(dir)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	logDir := filepath.Join(t.TempDir(), "log")
	rlog, err := msglog.Open(logDir, msglog.Options{Signer: key})
	if err != nil {
		t.Fatal(err)
	}
	defer rlog.Close()
	regional := &exchange.Gateway{
		Store:       st,
		Auth:        exchange.CertAuth{Authenticator: &pki.Authenticator{CA: national.ca.Cert, Revoked: pki.NewRevocationCache(&pki.Store{DB: db}, pki.CacheOptions{})}},
		AuthProblem: pki.ProblemFor,
		Log:         rlog,
		Upstream:    &exchange.Upstream{URL: national.srv.URL, Transport: &http.Transport{TLSClientConfig: upstreamTLS}},
	}
	h, err := regional.Handler()
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, _ := national.ca.IssueServer([]string{"127.0.0.1"}, now)
	serverCert, _ := tls.X509KeyPair(certPEM, keyPEM)
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = pki.ServerTLSConfig(national.ca.Cert, serverCert)
	srv.StartTLS()
	defer srv.Close()

	muni, _ := national.client(t, regionUser)
	headers := map[string]string{nix.HeaderClient: regionUser + "/portal", nix.HeaderSubject: "0012345679", nix.HeaderTrackingCode: "REG-1"}
	r := do(t, muni, "GET", srv.URL+"/r1/"+identity, headers, "")
	if r.status != 200 || len(r.json) != 1 || r.json["name"] != "علی" {
		t.Fatalf("through the regional exchange: %d %s (want only the granted name)", r.status, r.body)
	}
	id := r.header.Get(nix.HeaderMessageID)

	find := func(dir string) (msglog.Record, bool) {
		var found msglog.Record
		ok := false
		msglog.Scan([]string{dir}, func(rec msglog.Record) error {
			if rec.MessageID == id {
				found, ok = rec, true
			}
			return nil
		})
		return found, ok
	}
	if rec, ok := find(logDir); !ok || rec.Client != regionUser+"/portal" || rec.Status != 200 {
		t.Errorf("regional log: %+v %v", rec, ok)
	}
	if rec, ok := find(national.logDir); !ok || rec.Client != regionUser+"/portal" || rec.Subject != "0012345679" || rec.TrackingCode != "REG-1" {
		t.Errorf("national log: %+v %v", rec, ok)
	}

	// The national gateway still decides: no right, no call.
	if err := national.st.Revoke(ctx, "test", mustSub(t, regionUser+"/portal"), mustSvc(t, identity), now); err != nil {
		t.Fatal(err)
	}
	if r := do(t, muni, "GET", srv.URL+"/r1/"+identity, headers, ""); r.status != 403 || r.json["code"] != "no-right" {
		t.Errorf("after the national right was revoked: %d %s", r.status, r.body)
	}
	// A partner gateway may speak only for its own exchange's members.
	gwClient := &http.Client{Transport: &http.Transport{TLSClientConfig: upstreamTLS}}
	if r := do(t, gwClient, "GET", national.srv.URL+"/r1/"+identity, map[string]string{nix.HeaderClient: window + "/portal"}, ""); r.status != 403 {
		t.Errorf("a partner spoke for a member of another exchange: %d %s", r.status, r.body)
	}
}
