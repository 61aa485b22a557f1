package msglog

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// tamperFixture is a sealed log of several archives and a live segment.
func tamperFixture(t *testing.T) (dir string, key *ecdsa.PrivateKey, archives []archive) {
	t.Helper()
	dir = t.TempDir()
	k := newKey(t)
	clock := newClock()
	l := openLog(t, dir, Options{Signer: k, Now: clock.Now, RotateBytes: 12000})
	for i := range 150 {
		if i%7 == 0 {
			clock.Add(time.Second) // a seal every seven records or so
		}
		mustAppend(t, l, i)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	archives, err := listArchives(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(archives) < 3 {
		t.Fatalf("fixture has %d archives, want at least 3", len(archives))
	}
	return dir, k, archives
}

func TestVerifyDetectsTampering(t *testing.T) {
	src, k, archives := tamperFixture(t)
	pub := &k.PublicKey

	mid := filepath.Base(archives[1].path)
	// target is a record in the middle archive followed directly by the next record.
	target := func(t *testing.T, frames []frameInfo) int {
		for i := 5; i+1 < len(frames); i++ {
			if frames[i].typ == frameRecord && frames[i+1].typ == frameRecord {
				return i
			}
		}
		t.Fatal("no adjacent records")
		return 0
	}
	tests := []struct {
		name   string
		file   string // file to change, "" to change the directory
		mutate func(t *testing.T, b []byte, frames []frameInfo, i int) []byte
		dirMut func(t *testing.T, dir string)
		kind   string
		seq    func(frames []frameInfo, i int) uint64
	}{
		{
			name: "byte flipped in a record",
			file: mid,
			mutate: func(t *testing.T, b []byte, fr []frameInfo, i int) []byte {
				b[fr[i].off+frameHeaderSize+recOffStrings+5] ^= 0x20
				return b
			},
			kind: KindAltered,
		},
		{
			name: "record changed and CRC recomputed",
			file: mid,
			mutate: func(t *testing.T, b []byte, fr []frameInfo, i int) []byte {
				f := b[fr[i].off:fr[i].end]
				f[frameHeaderSize+recOffStatus+7] = 0x99 // status
				finishFrame(f, frameRecord)
				return b
			},
			kind: KindAltered,
		},
		{
			name: "record frame deleted",
			file: mid,
			mutate: func(t *testing.T, b []byte, fr []frameInfo, i int) []byte {
				return append(b[:fr[i].off:fr[i].off], b[fr[i].end:]...)
			},
			kind: KindRemoved,
		},
		{
			name: "two records swapped",
			file: mid,
			mutate: func(t *testing.T, b []byte, fr []frameInfo, i int) []byte {
				a, c := bytes.Clone(b[fr[i].off:fr[i].end]), bytes.Clone(b[fr[i+1].off:fr[i+1].end])
				out := append(bytes.Clone(b[:fr[i].off]), c...)
				out = append(out, a...)
				return append(out, b[fr[i+1].end:]...)
			},
			kind: KindReordered,
		},
		{
			name: "forged record inserted with recomputed hash and CRC",
			file: mid,
			mutate: func(t *testing.T, b []byte, fr []frameInfo, i int) []byte {
				r := testRecord(777)
				r.Seq = fr[i].seq
				r.Time = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
				r.PrevHash = sha256.Sum256([]byte("forged"))
				forged := appendRecordFrame(nil, &r)
				out := append(bytes.Clone(b[:fr[i].off]), forged...)
				return append(out, b[fr[i].off:]...)
			},
			kind: KindInserted,
		},
		{
			name: "record duplicated",
			file: mid,
			mutate: func(t *testing.T, b []byte, fr []frameInfo, i int) []byte {
				out := bytes.Clone(b[:fr[i].end])
				out = append(out, b[fr[i].off:fr[i].end]...)
				return append(out, b[fr[i].end:]...)
			},
			kind: KindInserted,
		},
		{
			name: "seal signature changed and CRC recomputed",
			file: mid,
			mutate: func(t *testing.T, b []byte, fr []frameInfo, i int) []byte {
				for _, f := range fr {
					if f.typ == frameSeal {
						frame := b[f.off:f.end]
						frame[len(frame)-3] ^= 0x01
						finishFrame(frame, frameSeal)
						return b
					}
				}
				t.Fatal("no seal")
				return nil
			},
			kind: KindBadSignature,
			seq: func(fr []frameInfo, _ int) uint64 {
				for _, f := range fr {
					if f.typ == frameSeal {
						return f.seq
					}
				}
				return 0
			},
		},
		{
			name:   "middle archive removed",
			dirMut: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, mid)) },
			kind:   KindRemoved,
			seq:    func([]frameInfo, int) uint64 { return archives[1].first },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, src)
			path := filepath.Join(dir, mid)
			frames := readFrames(t, path)
			i := target(t, frames)
			wantSeq := frames[i].seq
			if tc.seq != nil {
				wantSeq = tc.seq(frames, i)
			}
			if tc.mutate != nil {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, tc.mutate(t, b, frames, i), 0o640); err != nil {
					t.Fatal(err)
				}
			}
			if tc.dirMut != nil {
				tc.dirMut(t, dir)
			}
			rep, err := Verify([]string{dir}, pub, VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			p := rep.Problem
			if p == nil {
				t.Fatal("Verify found no problem")
			}
			wantFile := path
			if tc.dirMut != nil {
				wantFile = filepath.Join(dir, filepath.Base(archives[2].path))
			}
			if p.Kind != tc.kind || p.Seq != wantSeq || p.File != wantFile {
				t.Errorf("problem = %v\nwant %s at seq %d in %s", p, tc.kind, wantSeq, wantFile)
			}
		})
	}

	t.Run("untouched copy verifies", func(t *testing.T) {
		rep := mustVerify(t, copyDir(t, src), pub)
		if rep.Seals == 0 || rep.Records != 150 || rep.Files != len(archives)+1 {
			t.Errorf("report %+v", rep)
		}
	})
	t.Run("wrong key", func(t *testing.T) {
		rep, err := Verify([]string{src}, &newKey(t).PublicKey, VerifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Problem == nil || rep.Problem.Kind != KindBadSignature {
			t.Errorf("problem = %v, want bad signature", rep.Problem)
		}
	})
}
