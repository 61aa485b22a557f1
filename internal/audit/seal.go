package audit

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/panjereh/panjereh/internal/ecpem"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// sealDomain keeps a seal's signature from being valid for anything else
// the same key might sign.
const sealDomain = "panjereh/audit/seal/v1\x00"

// sealDigest is SHA-256 over the domain, the head's seq and hash, and the
// seal's time in microseconds since 1970 UTC.
func sealDigest(seq int64, hash []byte, at time.Time) [32]byte {
	b := make([]byte, 0, len(sealDomain)+8+len(hash)+8)
	b = append(b, sealDomain...)
	b = binary.BigEndian.AppendUint64(b, uint64(seq))
	b = append(b, hash...)
	b = binary.BigEndian.AppendUint64(b, uint64(at.UnixMicro()))
	return sha256.Sum256(b)
}

// p256 returns pub as an ECDSA P-256 key, the only kind seals use.
func p256(pub crypto.PublicKey) (*ecdsa.PublicKey, error) { return ecpem.P256(pub) }

// KeyID names a public key in seals: the first 8 bytes of the SHA-256 of
// its PKIX encoding, in hex. Verification picks the key by it, so the
// key can be replaced without re-signing old seals.
func KeyID(pub *ecdsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:8]), nil
}

func keyIDOf(pub crypto.PublicKey) (string, error) {
	k, err := p256(pub)
	if err != nil {
		return "", err
	}
	return KeyID(k)
}

// sealLoop seals the head every SealEvery while it moves, and once more
// after the writer has finished at Close.
func (l *Log) sealLoop() {
	if l.Signer == nil {
		return
	}
	tick := time.NewTicker(l.sealEvery())
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-l.stop:
			<-l.writerDone
			l.sealAndLog()
			return
		}
		l.sealAndLog()
	}
}

func (l *Log) sealAndLog() {
	ctx, cancel := context.WithTimeout(context.Background(), l.batchTimeout())
	defer cancel()
	if err := l.seal(ctx); err != nil {
		l.logger().Error("audit: seal", "err", err)
	}
}

// Seal signs the chain head now if it has moved since the newest seal.
// A node does this by itself every SealEvery.
func (l *Log) Seal(ctx context.Context) error {
	if err := l.start(); err != nil {
		return err
	}
	if l.Signer == nil {
		return errors.New("audit: seal: no signer")
	}
	return l.seal(ctx)
}

func (l *Log) seal(ctx context.Context) error {
	var seq, sealed int64
	var hash []byte
	err := sqldb.ScanOne(ctx, l.DB.Read, `SELECT h.seq, h.hash, (SELECT COALESCE(MAX(s.seq), 0) FROM audit_seals s)
		FROM audit_head h WHERE h.id = 1`, nil, &seq, &hash, &sealed)
	if errors.Is(err, sqldb.ErrNotFound) || err == nil && seq <= sealed {
		return nil // nothing recorded yet, or nothing new
	}
	if err != nil {
		return fmt.Errorf("audit: seal: read head: %w", err)
	}
	at := l.now().UTC().Truncate(time.Microsecond)
	d := sealDigest(seq, hash, at)
	sig, err := l.Signer.Sign(rand.Reader, d[:], crypto.SHA256)
	if err != nil {
		return fmt.Errorf("audit: seal: sign: %w", err)
	}
	// Another node may have sealed the same head meanwhile; one seal of it
	// is enough.
	_, err = l.DB.Write.ExecContext(ctx, `INSERT INTO audit_seals (seq, hash, at, key_id, sig)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING`, seq, hash, at, l.keyID, sig)
	if err != nil {
		return fmt.Errorf("audit: seal: store: %w", err)
	}
	return nil
}

// MarshalPublicKeyPEM returns pub as a PEM "PUBLIC KEY" block, the form
// `panjereh audit verify --key` reads.
func MarshalPublicKeyPEM(pub *ecdsa.PublicKey) ([]byte, error) {
	b, err := ecpem.MarshalPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("audit: public key: %w", err)
	}
	return b, nil
}

// ParsePublicKeyPEM reads an ECDSA P-256 public key from the first PEM
// block of data that holds one: "PUBLIC KEY", "CERTIFICATE", or, for
// convenience on the signing host, "EC PRIVATE KEY" or "PRIVATE KEY".
func ParsePublicKeyPEM(data []byte) (*ecdsa.PublicKey, error) {
	k, err := ecpem.ParsePublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("audit: public key: %w", err)
	}
	return k, nil
}
