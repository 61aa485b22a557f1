package oidc

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
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

// sealKey returns the stored form of a private key: sealed with AES-GCM,
// bound to its key ID, when a key-encryption key is set; as it is
// otherwise.
func (k *keyring) sealKey(id string, der []byte) []byte {
	if k.seal == nil {
		return der
	}
	nonce := make([]byte, k.seal.NonceSize())
	_, _ = rand.Read(nonce)
	out := append(append([]byte{}, sealedPrefix...), nonce...)
	return k.seal.Seal(out, nonce, der, []byte(id))
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
	rest := stored[len(sealedPrefix):]
	if len(rest) < k.seal.NonceSize() {
		return nil, fmt.Errorf("oidc: key %s: %w", id, errSealBroken)
	}
	der, err := k.seal.Open(nil, rest[:k.seal.NonceSize()], rest[k.seal.NonceSize():], []byte(id))
	if err != nil {
		return nil, fmt.Errorf("oidc: key %s: %w", id, errSealBroken)
	}
	return der, nil
}

func isSealed(stored []byte) bool { return bytes.HasPrefix(stored, sealedPrefix) }

var errSealBroken = errors.New("cannot be opened with the configured KeyEncryptionKey")
