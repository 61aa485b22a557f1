package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/panjereh/panjereh/nix"
)

// File names in a CA directory and in a member's directory, where
// nix.LoadTLS finds them.
const (
	CACertFile     = nix.CACertFile
	CAKeyFile      = "ca.key"
	MemberCertFile = nix.MemberCertFile
	MemberKeyFile  = nix.MemberKeyFile
)

// Validity periods of what the CA signs.
const (
	CAValidity     = 10 * 365 * 24 * time.Hour
	MemberValidity = 365 * 24 * time.Hour
	ServerValidity = 365 * 24 * time.Hour
)

// backdate starts certificates a little before they are issued so that a
// peer whose clock is slightly behind still accepts them.
const backdate = 5 * time.Minute

// CA is the platform's certificate authority for one instance.
type CA struct {
	// Cert is the CA's self-signed certificate.
	Cert *x509.Certificate
	// CertPEM is Cert in PEM, as handed to members in ca.crt.
	CertPEM []byte
	// Instance is the federation instance the CA serves, such as IR.
	Instance string

	key crypto.Signer
}

// InitCA creates a new CA for instance in dir: an ECDSA P-256 key in
// ca.key (mode 0600) and a self-signed certificate valid for ten years in
// ca.crt. It refuses to overwrite an existing CA, since every member
// certificate issued so far would stop being trusted.
func InitCA(dir string, instance string, now time.Time) (*CA, error) {
	if err := validInstance(instance); err != nil {
		return nil, fmt.Errorf("pki: init CA: %w", err)
	}
	keyPath, certPath := filepath.Join(dir, CAKeyFile), filepath.Join(dir, CACertFile)
	for _, p := range []string{keyPath, certPath} {
		if _, err := os.Stat(p); err == nil {
			return nil, fmt.Errorf("pki: init CA: %s already exists; refusing to replace the platform CA", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("pki: init CA: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("pki: init CA: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pki: init CA: generate key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, fmt.Errorf("pki: init CA: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			Country:      []string{instance},
			Organization: []string{"Panjereh"},
			CommonName:   "Panjereh NIX CA " + instance,
		},
		NotBefore:             now.Add(-backdate).UTC(),
		NotAfter:              now.Add(CAValidity).UTC(),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("pki: init CA: create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pki: init CA: %w", err)
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, fmt.Errorf("pki: init CA: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	// The key is written first and exclusively: if two processes race to
	// initialise the CA, one of them fails here instead of both writing.
	if err := writeNew(keyPath, keyPEM, 0o600); err != nil {
		return nil, fmt.Errorf("pki: init CA: %w", err)
	}
	if err := writeNew(certPath, certPEM, 0o644); err != nil {
		return nil, fmt.Errorf("pki: init CA: %w", err)
	}
	return &CA{Cert: cert, CertPEM: certPEM, Instance: instance, key: key}, nil
}

// LoadCA reads the CA that InitCA created in dir. It refuses a key file
// that others can read.
func LoadCA(dir string) (*CA, error) {
	keyPath, certPath := filepath.Join(dir, CAKeyFile), filepath.Join(dir, CACertFile)
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(keyPath)
		if err != nil {
			return nil, fmt.Errorf("pki: load CA: %w", err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("pki: load CA: %s has mode %v; it must be readable by its owner only (chmod 600)", keyPath, fi.Mode().Perm())
		}
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, fmt.Errorf("pki: load CA: %w", err)
	}
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, fmt.Errorf("pki: load CA: %w", err)
	}
	cert, err := ParseCertificatePEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("pki: load CA: %s: %w", certPath, err)
	}
	key, err := parseKey(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("pki: load CA: %s: %w", keyPath, err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || !pub.Equal(key.Public()) {
		return nil, fmt.Errorf("pki: load CA: %s does not match %s", keyPath, certPath)
	}
	if !cert.IsCA || len(cert.Subject.Country) != 1 {
		return nil, fmt.Errorf("pki: load CA: %s is not a platform CA certificate", certPath)
	}
	return &CA{Cert: cert, CertPEM: certPEM, Instance: cert.Subject.Country[0], key: key}, nil
}

// IssueMember issues member a client-authentication certificate valid for
// one year from now, with a new ECDSA P-256 key and a random 128-bit
// serial. The identity is in the Subject (C=instance, O=class, CN=code)
// and in a URI SAN nix:member:INSTANCE/CLASS/CODE. The caller records the
// certificate with Store.RecordIssued.
func (ca *CA) IssueMember(member MemberID, now time.Time) (certPEM, keyPEM []byte, serial string, err error) {
	if err := member.Validate(); err != nil {
		return nil, nil, "", fmt.Errorf("pki: issue member certificate: %w", err)
	}
	if member.Instance != ca.Instance {
		return nil, nil, "", fmt.Errorf("pki: issue member certificate for %s: this CA serves instance %s", member, ca.Instance)
	}
	sn, err := randomSerial()
	if err != nil {
		return nil, nil, "", fmt.Errorf("pki: issue member certificate for %s: %w", member, err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject: pkix.Name{
			Country:      []string{member.Instance},
			Organization: []string{member.Class},
			CommonName:   member.Code,
		},
		URIs:        []*url.URL{memberURI(member)},
		NotBefore:   now.Add(-backdate).UTC(),
		NotAfter:    now.Add(MemberValidity).UTC(),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	certPEM, keyPEM, err = ca.sign(tmpl)
	if err != nil {
		return nil, nil, "", fmt.Errorf("pki: issue member certificate for %s: %w", member, err)
	}
	return certPEM, keyPEM, Serial(tmpl.SerialNumber), nil
}

// IssueServer issues the gateway's TLS server certificate for hosts, valid
// for one year: IP addresses become IP SANs, anything else a DNS SAN.
func (ca *CA) IssueServer(hosts []string, now time.Time) (certPEM, keyPEM []byte, err error) {
	if len(hosts) == 0 {
		return nil, nil, errors.New("pki: issue server certificate: no host names")
	}
	sn, err := randomSerial()
	if err != nil {
		return nil, nil, fmt.Errorf("pki: issue server certificate: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject: pkix.Name{
			Country:      []string{ca.Instance},
			Organization: []string{"Panjereh"},
			CommonName:   hosts[0],
		},
		NotBefore:   now.Add(-backdate).UTC(),
		NotAfter:    now.Add(ServerValidity).UTC(),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	certPEM, keyPEM, err = ca.sign(tmpl)
	if err != nil {
		return nil, nil, fmt.Errorf("pki: issue server certificate: %w", err)
	}
	return certPEM, keyPEM, nil
}

// sign creates a new key and a certificate for it from tmpl.
func (ca *CA) sign(tmpl *x509.Certificate) (certPEM, keyPEM []byte, err error) {
	if tmpl.NotAfter.After(ca.Cert.NotAfter) {
		tmpl.NotAfter = ca.Cert.NotAfter
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate key: %w", err)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.key)
	if err != nil {
		return nil, nil, fmt.Errorf("create certificate: %w", err)
	}
	keyPEM, err = encodeKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM, nil
}

// WriteMemberFiles writes what a member needs to call the exchange into
// dir: member.crt, member.key (mode 0600) and ca.crt. Existing files are
// replaced atomically, so a member can renew its certificate in place.
func WriteMemberFiles(dir string, certPEM, keyPEM, caPEM []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("pki: write member files: %w", err)
	}
	for _, f := range []struct {
		name string
		data []byte
		mode fs.FileMode
	}{
		{MemberKeyFile, keyPEM, 0o600},
		{MemberCertFile, certPEM, 0o644},
		{CACertFile, caPEM, 0o644},
	} {
		if err := replaceFile(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return fmt.Errorf("pki: write member files: %w", err)
		}
	}
	return nil
}

// Serial formats a certificate's serial number as the registry stores it:
// lowercase hexadecimal without leading zeros.
func Serial(n *big.Int) string { return n.Text(16) }

// ParseCertificatePEM parses the first certificate in PEM data.
func ParseCertificatePEM(data []byte) (*x509.Certificate, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("no CERTIFICATE block in PEM data")
		}
		if b.Type == "CERTIFICATE" {
			return x509.ParseCertificate(b.Bytes)
		}
	}
}

func memberURI(m MemberID) *url.URL {
	return &url.URL{Scheme: uriScheme, Opaque: uriPrefix + m.String()}
}

// randomSerial returns a random, positive 128-bit serial number.
func randomSerial() (*big.Int, error) {
	b := make([]byte, 16)
	for {
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("serial: %w", err)
		}
		if n := new(big.Int).SetBytes(b); n.Sign() > 0 {
			return n, nil
		}
	}
}

func encodeKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func parseKey(data []byte) (*ecdsa.PrivateKey, error) {
	b, _ := pem.Decode(data)
	if b == nil || b.Type != "PRIVATE KEY" {
		return nil, errors.New("no PRIVATE KEY block in PEM data")
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, err
	}
	ek, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("key is %T, want ECDSA", k)
	}
	return ek, nil
}

// writeNew creates path with data, failing if it exists.
func writeNew(path string, data []byte, mode fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// replaceFile writes data to a temporary file beside path (created 0600,
// so a key is never readable by others even briefly) and renames it over
// path.
func replaceFile(path string, data []byte, mode fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
