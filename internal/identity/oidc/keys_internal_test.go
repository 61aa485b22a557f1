package oidc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

// TestSignCompact: every token the keyring signs, of each algorithm and
// type, is a JWS in the compact serialization that go-jose parses and
// verifies with the key the JWKS publishes, whose protected header is
// exactly alg, kid and typ, and whose payload is the claims; one changed
// byte of it is refused, and the keyring's own verify takes it back only
// as the type it was signed as.
func TestSignCompact(t *testing.T) {
	ctx := context.Background()
	k := &keyring{db: sqldbtest.Open(t), ttl: time.Minute, now: time.Now}
	if err := k.ensure(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	set, err := k.jwks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{"sub": "0012345679", "name": "مریم احمدی", "aud": []string{"agency"}, "iat": 1790000000}
	want, _ := json.Marshal(claims)
	for _, alg := range supportedAlgs {
		key, err := k.signer(ctx, alg)
		if err != nil {
			t.Fatal(err)
		}
		public := set.Key(key.id)
		if len(public) != 1 {
			t.Fatalf("%s: key %s is not in the JWKS", alg, key.id)
		}
		for _, typ := range []string{typID, typAccess, typLogout} {
			tok, err := k.sign(ctx, alg, typ, claims)
			if err != nil {
				t.Fatalf("%s %s: %v", alg, typ, err)
			}
			parts := strings.Split(tok, ".")
			if len(parts) != 3 {
				t.Fatalf("%s %s: %d parts", alg, typ, len(parts))
			}
			header, err := base64.RawURLEncoding.DecodeString(parts[0])
			if err != nil {
				t.Fatal(err)
			}
			var h map[string]any
			if err := json.Unmarshal(header, &h); err != nil {
				t.Fatal(err)
			}
			if len(h) != 3 || h["alg"] != string(alg) || h["kid"] != key.id || h["typ"] != typ {
				t.Errorf("%s %s: header %s", alg, typ, header)
			}
			jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{alg})
			if err != nil {
				t.Fatalf("%s %s: %v", alg, typ, err)
			}
			payload, err := jws.Verify(public[0].Key)
			if err != nil {
				t.Fatalf("%s %s: %v", alg, typ, err)
			}
			if string(payload) != string(want) {
				t.Errorf("%s %s: payload %s, want %s", alg, typ, payload, want)
			}
			if alg == "ES256" {
				if sig, _ := base64.RawURLEncoding.DecodeString(parts[2]); len(sig) != 64 {
					t.Errorf("%s: a signature of %d bytes, want R and S of 32", alg, len(sig))
				}
			}
			if got, err := k.verify(ctx, tok, typ); err != nil || string(got) != string(want) {
				t.Errorf("%s %s: verify: %s, %v", alg, typ, got, err)
			}
			if _, err := k.verify(ctx, tok, "other+jwt"); err == nil {
				t.Errorf("%s %s: verified as another type", alg, typ)
			}
			// A change to the claims, signed or not, breaks the signature.
			changed := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(want), "0012345679", "0012345670", 1))) + "." + parts[2]
			if _, err := k.verify(ctx, changed, typ); err == nil {
				t.Errorf("%s %s: a changed payload verified", alg, typ)
			}
		}
	}
	if _, err := k.sign(ctx, "ES256", "unknown+jwt", claims); err == nil {
		t.Error("signed a token of an unknown type")
	}
}
