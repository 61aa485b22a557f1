package agency

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestStoreConcurrentUse runs logins, lookups and back-channel logouts
// at once; run with -race.
func TestStoreConcurrentUse(t *testing.T) {
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	s := newStore(func() time.Time { return now })
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 200 {
				sid := fmt.Sprintf("sid-%d", i%10)
				sess := &session{Subject: fmt.Sprintf("sub-%d", w), SID: sid}
				s.addSession(sess, time.Hour)
				s.session(sess.ID)
				key := s.addPending(pendingLogin{State: "x"})
				s.takePending(key)
				if i%7 == 0 {
					s.endProvider(sid, "")
				}
				s.firstUse(fmt.Sprintf("jti-%d-%d", w, i), now.Add(time.Minute))
			}
		})
	}
	wg.Wait()
}

func TestStoreRules(t *testing.T) {
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	s := newStore(func() time.Time { return now })

	key := s.addPending(pendingLogin{State: "st"})
	if p, ok := s.takePending(key); !ok || p.State != "st" {
		t.Fatalf("pending login: %+v %v", p, ok)
	}
	if _, ok := s.takePending(key); ok {
		t.Error("a pending login worked twice")
	}
	key = s.addPending(pendingLogin{State: "late"})
	now = now.Add(pendingLifetime)
	if _, ok := s.takePending(key); ok {
		t.Error("an expired pending login worked")
	}

	a := &session{Subject: "s1", SID: "sid-1"}
	b := &session{Subject: "s1", SID: "sid-1"}
	c := &session{Subject: "s1", SID: "sid-2"}
	d := &session{Subject: "s2", SID: "sid-3"}
	for _, x := range []*session{a, b, c, d} {
		s.addSession(x, time.Hour)
	}
	if a.ID == b.ID || len(a.ID) != 43 {
		t.Errorf("session IDs %q, %q", a.ID, b.ID)
	}
	if n := s.endProvider("sid-1", "someone-else"); n != 0 {
		t.Errorf("a token naming another sub ended %d sessions", n)
	}
	if n := s.endProvider("sid-1", "s1"); n != 2 {
		t.Errorf("ended %d sessions of sid-1, want 2", n)
	}
	if n := s.endProvider("", "s1"); n != 1 {
		t.Errorf("ended %d sessions of s1 by sub, want 1", n)
	}
	if _, ok := s.session(d.ID); !ok {
		t.Error("another person's session ended")
	}
	now = now.Add(time.Hour)
	if _, ok := s.session(d.ID); ok {
		t.Error("an expired session is still valid")
	}

	if !s.firstUse("j", now.Add(time.Minute)) || s.firstUse("j", now.Add(time.Minute)) {
		t.Error("a logout token's jti is not acted on exactly once")
	}
}

func TestPendingLoginsAreBounded(t *testing.T) {
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	s := newStore(func() time.Time { return now })
	first := s.addPending(pendingLogin{})
	for range maxPending + 10 {
		now = now.Add(time.Millisecond)
		s.addPending(pendingLogin{})
	}
	if n := len(s.pending); n > maxPending {
		t.Errorf("%d pending logins kept, at most %d", n, maxPending)
	}
	if _, ok := s.takePending(first); ok {
		t.Error("the oldest pending login was not the one dropped")
	}
}

func TestTrackingCode(t *testing.T) {
	if got := luhnDigit([]byte("7992739871")); got != '3' {
		t.Errorf("Luhn digit of 7992739871 = %c, want 3", got)
	}
	a, b := newTrackingCode(), newTrackingCode()
	if len(a) != 16 || a == b || a[15] != luhnDigit([]byte(a[:15])) {
		t.Errorf("tracking codes %q, %q", a, b)
	}
}
