package msglog

import (
	"os"
	"path/filepath"
	"testing"
)

// The live segment is filled with zeros ahead of its frames so that
// appends sync their data alone. These tests pin what that must not
// change: a crash leaves the zeros in place and recovery continues after
// the last frame; archives and a closed log carry no zeros; zeros where
// they do not belong are reported.

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// crashCopy appends n records to a fresh log and returns a copy of its
// directory taken while it is still open: what a crash leaves on disk.
func crashCopy(t *testing.T, opts Options, n int) (copied string, frames []frameInfo) {
	t.Helper()
	dir := t.TempDir()
	l := openLog(t, dir, opts)
	for i := range n {
		mustAppend(t, l, i)
	}
	copied = copyDir(t, dir)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return copied, readFrames(t, filepath.Join(copied, liveName))
}

func TestPreallocatedLiveSegment(t *testing.T) {
	key := newKey(t)
	opts := Options{Signer: key, Now: newClock().Now}
	dir, frames := crashCopy(t, opts, 30)
	live := filepath.Join(dir, liveName)
	end := frames[len(frames)-1].end
	if size := fileSize(t, live); size <= end {
		t.Fatalf("live segment is %d bytes and its frames end at %d: no preallocated tail", size, end)
	}
	rep := mustVerify(t, dir, &key.PublicKey)
	if rep.LastSeq != 30 {
		t.Errorf("verify of the crashed log: last seq %d, want 30", rep.LastSeq)
	}

	// Recovery appends after the last frame, not after the zeros.
	l := openLog(t, dir, opts)
	if r := mustAppend(t, l, 100); r.Seq != 31 {
		t.Errorf("after recovery the next seq is %d, want 31", r.Seq)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	frames = readFrames(t, live)
	if size, end := fileSize(t, live), frames[len(frames)-1].end; size != end {
		t.Errorf("closed live segment is %d bytes, its frames end at %d: the zero tail was not trimmed", size, end)
	}
	if rep := mustVerify(t, dir, &key.PublicKey); rep.LastSeq != 31 || len(rep.Warnings) != 0 {
		t.Errorf("report %+v", rep)
	}
}

func TestPreallocationGrowsAndArchivesAreTrimmed(t *testing.T) {
	key := newKey(t)
	dir := t.TempDir()
	// 4 KiB chunks (the smallest) and rotation at 40 KiB: the live segment
	// grows several times before each rotation.
	opts := Options{Signer: key, Now: newClock().Now, RotateBytes: 40 << 10}
	l := openLog(t, dir, opts)
	for i := range 400 {
		mustAppend(t, l, i)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	archives, err := listArchives(dir)
	if err != nil || len(archives) < 2 {
		t.Fatalf("archives %v %v, want at least 2", archives, err)
	}
	for _, a := range archives {
		frames := readFrames(t, a.path)
		if size, end := fileSize(t, a.path), frames[len(frames)-1].end; size != end {
			t.Errorf("%s is %d bytes, its frames end at %d", a.path, size, end)
		}
	}
	if rep := mustVerify(t, dir, &key.PublicKey); rep.LastSeq != 400 {
		t.Errorf("last seq %d, want 400", rep.LastSeq)
	}
}

func TestTornWriteInPreallocatedTail(t *testing.T) {
	key := newKey(t)
	opts := Options{Signer: key, Now: newClock().Now}
	dir, frames := crashCopy(t, opts, 10)
	live := filepath.Join(dir, liveName)
	b, err := os.ReadFile(live)
	if err != nil {
		t.Fatal(err)
	}
	// A batch whose first part reached the disk and whose rest did not:
	// half of a copy of the last record frame, followed by zeros.
	last := frames[len(frames)-1]
	for last.typ != frameRecord {
		frames = frames[:len(frames)-1]
		last = frames[len(frames)-1]
	}
	tail := frames[len(frames)-1].end
	n := (last.end - last.off) / 2
	copy(b[tail:], b[last.off:last.off+n])
	if err := os.WriteFile(live, b, 0o640); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify([]string{dir}, &key.PublicKey, VerifyOptions{})
	if err != nil || rep.Problem != nil || len(rep.Warnings) == 0 || rep.Warnings[0].Kind != KindTornTail {
		t.Fatalf("Verify: %+v %v, want a torn-tail warning", rep, err)
	}
	l := openLog(t, dir, opts)
	if r := mustAppend(t, l, 100); r.Seq != 11 {
		t.Errorf("after recovery the next seq is %d, want 11", r.Seq)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, dir, &key.PublicKey); rep.LastSeq != 11 || len(rep.Warnings) != 0 {
		t.Errorf("report %+v", rep)
	}
}

func TestLiveSegmentWithZeroHeader(t *testing.T) {
	key := newKey(t)
	opts := Options{Signer: key, Now: newClock().Now, RotateBytes: 1500}
	dir := t.TempDir()
	l := openLog(t, dir, opts)
	for i := range 12 {
		mustAppend(t, l, i)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	archives, _ := listArchives(dir)
	lastSeq := archives[len(archives)-1].last
	// A crash while creating the live segment: its zeros reached the disk,
	// its header did not.
	live := filepath.Join(dir, liveName)
	if err := os.WriteFile(live, make([]byte, 8<<10), 0o640); err != nil {
		t.Fatal(err)
	}
	l = openLog(t, dir, opts)
	if r := mustAppend(t, l, 100); r.Seq != lastSeq+1 {
		t.Errorf("seq %d, want %d", r.Seq, lastSeq+1)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, dir, &key.PublicKey)
}

func TestZerosInAnArchiveAreReported(t *testing.T) {
	key := newKey(t)
	opts := Options{Signer: key, Now: newClock().Now, RotateBytes: 1500}
	dir := t.TempDir()
	l := openLog(t, dir, opts)
	for i := range 12 {
		mustAppend(t, l, i)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	archives, _ := listArchives(dir)
	a := archives[0]
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rep, err := Verify([]string{dir}, &key.PublicKey, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Problem == nil || rep.Problem.Kind != KindAltered || rep.Problem.File != a.path || rep.Problem.Seq != a.last+1 {
		t.Errorf("problem %v, want %s altered at seq %d", rep.Problem, a.path, a.last+1)
	}
}
