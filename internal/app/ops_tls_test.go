package app

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/panjereh/panjereh/internal/config"
	"github.com/panjereh/panjereh/internal/exchange/pki"
)

func TestServerNames(t *testing.T) {
	host := func(name string, err error) func() (string, error) {
		return func() (string, error) { return name, err }
	}
	names := []string{"nix.example.ir", "10.1.2.4"}
	for _, tc := range []struct {
		name     string
		addr     string
		names    []string
		hostname func() (string, error)
		want     []string
	}{
		{"a host of its own", "10.1.2.4:8443", nil, host("gw1", nil), []string{"10.1.2.4", "localhost", "127.0.0.1"}},
		{"a host and names", "10.1.2.4:8443", names, host("gw1", nil), []string{"10.1.2.4", "nix.example.ir", "localhost", "127.0.0.1"}},
		{"every IPv4 interface, names", "0.0.0.0:8443", names, host("gw1", nil), []string{"nix.example.ir", "10.1.2.4", "localhost", "127.0.0.1"}},
		{"every interface, names", "[::]:8443", names, host("gw1", nil), []string{"nix.example.ir", "10.1.2.4", "localhost", "127.0.0.1"}},
		{"every interface, no names", ":8443", nil, host("gw1.example.ir", nil), []string{"gw1.example.ir", "localhost", "127.0.0.1"}},
		{"every interface, a host name no certificate can carry", "0.0.0.0:8443", nil, host("gw_1", nil), []string{"localhost", "127.0.0.1"}},
		{"every interface, no host name", "0.0.0.0:8443", nil, host("", errors.New("no name")), []string{"localhost", "127.0.0.1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := serverNames(tc.addr, tc.names, tc.hostname)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}
}

// TestServerTLSNames: a gateway listening on every interface with TLS
// names carries them in its certificate, and a caller that dials it by
// one of them verifies it against the platform CA.
func TestServerTLSNames(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.TLSNames = []string{"nix.example.ir", "*.gw.example.ir", "10.1.2.4", "2001:db8::4"}
	ca, err := pki.InitCA(filepath.Join(cfg.DataDir, "ca"), "IR", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	n := &nixState{cfg: cfg, ca: ca}
	tlsCfg, err := n.serverTLS("0.0.0.0:8443")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(tlsCfg.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	var ips []string
	for _, ip := range cert.IPAddresses {
		ips = append(ips, ip.String())
	}
	if got, want := cert.DNSNames, []string{"nix.example.ir", "*.gw.example.ir", "localhost"}; !cmp.Equal(got, want) {
		t.Errorf("DNS names %q, want %q", got, want)
	}
	if got, want := ips, []string{"10.1.2.4", "2001:db8::4", "127.0.0.1"}; !cmp.Equal(got, want) {
		t.Errorf("IP addresses %q, want %q", got, want)
	}
	if cert.Subject.CommonName != "nix.example.ir" {
		t.Errorf("common name %q", cert.Subject.CommonName)
	}

	ln, err := tls.Listen("tcp", "127.0.0.1:0", tlsCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	dial := func(serverName string) error {
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", ln.Addr().String(),
			&tls.Config{RootCAs: roots, ServerName: serverName, MinVersion: tls.VersionTLS13})
		if err == nil {
			c.Close()
		}
		return err
	}
	for _, name := range []string{"nix.example.ir", "api.gw.example.ir", "10.1.2.4", "2001:db8::4", "localhost"} {
		if err := dial(name); err != nil {
			t.Errorf("handshake as %s: %v", name, err)
		}
	}
	for _, name := range []string{"other.example.ir", "gw.example.ir", "10.1.2.5"} {
		var wrongName x509.HostnameError
		if err := dial(name); !errors.As(err, &wrongName) {
			t.Errorf("handshake as %s: %v, want a certificate not valid for it", name, err)
		}
	}
}
