package oidc_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/panjereh/panjereh/internal/identity/oidc"
)

// TestRunDeliversAndRetries: Run, as started in the background, sends a
// back-channel logout token as soon as a session ends, and retries it
// after a failure once the back-off has passed.
func TestRunDeliversAndRetries(t *testing.T) {
	e := newEnv(t, func(o *oidc.Options) { o.JobInterval = 10 * time.Millisecond })
	attempts := make(chan int, 8)
	tokens := make(chan string, 8)
	var mu sync.Mutex
	n := 0
	agency := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		attempts <- n
		if first {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		tokens <- r.PostFormValue("logout_token")
	}))
	defer agency.Close()
	c, _ := e.p.Client(context.Background(), "agency")
	c.BackchannelURI = agency.URL + "/backchannel"
	e.client(c)
	r := e.rp("agency", e.secretFor(t))
	tok, _ := e.login(r, e.browser())

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.p.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	q := url.Values{"id_token_hint": {tok.Extra("id_token").(string)}}
	resp, err := e.browser().Get(e.url + "/oauth2/logout?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The hint names the person, but this browser has no session:
	// nothing ends. End the window session as the identity side would.
	e.sessions.mu.Lock()
	var sid string
	for id := range e.sessions.byID {
		sid = id
	}
	e.sessions.mu.Unlock()
	e.p.SessionEnded(context.Background(), sid)

	wait := func(what string) {
		t.Helper()
		select {
		case <-attempts:
		case <-time.After(10 * time.Second):
			t.Fatalf("no %s delivery attempt", what)
		}
	}
	wait("first")
	// The retry is not due yet on the provider's clock.
	select {
	case <-attempts:
		t.Fatal("retried before the back-off")
	case <-time.After(100 * time.Millisecond):
	}
	e.clock.Add(time.Minute)
	wait("second")
	select {
	case lt := <-tokens:
		if lt == "" {
			t.Fatal("empty logout token")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no logout token delivered")
	}
}

// count returns the number of rows in table.
func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.db.Read.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// jwksKeyIDs fetches the published key IDs.
func (e *env) jwksKeyIDs(t *testing.T) map[string]bool {
	t.Helper()
	resp, err := http.Get(e.url + "/oauth2/jwks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, k := range set.Keys {
		out[k.KeyID] = true
	}
	return out
}

// TestMaintain: the maintenance job keeps what is still valid, removes
// what has expired, and rotates keys when they are due: a new key is
// published before it signs, and an old one leaves the JWKS once no
// token it signed can still be valid.
func TestMaintain(t *testing.T) {
	e := newEnv(t, func(o *oidc.Options) { o.CacheTTL = time.Nanosecond })
	ctx := context.Background()
	r := e.rp("agency", e.secretFor(t), "offline_access")
	tok, _ := e.login(r, e.browser())
	// A delivery long finished, and one still owed.
	for _, d := range []struct {
		id        string
		delivered any
	}{{"old", e.clock.Now().Add(-2 * time.Hour)}, {"owed", nil}} {
		if _, err := e.db.Write.Exec(`INSERT INTO oidc_logout_deliveries (id, client_id, uri, token, created_at, next_at,
			attempts, last_error, delivered_at) VALUES ($1, 'agency', 'http://127.0.0.1:9/bc', 't', $2, $2, 1, '', $3)`,
			d.id, e.clock.Now().Add(-2*time.Hour), d.delivered); err != nil {
			t.Fatal(err)
		}
	}

	m, err := e.p.Maintain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.Grants != 0 || m.RefreshTokens != 0 || m.Keys != 0 || m.Rotated != 0 || m.Deliveries != 1 {
		t.Fatalf("first run removed or rotated what is still valid: %+v", m)
	}
	if got := e.count(t, "oidc_logout_deliveries"); got != 1 {
		t.Errorf("deliveries left: %d, want the one still owed", got)
	}
	e.clock.Add(time.Minute)
	tok.Expiry = time.Now().Add(-time.Second)
	fresh, err := r.cfg.TokenSource(ctx, tok).Token()
	if err != nil {
		t.Fatalf("refresh after maintenance: %v", err)
	}
	keys := e.jwksKeyIDs(t)
	if len(keys) != 2 {
		t.Fatalf("published keys at the start: %v", keys)
	}

	// Thirty-one days on, the refresh tokens have expired and the keys
	// are due for rotation.
	e.clock.Add(31 * 24 * time.Hour)
	m, err = e.p.Maintain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.Grants != 1 || m.RefreshTokens != 2 || m.Rotated != 2 {
		t.Errorf("after 31 days: %+v, want 1 grant and 2 refresh tokens removed, 2 keys rotated", m)
	}
	if e.count(t, "oidc_grants") != 0 || e.count(t, "oidc_refresh_tokens") != 0 {
		t.Error("expired grants or refresh tokens remain")
	}
	if _, err := r.cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: fresh.RefreshToken}).Token(); !isOAuthError(err, "invalid_grant") {
		t.Errorf("expired refresh token: %v", err)
	}
	rotated := e.jwksKeyIDs(t)
	if len(rotated) != 4 {
		t.Fatalf("after rotation the JWKS has %d keys, want the old and the new", len(rotated))
	}
	signedBy := func() string {
		t.Helper()
		tok, _ := e.login(r, e.browser())
		h, _ := base64URL(tok.Extra("id_token").(string))
		var hdr struct {
			KID string `json:"kid"`
		}
		_ = json.Unmarshal(h, &hdr)
		return hdr.KID
	}
	if kid := signedBy(); !keys[kid] {
		t.Errorf("a new key (%s) signs before KeyPublishDelay", kid)
	}
	// A second run, on this node or another, finds nothing due.
	if m, err = e.p.Maintain(ctx); err != nil || m.Rotated != 0 {
		t.Errorf("second run: %+v, %v", m, err)
	}
	e.clock.Add(2 * time.Minute)
	if kid := signedBy(); keys[kid] || !rotated[kid] {
		t.Errorf("after KeyPublishDelay %s signs, want a new key", kid)
	}
	// Once the old keys' last tokens have expired, they leave the JWKS
	// and the database.
	e.clock.Add(2 * time.Hour)
	if m, err = e.p.Maintain(ctx); err != nil || m.Keys != 2 {
		t.Errorf("run after the old keys' tokens expired: %+v, %v", m, err)
	}
	final := e.jwksKeyIDs(t)
	for kid := range keys {
		if final[kid] {
			t.Errorf("old key %s still published", kid)
		}
	}
	if len(final) != 2 || e.count(t, "oidc_keys") != 2 {
		t.Errorf("keys left: published %v, stored %d", final, e.count(t, "oidc_keys"))
	}
}

