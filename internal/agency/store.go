package agency

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// session is a person's session at the agency, begun by a login through
// the national SSO.
type session struct {
	ID       string    // the opaque value of the agency's cookie
	Subject  string    // the provider's sub
	SID      string    // the provider's session (sid), for back-channel logout
	IDToken  string    // the raw ID token, sent back as id_token_hint at logout
	ACR      string    // the assurance level the login reached
	AMR      []string  // how the person authenticated
	AuthTime time.Time // when the person authenticated at the window
	// Claims are the ID token's claims; UserInfo and Compat what the
	// standard and the compatibility userinfo endpoints answered (nil
	// when the call failed).
	Claims   map[string]any
	UserInfo map[string]any
	Compat   map[string]any
	Expires  time.Time
}

// NationalCode is the person's national code, if the national_code scope
// released it.
func (s *session) NationalCode() string {
	v, _ := s.Claims["nationalCode"].(string)
	return v
}

// Foreign reports whether the person is a foreign national, who logs in
// with a foreign national ID (FIDA) and has no Iranian national code.
// The national_code scope tells it: it releases accountKind "foreign"
// and foreignId in place of nationalCode. Without that scope the agency
// cannot tell, and Foreign is false.
func (s *session) Foreign() bool {
	kind, _ := s.Claims["accountKind"].(string)
	id, _ := s.Claims["foreignId"].(string)
	return kind == "foreign" || id != ""
}

// baseRegistry names the base registry the person's identity was
// matched with when they registered: "foreign" (the foreign nationals'
// registry) for a foreign national, "civil" (the civil registry) for
// anyone with a national code, and "" when the national_code scope was
// not released and the agency cannot tell.
func (s *session) baseRegistry() string {
	switch {
	case s.Foreign():
		return "foreign"
	case s.NationalCode() != "":
		return "civil"
	}
	return ""
}

// pendingLogin is a login that left for the provider and has not come
// back: what the callback must find again.
type pendingLogin struct {
	State, Nonce, Verifier string
	Return                 string // the path to show after login
	Expires                time.Time
}

// Limits that keep the in-memory store bounded: anyone can start a
// login, so pending logins are capped, oldest-expiring first out.
const (
	pendingLifetime = 10 * time.Minute
	maxPending      = 10000
	maxSessions     = 100000
)

// store keeps sessions and pending logins in memory, safe for concurrent
// use. It suits a reference app on one node: a restart logs everyone
// out, and several nodes would each have their own. An agency running
// several nodes keeps the same records in a shared database or cache.
type store struct {
	now func() time.Time

	mu       sync.Mutex
	sessions map[string]*session
	bySID    map[string]map[string]bool // provider sid -> session IDs
	pending  map[string]pendingLogin    // by the login cookie's value
	jtis     map[string]time.Time       // logout tokens acted on, until they expire
}

func newStore(now func() time.Time) *store {
	return &store{now: now, sessions: map[string]*session{}, bySID: map[string]map[string]bool{},
		pending: map[string]pendingLogin{}, jtis: map[string]time.Time{}}
}

// randomID returns 256 random bits in base64url.
func randomID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// addPending keeps a pending login and returns its key.
func (s *store) addPending(p pendingLogin) string {
	key := randomID()
	now := s.now()
	p.Expires = now.Add(pendingLifetime)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) >= maxPending {
		evict(s.pending, now, func(p pendingLogin) time.Time { return p.Expires })
	}
	s.pending[key] = p
	return key
}

// takePending removes and returns a pending login: each works once.
func (s *store) takePending(key string) (pendingLogin, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pending[key]
	delete(s.pending, key)
	if !ok || !s.now().Before(p.Expires) {
		return pendingLogin{}, false
	}
	return p, true
}

// addSession keeps a new session, giving it its ID and expiry.
func (s *store) addSession(sess *session, lifetime time.Duration) {
	now := s.now()
	sess.ID = randomID()
	sess.Expires = now.Add(lifetime)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sessions) >= maxSessions {
		for id, old := range s.sessions {
			if !now.Before(old.Expires) {
				s.removeLocked(id)
			}
		}
	}
	s.sessions[sess.ID] = sess
	if sess.SID != "" {
		if s.bySID[sess.SID] == nil {
			s.bySID[sess.SID] = map[string]bool{}
		}
		s.bySID[sess.SID][sess.ID] = true
	}
}

// session returns a valid session by ID. Sessions are never changed
// after addSession, so the caller may read it without the lock.
func (s *store) session(id string) (*session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	if !ok {
		return nil, false
	}
	if !s.now().Before(sess.Expires) {
		s.removeLocked(id)
		return nil, false
	}
	return sess, true
}

// end ends one session.
func (s *store) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeLocked(id)
}

// endProvider ends every session of the provider's session sid or, when
// sid is empty, of the subject sub, and returns how many it ended.
func (s *store) endProvider(sid, sub string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	if sid != "" {
		for id := range s.bySID[sid] {
			// A token naming both must match both.
			if sub == "" || s.sessions[id].Subject == sub {
				ids = append(ids, id)
			}
		}
	} else {
		for id, sess := range s.sessions {
			if sess.Subject == sub {
				ids = append(ids, id)
			}
		}
	}
	for _, id := range ids {
		s.removeLocked(id)
	}
	return len(ids)
}

// firstUse records a logout token's jti until exp and reports whether it
// was new: a token seen before is not acted on again.
func (s *store) firstUse(jti string, exp time.Time) bool {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, seen := s.jtis[jti]; seen {
		return false
	}
	if len(s.jtis) >= maxPending {
		evict(s.jtis, now, func(t time.Time) time.Time { return t })
	}
	s.jtis[jti] = exp
	return true
}

func (s *store) removeLocked(id string) {
	sess, ok := s.sessions[id]
	if !ok {
		return
	}
	delete(s.sessions, id)
	if ids := s.bySID[sess.SID]; ids != nil {
		delete(ids, id)
		if len(ids) == 0 {
			delete(s.bySID, sess.SID)
		}
	}
}

// evict removes the expired entries of a full map, or, if none has
// expired, the one expiring first.
func evict[V any](m map[string]V, now time.Time, expires func(V) time.Time) {
	var first string
	var firstAt time.Time
	for k, v := range m {
		at := expires(v)
		if !now.Before(at) {
			delete(m, k)
			continue
		}
		if first == "" || at.Before(firstAt) {
			first, firstAt = k, at
		}
	}
	if len(m) >= maxPending && first != "" {
		delete(m, first)
	}
}
