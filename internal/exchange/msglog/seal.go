package msglog

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/panjereh/panjereh/internal/ecpem"
	"io"
	"time"
)

// seal is a signed statement of the chain head.
type seal struct {
	Seq  uint64
	Hash [32]byte
	Time time.Time
	Sig  []byte // ASN.1 ECDSA signature over sealDigest
}

// sealDomain separates seal signatures from anything else the gateway key
// signs (TLS handshakes, other documents).
const sealDomain = "panjereh/nix/msglog/seal/v1\x00"

// sealDigest is SHA-256 of the canonical seal bytes: domain, seq, hash,
// time in microseconds.
func sealDigest(seq uint64, hash [32]byte, t time.Time) [32]byte {
	b := make([]byte, 0, len(sealDomain)+48)
	b = append(b, sealDomain...)
	b = binary.BigEndian.AppendUint64(b, seq)
	b = append(b, hash[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(t.UnixMicro()))
	return sha256.Sum256(b)
}

func signSeal(signer crypto.Signer, seq uint64, hash [32]byte, t time.Time) (seal, error) {
	t = t.UTC().Truncate(time.Microsecond)
	d := sealDigest(seq, hash, t)
	sig, err := signer.Sign(rand.Reader, d[:], crypto.SHA256)
	if err != nil {
		return seal{}, fmt.Errorf("sign seal: %w", err)
	}
	return seal{Seq: seq, Hash: hash, Time: t, Sig: sig}, nil
}

func (s seal) verify(pub *ecdsa.PublicKey) bool {
	d := sealDigest(s.Seq, s.Hash, s.Time)
	return ecdsa.VerifyASN1(pub, d[:], s.Sig)
}

func appendSealFrame(dst []byte, s seal) []byte {
	start := len(dst)
	dst = beginFrame(dst)
	dst = binary.BigEndian.AppendUint64(dst, s.Seq)
	dst = append(dst, s.Hash[:]...)
	dst = binary.BigEndian.AppendUint64(dst, uint64(s.Time.UnixMicro()))
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(s.Sig)))
	dst = append(dst, s.Sig...)
	finishFrame(dst[start:], frameSeal)
	return dst
}

func decodeSeal(p []byte) (seal, error) {
	if len(p) < 50 {
		return seal{}, errors.New("short seal")
	}
	n := int(binary.BigEndian.Uint16(p[48:]))
	if len(p) != 50+n || n == 0 {
		return seal{}, errors.New("malformed seal")
	}
	s := seal{
		Seq:  binary.BigEndian.Uint64(p),
		Time: time.UnixMicro(int64(binary.BigEndian.Uint64(p[40:]))).UTC(),
		Sig:  p[50:],
	}
	copy(s.Hash[:], p[8:40])
	return s, nil
}

// checkKey accepts only ECDSA P-256 public keys, the gateway key type.
func checkKey(pub any) (*ecdsa.PublicKey, error) { return ecpem.P256(pub) }

// WritePublicKeyPEM writes pub as a PEM "PUBLIC KEY" block (PKIX), the
// form verify-log's --key reads.
func WritePublicKeyPEM(w io.Writer, pub *ecdsa.PublicKey) error {
	b, err := ecpem.MarshalPublicKey(pub)
	if err == nil {
		_, err = w.Write(b)
	}
	if err != nil {
		return fmt.Errorf("msglog: write public key: %w", err)
	}
	return nil
}

// LoadPublicKeyPEM reads the gateway's ECDSA P-256 public key from the
// first "PUBLIC KEY" or "CERTIFICATE" PEM block in data (or a private
// key's, on the signing host).
func LoadPublicKeyPEM(data []byte) (*ecdsa.PublicKey, error) {
	k, err := ecpem.ParsePublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("msglog: load public key: %w", err)
	}
	return k, nil
}