// TestMaintainOnTwoNodes: two nodes running maintenance at once on the
// same database rotate each key once.
func TestMaintainOnTwoNodes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	other, err := oidc.New(ctx, e.opts)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(31 * 24 * time.Hour)
	var wg sync.WaitGroup
	results := make([]oidc.Maintenance, 4)
	errs := make([]error, 4)
	for i, p := range []*oidc.Provider{e.p, other, e.p, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = p.Maintain(ctx)
		}()
	}
	wg.Wait()
	rotated := 0
	for i := range results {
		if errs[i] != nil {
			t.Errorf("node run %d: %v", i, errs[i])
		}
		rotated += results[i].Rotated
	}
	if rotated != 2 {
		t.Errorf("keys rotated %d times in all, want 2 (one per algorithm)", rotated)
	}
	var current int
	if err := e.db.Read.QueryRow(`SELECT COUNT(*) FROM oidc_keys WHERE retire_at IS NULL`).Scan(&current); err != nil || current != 2 {
		t.Errorf("current keys: %d, %v", current, err)
	}
}

// TestAssertionIDsExpire: a used client assertion ID is kept until the
// assertion expires, then removed.
func TestAssertionIDsExpire(t *testing.T) {
	e := newEnv(t)
	key, jwks := newClientKey(t, "k1")
	e.client(&oidc.Client{ID: "registry-office", NameFa: "ثبت", NameEn: "Registry office", RedirectURIs: []string{redirectRP},
		Scopes: []string{"openid"}, MaxACR: "loa1", AuthMethod: oidc.AuthPrivateKeyJWT, JWKS: jwks, IDTokenAlg: "ES256",
		ClientCredentials: true})
	a := e.assertion(key, "k1", "registry-office", "once")
	if got := e.clientCredentials(t, "", "", a); got != http.StatusOK {
		t.Fatalf("first use: %d", got)
	}
	if m, _ := e.p.Maintain(context.Background()); m.Assertions != 0 {
		t.Errorf("a live assertion's ID was removed")
	}
	if got := e.clientCredentials(t, "", "", a); got != http.StatusUnauthorized {
		t.Errorf("replay: %d, want 401", got)
	}
	e.clock.Add(5 * time.Minute)
	if m, _ := e.p.Maintain(context.Background()); m.Assertions != 1 {
		t.Errorf("expired assertion's ID kept: %+v", m)
	}
	if got := e.clientCredentials(t, "", "", a); got != http.StatusUnauthorized {
		t.Errorf("expired assertion: %d, want 401", got)
	}
}

