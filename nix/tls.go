package nix

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
)

// The files of a member's certificate directory, as `panjereh ca issue`
// writes them.
const (
	CACertFile     = "ca.crt"     // the platform CA's certificate
	MemberCertFile = "member.crt" // the member's certificate
	MemberKeyFile  = "member.key" // its private key
)

// LoadTLS returns the TLS configuration a member uses to call the
// gateway: its certificate from dir, and the platform CA as the only
// root, TLS 1.3.
func LoadTLS(dir string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, MemberCertFile), filepath.Join(dir, MemberKeyFile))
	if err != nil {
		return nil, fmt.Errorf("nix: load TLS: %w", err)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, CACertFile))
	if err != nil {
		return nil, fmt.Errorf("nix: load TLS: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("nix: load TLS: no certificate in %s", filepath.Join(dir, CACertFile))
	}
	return &tls.Config{MinVersion: tls.VersionTLS13, Certificates: []tls.Certificate{cert}, RootCAs: pool}, nil
}
