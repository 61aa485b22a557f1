package pki

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
)

// LoadClientTLS returns the TLS configuration an agency uses to call the
// exchange: TLS 1.3, presenting the member certificate and key from
// member.crt and member.key in dir, and trusting only the platform CA in
// ca.crt there, as WriteMemberFiles laid them out.
func LoadClientTLS(dir string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, MemberCertFile), filepath.Join(dir, MemberKeyFile))
	if err != nil {
		return nil, fmt.Errorf("pki: load client TLS: %w", err)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, CACertFile))
	if err != nil {
		return nil, fmt.Errorf("pki: load client TLS: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("pki: load client TLS: no certificate in %s", filepath.Join(dir, CACertFile))
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		RootCAs:      pool,
	}, nil
}
