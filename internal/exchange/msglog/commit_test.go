package msglog

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// appendAsync appends in a goroutine and waits until the writer has taken
// the record off the queue.
func appendAsync(t *testing.T, l *Log, i int) <-chan error {
	t.Helper()
	before := l.received.Load()
	done := make(chan error, 1)
	go func() {
		_, err := l.Append(context.Background(), testRecord(i))
		done <- err
	}()
	for l.received.Load() == before {
		runtime.Gosched()
	}
	return done
}

func TestCommitWaitsForAnnouncedRecords(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{Signer: newKey(t), CommitDelay: time.Hour})
	first, second := l.Coming(), l.Coming()

	first()
	done1 := appendAsync(t, l, 1)
	select {
	case err := <-done1:
		t.Fatalf("the first record was committed alone (err %v) while a second was announced", err)
	case <-time.After(50 * time.Millisecond):
	}
	second()
	done2 := make(chan error, 1)
	go func() {
		_, err := l.Append(context.Background(), testRecord(2))
		done2 <- err
	}()
	for _, done := range []<-chan error{done1, done2} {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if b := l.batches.Load(); b != 1 {
		t.Errorf("%d write+fsync rounds for two records committed together, want 1", b)
	}
}

func TestCommitDelayIsBounded(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{Signer: newKey(t), CommitDelay: 20 * time.Millisecond})
	arrived := l.Coming() // announced, never appended
	mustAppend(t, l, 1)   // returns after at most the delay
	arrived()
	arrived()
	if n := l.coming.Load(); n != 0 {
		t.Errorf("after the announcement ended twice, %d records are announced, want 0", n)
	}
}

func TestNothingAnnouncedNoWait(t *testing.T) {
	// With an hour's delay, an Append that waited would hang the test.
	l := openLog(t, t.TempDir(), Options{Signer: newKey(t), CommitDelay: time.Hour})
	for i := range 3 {
		mustAppend(t, l, i)
	}
	if b := l.batches.Load(); b != 3 {
		t.Errorf("%d rounds for three appends one after another, want 3", b)
	}
}

func TestCloseEndsTheWait(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	l, err := Open(dir, Options{Signer: key, CommitDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	l.Coming() // never arrives
	done := appendAsync(t, l, 1)
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the record waiting for company: %v", err)
	}
	if rep := mustVerify(t, dir, &key.PublicKey); rep.Records != 1 {
		t.Errorf("the log holds %d records, want 1", rep.Records)
	}
}
