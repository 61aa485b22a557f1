package msglog

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"github.com/panjereh/panjereh/internal/clocktest"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fakeClock is the settable clock tests share.
type fakeClock = clocktest.Clock

func newClock() *fakeClock {
	return clocktest.New(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func testRecord(i int) Record {
	return Record{
		MessageID:      fmt.Sprintf("msg-%08d", i),
		Client:         "IR/GOV/10101234565/portal",
		Service:        "IR/GOV/10380284790/civil/identity",
		EndUser:        "0012345679",
		AssuranceLevel: "loa2",
		Subject:        "0012345679",
		TrackingCode:   fmt.Sprintf("TRK-%06d", i),
		Status:         200,
		RequestBytes:   120,
		ResponseBytes:  840,
		Duration:       35 * time.Millisecond,
		RequestHash:    sha256.Sum256([]byte(fmt.Sprint("req", i))),
		ResponseHash:   sha256.Sum256([]byte(fmt.Sprint("resp", i))),
	}
}

func openLog(t testing.TB, dir string, opts Options) *Log {
	t.Helper()
	l, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return l
}

func mustAppend(t testing.TB, l *Log, i int) Record {
	t.Helper()
	r, err := l.Append(context.Background(), testRecord(i))
	if err != nil {
		t.Fatalf("Append %d: %v", i, err)
	}
	return r
}

// frameInfo locates one frame in a segment file.
type frameInfo struct {
	off, end int64
	typ      byte
	seq      uint64 // record seq, or the seq a seal names
}

func readFrames(t testing.TB, path string) []frameInfo {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(headerSize, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	fr := newFrameReader(f, headerSize)
	var out []frameInfo
	for {
		typ, p, off, st := fr.next()
		if st == frameEOF || st == frameZero { // the live segment's preallocated tail
			return out
		}
		if st != frameOK {
			t.Fatalf("%s: bad frame at %d", path, off)
		}
		fi := frameInfo{off: off, end: off + frameHeaderSize + int64(len(p)), typ: typ}
		if typ == frameRecord {
			fi.seq = recordSeq(p)
		} else {
			s, err := decodeSeal(p)
			if err != nil {
				t.Fatal(err)
			}
			fi.seq = s.Seq
		}
		out = append(out, fi)
	}
}

func copyDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func mustVerify(t testing.TB, dir string, pub *ecdsa.PublicKey) VerifyReport {
	t.Helper()
	rep, err := Verify([]string{dir}, pub, VerifyOptions{})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if rep.Problem != nil {
		t.Fatalf("Verify: unexpected problem: %v", rep.Problem)
	}
	return rep
}
