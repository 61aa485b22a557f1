// Package ecpem reads and writes, as PEM, the ECDSA P-256 keys that seal
// the platform's tamper-evident logs (the exchange's message log and the
// audit log), so that their verifiers accept the same files.
package ecpem

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// P256 returns pub as an ECDSA P-256 public key, or an error saying what
// it is instead.
func P256(pub crypto.PublicKey) (*ecdsa.PublicKey, error) {
	k, ok := pub.(*ecdsa.PublicKey)
	if !ok || k.Curve != elliptic.P256() {
		return nil, fmt.Errorf("key is %T, want an ECDSA P-256 public key", pub)
	}
	return k, nil
}

// MarshalPublicKey encodes pub as a PEM "PUBLIC KEY" block (PKIX).
func MarshalPublicKey(pub *ecdsa.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParsePublicKey reads an ECDSA P-256 public key from the first PEM block
// of data that holds one: "PUBLIC KEY", "CERTIFICATE", or, for
// convenience on the signing host, "EC PRIVATE KEY" or "PRIVATE KEY".
func ParsePublicKey(data []byte) (*ecdsa.PublicKey, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("no PUBLIC KEY, CERTIFICATE or private key PEM block")
		}
		var pub crypto.PublicKey
		switch b.Type {
		case "PUBLIC KEY":
			k, err := x509.ParsePKIXPublicKey(b.Bytes)
			if err != nil {
				return nil, err
			}
			pub = k
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, err
			}
			pub = c.PublicKey
		case "EC PRIVATE KEY":
			k, err := x509.ParseECPrivateKey(b.Bytes)
			if err != nil {
				return nil, err
			}
			pub = k.Public()
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, err
			}
			s, ok := k.(crypto.Signer)
			if !ok {
				return nil, fmt.Errorf("private key is %T", k)
			}
			pub = s.Public()
		default:
			continue
		}
		return P256(pub)
	}
}

// LoadOrCreate loads the private key in DIR/NAME, creating it on first use
// (mode 0600) with its public half in DIR/PUB (mode 0644) for whoever
// verifies the seals.
func LoadOrCreate(dir, name, pub string) (*ecdsa.PrivateKey, error) {
	path := filepath.Join(dir, name)
	if b, err := os.ReadFile(path); err == nil {
		blk, _ := pem.Decode(b)
		if blk == nil {
			return nil, fmt.Errorf("%s: not PEM", path)
		}
		return x509.ParseECPrivateKey(blk.Bytes)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	pubPEM, err := MarshalPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return nil, err
	}
	return key, os.WriteFile(filepath.Join(dir, pub), pubPEM, 0o644)
}
