package msglog

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestAppendConcurrentRoundTrip(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	clock := newClock()
	l := openLog(t, dir, Options{Signer: key, Now: clock.Now})

	const workers, each = 32, 40
	var (
		mu   sync.Mutex
		got  = map[uint64]Record{}
		wg   sync.WaitGroup
		errs = make(chan error, workers)
	)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if i%10 == 0 {
					clock.Add(300 * time.Millisecond)
				}
				r, err := l.Append(context.Background(), testRecord(w*each+i))
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				got[r.Seq] = r
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if len(got) != workers*each {
		t.Fatalf("acknowledged %d distinct seqs, want %d", len(got), workers*each)
	}
	if b := l.batches.Load(); b >= workers*each {
		t.Logf("no group commit observed: %d batches for %d records", b, workers*each)
	}

	var scanned []Record
	if err := Scan([]string{dir}, func(r Record) error { scanned = append(scanned, r); return nil }); err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if len(scanned) != len(got) {
		t.Fatalf("scanned %d records, want %d", len(scanned), len(got))
	}
	for i, r := range scanned {
		if r.Seq != uint64(i+1) {
			t.Fatalf("record %d has seq %d", i, r.Seq)
		}
		if diff := cmp.Diff(got[r.Seq], r); diff != "" {
			t.Fatalf("seq %d differs from its acknowledgement (-ack +scan):\n%s", r.Seq, diff)
		}
		if h := recordHash(&r); h != r.Hash {
			t.Fatalf("seq %d: hash mismatch", r.Seq)
		}
	}
	rep := mustVerify(t, dir, &key.PublicKey)
	if rep.Records != workers*each || rep.FirstSeq != 1 || rep.LastSeq != workers*each {
		t.Errorf("report = %+v", rep)
	}
	if rep.Seals < 2 || len(rep.Warnings) != 0 {
		t.Errorf("want several seals and no warnings (Close seals), got %d seals, warnings %v", rep.Seals, rep.Warnings)
	}
}

func TestAppendFields(t *testing.T) {
	dir := t.TempDir()
	clock := newClock()
	l := openLog(t, dir, Options{Signer: newKey(t), Now: clock.Now})
	defer l.Close()

	r1 := mustAppend(t, l, 1)
	want := testRecord(1)
	want.Seq, want.Time, want.Hash = 1, clock.Now(), r1.Hash
	if diff := cmp.Diff(want, r1); diff != "" {
		t.Errorf("first record (-want +got):\n%s", diff)
	}
	in := testRecord(2)
	in.Time = time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.FixedZone("IRST", 12600))
	r2, err := l.Append(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if r2.PrevHash != r1.Hash || r2.Seq != 2 {
		t.Errorf("second record does not link: %+v", r2)
	}
	if wantT := time.Date(2026, 1, 1, 23, 34, 5, 123456000, time.UTC); !r2.Time.Equal(wantT) || r2.Time.Location() != time.UTC {
		t.Errorf("time = %v, want %v in UTC", r2.Time, wantT)
	}

	bad := []struct {
		name string
		mut  func(*Record)
	}{
		{"no message ID", func(r *Record) { r.MessageID = "" }},
		{"no client", func(r *Record) { r.Client = "" }},
		{"no service", func(r *Record) { r.Service = "" }},
		{"too long", func(r *Record) { r.Subject = strings.Repeat("x", MaxFieldLen+1) }},
		{"control character", func(r *Record) { r.TrackingCode = "a\x00b" }},
		{"invalid UTF-8", func(r *Record) { r.EndUser = "\xff" }},
		{"negative size", func(r *Record) { r.RequestBytes = -1 }},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			r := testRecord(3)
			tc.mut(&r)
			if _, err := l.Append(context.Background(), r); err == nil {
				t.Error("Append accepted an invalid record")
			}
		})
	}
}

