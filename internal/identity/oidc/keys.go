package oidc

import (
	"context"
	"crypto"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// signingKey is one of the provider's keys.
type signingKey struct {
	id        string
	alg       jose.SignatureAlgorithm
	priv      crypto.Signer
	signFrom  time.Time
	retireAt  time.Time         // zero: not retired
	expiresAt time.Time         // zero: published indefinitely
	headers   map[string]string // the encoded protected header and its dot, by typ
}

// Token types, as the typ header of the JWTs the provider signs.
const (
	typID     = "JWT"
	typAccess = "at+jwt"     // RFC 9068
	typLogout = "logout+jwt" // OpenID Back-Channel Logout 1.0
)

// keyring holds the signing keys read from the database, reloading them
// after ttl so that a rotation on another node is seen.
type keyring struct {
	db   *sqldb.DB
	ttl  time.Duration
	now  func() time.Time
	seal cipher.AEAD // seals private keys at rest; nil stores them as they are

	mu     sync.Mutex
	keys   []*signingKey
	loaded time.Time
}

var supportedAlgs = []jose.SignatureAlgorithm{jose.ES256, jose.RS256}

// ensure makes sure a key of every supported algorithm exists, creating
// the missing ones able to sign at once (nothing was published before),
// and that every stored key can be read.
func (k *keyring) ensure(ctx context.Context, tokenLife time.Duration) error {
	now := k.now()
	for _, alg := range supportedAlgs {
		// A key created at any time counts: only a missing one is made.
		if _, err := k.create(ctx, alg, now, tokenLife, time.Time{}); err != nil {
			return err
		}
	}
	// Read them all now, so that a node that cannot open them (a missing
	// or wrong KeyEncryptionKey) fails at start, not at its first token.
	k.invalidate()
	_, err := k.current(ctx)
	return err
}

// always, as create's olderThan, replaces the current key whatever its age.
var always = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// create adds a new key of alg that signs from signFrom, and retires the
// current key of alg at that moment; it stays published until the
// tokens it signed have expired. It does so only when there is no
// current key or the current one was created before olderThan, and
// reports whether it made a key. Several nodes may call it at once: the
// unique index on the current key per algorithm lets one of them win,
// and the others find nothing to do.
func (k *keyring) create(ctx context.Context, alg jose.SignatureAlgorithm, signFrom time.Time, tokenLife time.Duration, olderThan time.Time) (bool, error) {
	var currentID string
	var currentCreated time.Time
	err := k.db.Read.QueryRowContext(ctx, `SELECT id, created_at FROM oidc_keys WHERE alg = $1 AND retire_at IS NULL`,
		string(alg)).Scan(&currentID, &currentCreated)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("oidc: current %s key: %w", alg, err)
	}
	if currentID != "" && !currentCreated.Before(olderThan) {
		return false, nil
	}
	var priv crypto.Signer
	switch alg {
	case jose.ES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case jose.RS256:
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		return false, fmt.Errorf("oidc: unsupported key algorithm %s", alg)
	}
	if err != nil {
		return false, fmt.Errorf("oidc: generate %s key: %w", alg, err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return false, fmt.Errorf("oidc: encode %s key: %w", alg, err)
	}
	id := string(alg) + "-" + randomToken(9)
	stored := k.sealKey(id, der)
	now := k.now()
	err = k.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if currentID != "" {
			res, err := tx.ExecContext(ctx, `UPDATE oidc_keys SET retire_at = $1, expires_at = $2
				WHERE id = $3 AND retire_at IS NULL`, signFrom, signFrom.Add(tokenLife+time.Minute), currentID)
			if err != nil {
				return fmt.Errorf("oidc: retire %s key: %w", alg, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errKeyRace
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO oidc_keys (id, alg, private_key, created_at, sign_from)
			VALUES ($1, $2, $3, $4, $5)`, id, string(alg), stored, now, signFrom)
		if sqldb.IsUniqueViolation(err) {
			return errKeyRace
		}
		if err != nil {
			return fmt.Errorf("oidc: store %s key: %w", alg, err)
		}
		tx.AfterCommit(k.invalidate)
		return nil
	})
	if errors.Is(err, errKeyRace) {
		return false, nil
	}
	return err == nil, err
}

// errKeyRace means another node changed the current key first.
var errKeyRace = errors.New("oidc: another node rotated the key")

func (k *keyring) invalidate() {
	k.mu.Lock()
	k.loaded = time.Time{}
	k.mu.Unlock()
}

// current returns the keys, reloading them when the cache is stale.
func (k *keyring) current(ctx context.Context) ([]*signingKey, error) {
	now := k.now()
	k.mu.Lock()
	if !k.loaded.IsZero() && now.Sub(k.loaded) < k.ttl {
		keys := k.keys
		k.mu.Unlock()
		return keys, nil
	}
	k.mu.Unlock()
	keys, err := k.load(ctx)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.keys, k.loaded = keys, now
	k.mu.Unlock()
	return keys, nil
}

func (k *keyring) load(ctx context.Context) ([]*signingKey, error) {
	rows, err := k.db.Read.QueryContext(ctx, `SELECT id, alg, private_key, sign_from, retire_at, expires_at
		FROM oidc_keys WHERE expires_at IS NULL OR expires_at > $1 ORDER BY sign_from DESC, id`, k.now())
	if err != nil {
		return nil, fmt.Errorf("oidc: load keys: %w", err)
	}
	defer rows.Close()
	var out []*signingKey
	for rows.Next() {
		var key signingKey
		var alg string
		var stored []byte
		var retire, expires *time.Time
		if err := rows.Scan(&key.id, &alg, &stored, &key.signFrom, &retire, &expires); err != nil {
			return nil, fmt.Errorf("oidc: load keys: %w", err)
		}
		der, err := k.openKey(key.id, stored)
		if err != nil {
			return nil, err
		}
		key.alg = jose.SignatureAlgorithm(alg)
		if retire != nil {
			key.retireAt = *retire
		}
		if expires != nil {
			key.expiresAt = *expires
		}
		pk, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return nil, fmt.Errorf("oidc: key %s: %w", key.id, err)
		}
		// sign handles exactly these two.
		switch pk := pk.(type) {
		case *ecdsa.PrivateKey:
			if key.alg != jose.ES256 || pk.Curve != elliptic.P256() {
				return nil, fmt.Errorf("oidc: key %s: an EC key on %s for %s", key.id, pk.Curve.Params().Name, alg)
			}
			key.priv = pk
		case *rsa.PrivateKey:
			if key.alg != jose.RS256 {
				return nil, fmt.Errorf("oidc: key %s: an RSA key for %s", key.id, alg)
			}
			key.priv = pk
		default:
			return nil, fmt.Errorf("oidc: key %s: a %T cannot sign %s", key.id, pk, alg)
		}
		key.headers = map[string]string{}
		for _, typ := range []string{typID, typAccess, typLogout} {
			h, err := json.Marshal(struct {
				Alg string `json:"alg"`
				Kid string `json:"kid"`
				Typ string `json:"typ"`
			}{alg, key.id, typ})
			if err != nil {
				return nil, fmt.Errorf("oidc: key %s: %w", key.id, err)
			}
			key.headers[typ] = base64.RawURLEncoding.EncodeToString(h) + "."
		}
		out = append(out, &key)
	}
	return out, rows.Err()
}

// signer returns the key that signs with alg now: the newest one whose
// time to sign has come and which is not retired.
func (k *keyring) signer(ctx context.Context, alg jose.SignatureAlgorithm) (*signingKey, error) {
	keys, err := k.current(ctx)
	if err != nil {
		return nil, err
	}
	now := k.now()
	for _, key := range keys { // newest first
		if key.alg == alg && !key.signFrom.After(now) && (key.retireAt.IsZero() || key.retireAt.After(now)) {
			return key, nil
		}
	}
	return nil, fmt.Errorf("oidc: no %s key able to sign", alg)
}

// jwks returns the published keys: every key not yet expired, including
// those that will sign only later.
func (k *keyring) jwks(ctx context.Context) (*jose.JSONWebKeySet, error) {
	keys, err := k.current(ctx)
	if err != nil {
		return nil, err
	}
	now := k.now()
	set := &jose.JSONWebKeySet{}
	for _, key := range keys {
		if !key.expiresAt.IsZero() && !key.expiresAt.After(now) {
			continue
		}
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: key.priv.Public(), KeyID: key.id, Algorithm: string(key.alg), Use: "sig"})
	}
	return set, nil
}

// sign signs claims with the current key for alg, as a JWT of type typ
// in the JWS compact serialization (RFC 7515 §7.1): the protected header
// {"alg","kid","typ"}, encoded once per key and type when the keys are
// loaded, the claims, and the signature over both, which for ES256 is R
// and S of 32 bytes each (RFC 7518 §3.4) and for RS256 RSASSA-PKCS1-v1_5
// with SHA-256 (§3.3).
func (k *keyring) sign(ctx context.Context, alg jose.SignatureAlgorithm, typ string, claims any) (string, error) {
	key, err := k.signer(ctx, alg)
	if err != nil {
		return "", err
	}
	header, ok := key.headers[typ]
	if !ok {
		return "", fmt.Errorf("oidc: sign: no token type %q", typ)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("oidc: encode claims: %w", err)
	}
	enc := base64.RawURLEncoding
	jwt := make([]byte, 0, len(header)+enc.EncodedLen(len(payload))+1+enc.EncodedLen(512))
	jwt = append(jwt, header...)
	jwt = enc.AppendEncode(jwt, payload)
	digest := sha256.Sum256(jwt)
	var sig []byte
	switch priv := key.priv.(type) {
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, priv, digest[:])
		if err != nil {
			return "", fmt.Errorf("oidc: sign: %w", err)
		}
		sig = make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	case *rsa.PrivateKey:
		if sig, err = rsa.SignPKCS1v15(nil, priv, crypto.SHA256, digest[:]); err != nil {
			return "", fmt.Errorf("oidc: sign: %w", err)
		}
	}
	jwt = append(jwt, '.')
	return string(enc.AppendEncode(jwt, sig)), nil
}

// errUnknownKey is verify's error for a well-formed token of the type
// asked for whose key is not the provider's, or no longer: a key is
// removed once the tokens it signed have expired.
var errUnknownKey = errors.New("oidc: token signed by an unknown key")

// verify checks a token of type typ signed by one of the provider's keys
// and returns its payload. It does not check any claim.
func (k *keyring) verify(ctx context.Context, token, typ string) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(token, supportedAlgs)
	if err != nil || len(jws.Signatures) != 1 {
		return nil, errors.New("oidc: malformed token")
	}
	if t, _ := jws.Signatures[0].Protected.ExtraHeaders[jose.HeaderType].(string); t != typ {
		return nil, errors.New("oidc: wrong token type")
	}
	kid := jws.Signatures[0].Header.KeyID
	keys, err := k.current(ctx)
	if err != nil {
		return nil, err
	}
	for _, key := range keys {
		if key.id != kid {
			continue
		}
		if string(key.alg) != jws.Signatures[0].Header.Algorithm {
			return nil, errors.New("oidc: token signed with another algorithm than its key's")
		}
		return jws.Verify(key.priv.Public())
	}
	return nil, errUnknownKey
}

// RotateKeys creates a new signing key for every algorithm. It is
// published in the JWKS at once but signs only after KeyPublishDelay
// (immediately when delay is zero); the keys it replaces keep signing
// until then and stay published until the tokens they signed expire.
func (p *Provider) RotateKeys(ctx context.Context) error {
	_, err := p.rotateKeys(ctx, always)
	return err
}

// rotateKeys replaces the current key of every algorithm created before
// olderThan, and reports how many it replaced.
func (p *Provider) rotateKeys(ctx context.Context, olderThan time.Time) (int, error) {
	signFrom := p.now().Add(p.opts.KeyPublishDelay)
	n := 0
	for _, alg := range supportedAlgs {
		made, err := p.keys.create(ctx, alg, signFrom, p.maxTokenLifetime(), olderThan)
		if err != nil {
			return n, err
		}
		if made {
			n++
		}
	}
	if n > 0 {
		p.audit(ctx, nil, AuditEvent{Kind: "oidc.keys.rotate", Subject: "signing-keys",
			Details: map[string]string{"sign_from": signFrom.Format(time.RFC3339), "published": fmt.Sprint(n)}})
	}
	return n, nil
}
