package identity

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"math/big"
	"strings"
)

// newCode returns a uniformly random code of n digits.
func newCode(n int) (string, error) {
	limit := big.NewInt(1)
	for range n {
		limit.Mul(limit, big.NewInt(10))
	}
	v, err := rand.Int(rand.Reader, limit)
	if err != nil {
		return "", err
	}
	s := v.String()
	return strings.Repeat("0", n-len(s)) + s, nil
}

// codeHash is the keyed hash of a code, bound to its challenge so a hash
// cannot be replayed for another one.
func codeHash(secret []byte, challengeID, code string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(challengeID))
	m.Write([]byte{0})
	m.Write([]byte(code))
	return m.Sum(nil)
}

// codeMatches compares in constant time.
func codeMatches(secret []byte, challengeID, code string, want []byte) bool {
	return hmac.Equal(codeHash(secret, challengeID, code), want)
}