// TestKeyEncryption: with a KeyEncryptionKey the private keys are sealed
// in the database; without one they are PKCS #8; keys stored before the
// key-encryption key was set are sealed by maintenance.
func TestKeyEncryption(t *testing.T) {
	kek := bytes.Repeat([]byte{7}, 32)
	stored := func(e *env) [][]byte {
		t.Helper()
		rows, err := e.db.Read.Query(`SELECT private_key FROM oidc_keys`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out [][]byte
		for rows.Next() {
			var b []byte
			_ = rows.Scan(&b)
			out = append(out, b)
		}
		return out
	}
	isPKCS8 := func(b []byte) bool { _, err := x509.ParsePKCS8PrivateKey(b); return err == nil }
	ctx := context.Background()

	t.Run("sealed", func(t *testing.T) {
		e := newEnv(t, func(o *oidc.Options) { o.KeyEncryptionKey = kek })
		for _, b := range stored(e) {
			if isPKCS8(b) || !bytes.HasPrefix(b, []byte("pjk1:")) {
				t.Errorf("a private key is stored unsealed")
			}
		}
		e.login(e.rp("agency", e.secretFor(t)), e.browser()) // signs and verifies
		if err := e.p.RotateKeys(ctx); err != nil {
			t.Fatal(err)
		}
		for _, b := range stored(e) {
			if isPKCS8(b) {
				t.Errorf("a rotated key is stored unsealed")
			}
		}
		without := e.opts
		without.KeyEncryptionKey = nil
		if _, err := oidc.New(ctx, without); err == nil {
			t.Error("a node without the key-encryption key started on sealed keys")
		}
		wrong := e.opts
		wrong.KeyEncryptionKey = bytes.Repeat([]byte{8}, 32)
		if _, err := oidc.New(ctx, wrong); !errors.Is(err, oidc.ErrKeySealBroken) {
			t.Errorf("a node with the wrong key-encryption key: %v, want ErrKeySealBroken", err)
		}
	})
	t.Run("plain, then sealed by maintenance", func(t *testing.T) {
		e := newEnv(t)
		for _, b := range stored(e) {
			if !isPKCS8(b) {
				t.Errorf("without a key-encryption key, a key is not PKCS #8")
			}
		}
		with := e.opts
		with.KeyEncryptionKey = kek
		p, err := oidc.New(ctx, with)
		if err != nil {
			t.Fatalf("a node with a key-encryption key cannot read plain keys: %v", err)
		}
		m, err := p.Maintain(ctx)
		if err != nil || m.Sealed != 2 {
			t.Fatalf("sealing: %+v, %v", m, err)
		}
		for _, b := range stored(e) {
			if isPKCS8(b) {
				t.Errorf("a key left unsealed")
			}
		}
		if m, _ = p.Maintain(ctx); m.Sealed != 0 {
			t.Errorf("second run sealed %d again", m.Sealed)
		}
		if _, err := oidc.New(ctx, with); err != nil {
			t.Errorf("a node with the key reads sealed keys: %v", err)
		}
	})
	t.Run("bad length", func(t *testing.T) {
		e := newEnv(t)
		bad := e.opts
		bad.KeyEncryptionKey = []byte("short")
		if _, err := oidc.New(ctx, bad); err == nil {
			t.Error("a 5-byte key-encryption key was accepted")
		}
	})
}

// A session that ended without telling the provider leaves the record of
// the agencies it entered; Maintain drops it once no session can be that
// old, and keeps younger ones.
func TestMaintainDropsOldSessionRecords(t *testing.T) {
	e := newEnv(t)
	r := e.rp("agency", e.secretFor(t), "profile")
	e.login(r, e.browser())
	if got := e.count(t, "oidc_session_clients"); got != 1 {
		t.Fatalf("session records: %d, want the login's", got)
	}
	m, err := e.p.Maintain(context.Background())
	if err != nil || m.Sessions != 0 {
		t.Fatalf("a fresh record was dropped: %+v %v", m, err)
	}
	e.clock.Add(25 * time.Hour)
	m, err = e.p.Maintain(context.Background())
	if err != nil || m.Sessions != 1 || e.count(t, "oidc_session_clients") != 0 {
		t.Errorf("a day-old record was kept: %+v %v", m, err)
	}
}