func TestAppendAfterClose(t *testing.T) {
	l := openLog(t, t.TempDir(), Options{Signer: newKey(t)})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(context.Background(), testRecord(1)); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestOpenLocked: a second process cannot open a log another has open,
// and cannot change a byte of it trying; the first goes on appending,
// and once it has closed the log the second can open it.
func TestOpenLocked(t *testing.T) {
	if dir := os.Getenv("MSGLOG_OPEN_DIR"); dir != "" {
		// The second process: ask whether the log is in use, open, say
		// what happened, close.
		fmt.Printf("inuse=%v\n", errors.Is(InUse(dir), ErrLocked))
		l, err := Open(dir, Options{Signer: newKey(t)})
		if err != nil {
			fmt.Printf("locked=%v %v\n", errors.Is(err, ErrLocked), err)
			return
		}
		fmt.Println("opened")
		l.Close()
		return
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no flock here")
	}
	dir := t.TempDir()
	key := newKey(t)
	// The first seals only when asked to, so that the live segment
	// changes only if the second process changes it.
	l := openLog(t, dir, Options{Signer: key, SealEvery: time.Hour})
	for i := 1; i <= 3; i++ {
		mustAppend(t, l, i)
	}
	second := func() string {
		cmd := exec.Command(os.Args[0], "-test.run=^TestOpenLocked$")
		cmd.Env = append(os.Environ(), "MSGLOG_OPEN_DIR="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("the second process: %v\n%s", err, out)
		}
		return string(out)
	}
	live := filepath.Join(dir, liveName)
	before, err := os.ReadFile(live)
	if err != nil {
		t.Fatal(err)
	}
	if out := second(); !strings.Contains(out, "inuse=true") || !strings.Contains(out, "locked=true") || !strings.Contains(out, "another gateway") {
		t.Fatalf("a second process opening the log: %s", out)
	}
	if after, _ := os.ReadFile(live); string(after) != string(before) {
		t.Fatal("the second process changed the live segment")
	}
	for i := 4; i <= 6; i++ {
		mustAppend(t, l, i)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, dir, &key.PublicKey); rep.Records != 6 {
		t.Errorf("verified %d records, want 6", rep.Records)
	}
	if out := second(); !strings.Contains(out, "inuse=false") || !strings.Contains(out, "opened") {
		t.Fatalf("once closed, a second process opening the log: %s", out)
	}
	// Within one process too, a log is open once at a time.
	l = openLog(t, dir, Options{Signer: key})
	if _, err := Open(dir, Options{Signer: key}); !errors.Is(err, ErrLocked) {
		t.Errorf("a second Open in the same process: %v, want ErrLocked", err)
	}
	l.Close()
}

// TestInUseChangesNothing: asking whether a log is in use where none was
// ever opened says no and leaves the directory as it was.
func TestInUseChangesNothing(t *testing.T) {
	dir := t.TempDir()
	if err := InUse(dir); err != nil {
		t.Fatal(err)
	}
	if err := InUse(filepath.Join(dir, "missing")); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("InUse wrote %s", ents[0].Name())
	}
}

func TestOptions(t *testing.T) {
	key := newKey(t)
	tests := []struct {
		name    string
		opts    Options
		wantErr bool
	}{
		{"defaults", Options{Signer: key}, false},
		{"six months", Options{Signer: key, Retention: MinRetention}, false},
		{"three years", Options{Signer: key, Retention: 3 * 365 * 24 * time.Hour}, false},
		{"five months", Options{Signer: key, Retention: 150 * 24 * time.Hour}, true},
		{"180 days", Options{Signer: key, Retention: 180 * 24 * time.Hour}, true},
		{"negative", Options{Signer: key, Retention: -time.Hour}, true},
		{"no signer", Options{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Open(t.TempDir(), tc.opts)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Open error = %v, want error %v", err, tc.wantErr)
			}
			if l != nil {
				l.Close()
			}
		})
	}
}

func TestSealEvery(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	clock := newClock()
	l := openLog(t, dir, Options{Signer: key, Now: clock.Now, SealEvery: time.Second})
	mustAppend(t, l, 1)
	clock.Add(time.Second)
	mustAppend(t, l, 2) // due: the seal goes out in the same write
	fr := readFrames(t, filepath.Join(dir, liveName))
	last := fr[len(fr)-1]
	if last.typ != frameSeal || last.seq != 2 {
		t.Errorf("last frame = %+v, want a seal of seq 2", last)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, dir, &key.PublicKey)
}

