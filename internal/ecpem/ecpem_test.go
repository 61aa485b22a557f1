package ecpem

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreateAndParse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	key, err := LoadOrCreate(dir, "seal.key", "seal-pub.pem")
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadOrCreate(dir, "seal.key", "seal-pub.pem")
	if err != nil || !again.Equal(key) {
		t.Fatalf("second load: %v, same key %v", err, again.Equal(key))
	}
	if st, err := os.Stat(filepath.Join(dir, "seal.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("private key file: %v %v", st.Mode(), err)
	}
	pubPEM, err := os.ReadFile(filepath.Join(dir, "seal-pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	privPEM, _ := os.ReadFile(filepath.Join(dir, "seal.key"))
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(key)
	for name, data := range map[string][]byte{
		"public key":                    pubPEM,
		"EC private key":                privPEM,
		"PKCS #8":                       pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
		"after a block of another kind": append(pem.EncodeToMemory(&pem.Block{Type: "COMMENT", Bytes: []byte("x")}), pubPEM...),
	} {
		got, err := ParsePublicKey(data)
		if err != nil || !got.Equal(&key.PublicKey) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseRefusesOtherKeys(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	for name, k := range map[string]any{"P-384": &p384.PublicKey, "RSA": &rsaKey.PublicKey} {
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParsePublicKey(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})); err == nil {
			t.Errorf("%s key accepted", name)
		}
	}
	if _, err := ParsePublicKey([]byte("not PEM")); err == nil {
		t.Error("garbage accepted")
	}
}
