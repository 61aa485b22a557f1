package oidc

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// sealedPrefix marks a private key sealed with the key-encryption key. A
// PKCS #8 key in DER begins with 0x30, so the two forms cannot be
// confused.
var sealedPrefix = []byte("pjk1:")

// newKeySeal returns the AEAD that seals private keys at rest with kek,
// a 32-byte AES-256 key, or nil when kek is empty.
func newKeySeal(kek []byte) (cipher.AEAD, error) {
	if len(kek) == 0 {
		return nil, nil
	}
	return newGCM("KeyEncryptionKey", kek)
}

// newGCM returns AES-256-GCM with key, which must be 32 bytes; option
// names the option that holds it, for the error.
func newGCM(option string, key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("oidc: %s must be 32 bytes, not %d", option, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("oidc: %s: %w", option, err)
	}
	return cipher.NewGCM(block)
}

// seal returns prefix, a random nonce and plain sealed with a and ad.
func seal(a cipher.AEAD, prefix, plain, ad []byte) []byte {
	out := make([]byte, len(prefix)+a.NonceSize(), len(prefix)+a.NonceSize()+len(plain)+a.Overhead())
	copy(out, prefix)
	nonce := out[len(prefix):]
	_, _ = rand.Read(nonce)
	return a.Seal(out, nonce, plain, ad)
}

// open opens the nonce and sealed text that seal wrote after its prefix.
func open(a cipher.AEAD, sealed, ad []byte) ([]byte, error) {
	n := a.NonceSize()
	if len(sealed) < n+a.Overhead() {
		return nil, errors.New("oidc: sealed value cut short")
	}
	return a.Open(nil, sealed[:n], sealed[n:], ad)
}

// sealKey returns the stored form of a private key: sealed with AES-GCM,
// bound to its key ID, when a key-encryption key is set; as it is
// otherwise.
func (k *keyring) sealKey(id string, der []byte) []byte {
	if k.seal == nil {
		return der
	}
	return seal(k.seal, sealedPrefix, der, []byte(id))
}

// openKey returns the PKCS #8 form of a stored private key. Keys stored
// before a key-encryption key was configured are read as they are, and
// sealed by the next maintenance run.
func (k *keyring) openKey(id string, stored []byte) ([]byte, error) {
	if !isSealed(stored) {
		return stored, nil
	}
	if k.seal == nil {
		return nil, fmt.Errorf("oidc: key %s is sealed and no KeyEncryptionKey is configured", id)
	}
	der, err := open(k.seal, stored[len(sealedPrefix):], []byte(id))
	if err != nil {
		return nil, fmt.Errorf("oidc: key %s: %w", id, ErrKeySealBroken)
	}
	return der, nil
}

func isSealed(stored []byte) bool { return bytes.HasPrefix(stored, sealedPrefix) }

// CheckKeySeal opens the signing keys stored in db that New would load
// with kek, the KeyEncryptionKey a provider would be given, without
// changing anything: a node can refuse to start on a database whose keys
// were sealed under another key (ErrKeySealBroken) before it migrates
// or writes anything. A database without the keys' table or without
// keys passes.
func CheckKeySeal(ctx context.Context, db *sqldb.DB, kek []byte) error {
	seal, err := newKeySeal(kek)
	if err != nil {
		return err
	}
	if ok, err := db.HasTable(ctx, "oidc_keys"); err != nil || !ok {
		return err
	}
	k := &keyring{db: db, now: time.Now, seal: seal}
	_, err = k.load(ctx)
	return err
}

// ErrKeySealBroken is the failure to open a stored signing key with the
// configured KeyEncryptionKey: it was sealed with another.
var ErrKeySealBroken = errors.New("cannot be opened with the configured KeyEncryptionKey")