func TestRotationAndPrune(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	clock := newClock()
	opts := Options{Signer: key, Now: clock.Now, RotateEvery: 24 * time.Hour, RotateBytes: 1 << 30}
	l := openLog(t, dir, opts)

	// Ten days, five records a day: one archive per day.
	n := 0
	for range 10 {
		for range 5 {
			n++
			mustAppend(t, l, n)
		}
		clock.Add(24 * time.Hour)
	}
	archives, err := listArchives(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(archives) != 9 {
		t.Fatalf("got %d archives, want 9", len(archives))
	}
	for i, a := range archives {
		wantName := archiveName(uint64(5*i+1), uint64(5*i+5), time.Date(2026, 11, 23+i, 0, 0, 0, 0, time.UTC))
		if got := filepath.Base(a.path); got != wantName {
			t.Errorf("archive %d = %s, want %s", i, got, wantName)
		}
	}
	// Size-based rotation through the same path.
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, dir, &key.PublicKey)

	l = openLog(t, dir, Options{Signer: key, Now: clock.Now, RotateBytes: 2000})
	for range 20 {
		n++
		mustAppend(t, l, n)
	}
	archives, _ = listArchives(dir)
	if len(archives) < 11 {
		t.Errorf("size rotation: %d archives, want at least 11", len(archives))
	}
	rep := mustVerify(t, dir, &key.PublicKey)
	if rep.LastSeq != uint64(n) {
		t.Errorf("last seq %d, want %d", rep.LastSeq, n)
	}

	// Retention: nothing is old enough yet, then the first three days are.
	if got, err := l.Prune(clock.Now()); err != nil || len(got) != 0 {
		t.Fatalf("Prune now = %v, %v; want nothing", got, err)
	}
	day0 := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	pruneAt := day0.Add(3*24*time.Hour + MinRetention)
	got, err := l.Prune(pruneAt)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range got {
		names = append(names, filepath.Base(p))
	}
	sort.Strings(names)
	want := []string{archiveName(1, 5, day0), archiveName(6, 10, day0.AddDate(0, 0, 1)), archiveName(11, 15, day0.AddDate(0, 0, 2))}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("pruned (-want +got):\n%s", diff)
	}
	// Far in the future everything but the newest archive and the live file goes.
	if _, err := l.Prune(pruneAt.AddDate(10, 0, 0)); err != nil {
		t.Fatal(err)
	}
	archives, _ = listArchives(dir)
	if len(archives) != 1 {
		t.Errorf("%d archives left, want the newest only", len(archives))
	}
	if _, err := os.Stat(filepath.Join(dir, liveName)); err != nil {
		t.Errorf("live segment: %v", err)
	}
	mustAppend(t, l, n+1)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	rep, err = Verify([]string{dir}, &key.PublicKey, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Problem == nil || rep.Problem.Kind != KindRemoved || rep.Problem.Seq != 1 {
		t.Errorf("pruned log without AllowPrunedPrefix: problem %v, want removed at seq 1", rep.Problem)
	}
	rep, err = Verify([]string{dir}, &key.PublicKey, VerifyOptions{AllowPrunedPrefix: true})
	if err != nil || rep.Problem != nil {
		t.Fatalf("pruned log with AllowPrunedPrefix: %v %v", rep.Problem, err)
	}
	if rep.LastSeq != uint64(n+1) || rep.FirstSeq == 1 {
		t.Errorf("report %+v", rep)
	}
}

