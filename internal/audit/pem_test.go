package audit

import "testing"

func TestParsePublicKeyPEM(t *testing.T) {
	key := newKey(t)
	pub, err := MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePublicKeyPEM(append([]byte("junk before\n"), pub...))
	if err != nil || !got.Equal(&key.PublicKey) {
		t.Errorf("ParsePublicKeyPEM = %v, %v", got, err)
	}
	if _, err := ParsePublicKeyPEM([]byte("no pem here")); err == nil {
		t.Error("no PEM block: no error")
	}
}