func TestTornTail(t *testing.T) {
	cuts := []struct {
		name string
		cut  func(f frameInfo) int64
	}{
		{"inside frame header", func(f frameInfo) int64 { return f.off + 4 }},
		{"inside payload", func(f frameInfo) int64 { return f.off + (f.end-f.off)/2 }},
		{"one byte short", func(f frameInfo) int64 { return f.end - 1 }},
	}
	for _, tc := range cuts {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			key := newKey(t)
			clock := newClock()
			opts := Options{Signer: key, Now: clock.Now}
			l := openLog(t, dir, opts)
			for i := range 20 {
				mustAppend(t, l, i)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			live := filepath.Join(dir, liveName)
			frames := readFrames(t, live)
			var last frameInfo
			for _, f := range frames {
				if f.typ == frameRecord {
					last = f
				}
			}
			if last.seq != 20 {
				t.Fatalf("last record frame %+v", last)
			}
			if err := os.Truncate(live, tc.cut(last)); err != nil {
				t.Fatal(err)
			}
			rep, err := Verify([]string{dir}, &key.PublicKey, VerifyOptions{})
			if err != nil || rep.Problem != nil {
				t.Fatalf("Verify before recovery: %v %v", rep.Problem, err)
			}
			if len(rep.Warnings) == 0 || rep.Warnings[0].Kind != KindTornTail || rep.Warnings[0].Seq != 20 {
				t.Errorf("warnings = %v, want a torn tail at seq 20", rep.Warnings)
			}

			l = openLog(t, dir, opts)
			r := mustAppend(t, l, 99)
			if r.Seq != 20 {
				t.Errorf("after recovery the next seq is %d, want 20", r.Seq)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			rep = mustVerify(t, dir, &key.PublicKey)
			if rep.LastSeq != 20 || len(rep.Warnings) != 0 {
				t.Errorf("report %+v", rep)
			}
		})
	}
}

func TestOpenRefusesTampering(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	opts := Options{Signer: key, Now: newClock().Now}
	l := openLog(t, dir, opts)
	for i := range 10 {
		mustAppend(t, l, i)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	live := filepath.Join(dir, liveName)
	frames := readFrames(t, live)
	b, err := os.ReadFile(live)
	if err != nil {
		t.Fatal(err)
	}
	b[frames[3].off+frameHeaderSize+200] ^= 1 // seq 4, inside a string
	if err := os.WriteFile(live, b, 0o640); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, opts)
	if err == nil || !strings.Contains(err.Error(), "seq 4") || !strings.Contains(err.Error(), KindAltered) {
		t.Errorf("Open of a tampered log: %v, want an error naming seq 4 altered", err)
	}
}

func TestOpenWithoutLiveSegment(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	clock := newClock()
	opts := Options{Signer: key, Now: clock.Now, RotateBytes: 1500}
	l := openLog(t, dir, opts)
	for i := range 12 {
		mustAppend(t, l, i)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// A crash between renaming the live segment and creating its successor.
	if err := os.Remove(filepath.Join(dir, liveName)); err != nil {
		t.Fatal(err)
	}
	archives, _ := listArchives(dir)
	lastSeq := archives[len(archives)-1].last
	l = openLog(t, dir, opts)
	if r := mustAppend(t, l, 100); r.Seq != lastSeq+1 {
		t.Errorf("seq %d, want %d", r.Seq, lastSeq+1)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, dir, &key.PublicKey)
}

// TestLogID: a new log gets an ID of its own, kept across reopening; a
// log made before logs had IDs keeps the ID "".
func TestLogID(t *testing.T) {
	key := newKey(t)
	dir := t.TempDir()
	l := openLog(t, dir, Options{Signer: key})
	id := l.ID()
	mustAppend(t, l, 1)
	l.Close()
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Fatalf("a new log's ID %q", id)
	}
	l = openLog(t, dir, Options{Signer: key})
	if l.ID() != id {
		t.Errorf("reopened, the log's ID is %q, was %q", l.ID(), id)
	}
	l.Close()
	other := openLog(t, t.TempDir(), Options{Signer: key})
	if other.ID() == id {
		t.Error("two logs have one ID")
	}
	other.Close()
	if err := os.Remove(filepath.Join(dir, idName)); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, dir, Options{Signer: key})
	if l.ID() != "" {
		t.Errorf("a log with records and no ID file has the ID %q", l.ID())
	}
	l.Close()
	if _, err := os.Stat(filepath.Join(dir, idName)); err == nil {
		t.Error("an ID was made up for a log that had records")
	}
}
