package msglog

import (
	"crypto/ecdsa"
	"fmt"
	"io"
	"os"
	"time"
)

// Problem kinds reported by Verify, Scan and Open.
const (
	KindAltered      = "altered"       // a record, seal or header changed: CRC or hash mismatch
	KindRemoved      = "removed"       // a seq gap: records or a whole archive missing
	KindReordered    = "reordered"     // a record appears after a later one
	KindInserted     = "inserted"      // a duplicate seq or a record whose PrevHash does not link
	KindBadSignature = "bad-signature" // a seal's signature does not verify
	KindSealMismatch = "seal-mismatch" // a seal names a seq other than the chain head
	KindUnsealed     = "unsealed"      // warning: records after the last seal
	KindTornTail     = "torn-tail"     // warning: an incomplete write at the end of the live file
)

// Problem is one finding of verification: which file, which seq, what.
type Problem struct {
	File   string // path of the segment file
	Seq    uint64 // first affected seq
	Kind   string // one of the Kind constants
	Detail string // human-readable explanation
}

// Error makes a Problem usable as an error.
func (p *Problem) Error() string {
	return fmt.Sprintf("%s: seq %d: %s: %s", p.File, p.Seq, p.Kind, p.Detail)
}

// checker walks segments in chain order, checking every frame. Verify,
// Scan and Open's recovery all use it.
type checker struct {
	pub         *ecdsa.PublicKey // nil: seals are checked against the chain but not signatures
	allowPruned bool
	onRecord    func(payload []byte) error

	started     bool
	next        uint64   // seq the next record must have
	prev        [32]byte // hash the next record must link to
	lastSealSeq uint64
	sealed      bool // a seal has been seen
	lastRecTime time.Time
	rep         VerifyReport
}

// fileResult is what checking one segment found.
type fileResult struct {
	hdr       header
	problem   *Problem
	torn      bool  // problem is a torn tail: an incomplete final write
	badOffset int64 // where the damaged frame starts
	end       int64 // where the frames end: the file's size or the start of its zero-filled tail
}

func (c *checker) fail(res *fileResult, file string, seq uint64, kind, format string, args ...any) fileResult {
	res.problem = &Problem{File: file, Seq: seq, Kind: kind, Detail: fmt.Sprintf(format, args...)}
	return *res
}

// checkFile checks one segment; last says whether it is the newest file,
// the only place a torn tail is expected.
func (c *checker) checkFile(path string, last bool) (fileResult, error) {
	var res fileResult
	f, err := os.Open(path)
	if err != nil {
		return res, err
	}
	defer f.Close()
	var hb [headerSize]byte
	n, err := io.ReadFull(f, hb[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return res, err
	}
	h, herr := decodeHeader(hb[:n])
	if herr != nil {
		if last && n < headerSize {
			res.torn = true
		}
		return c.fail(&res, path, c.next, KindAltered, "segment header: %v", herr), nil
	}
	res.hdr = h
	switch {
	case !c.started && h.StartSeq != 1 && !c.allowPruned:
		return c.fail(&res, path, 1, KindRemoved, "log starts at seq %d: seqs 1..%d are missing (pruned archives need AllowPrunedPrefix)", h.StartSeq, h.StartSeq-1), nil
	case !c.started && h.StartSeq == 1 && h.PrevHash != [32]byte{}:
		return c.fail(&res, path, 1, KindAltered, "first segment has a non-zero previous hash"), nil
	case !c.started:
		c.started = true
		c.next, c.prev = h.StartSeq, h.PrevHash
		c.rep.FirstSeq = h.StartSeq
	case h.StartSeq > c.next:
		return c.fail(&res, path, c.next, KindRemoved, "file starts at seq %d but the previous file ends at %d: seqs %d..%d are missing (archive removed?)", h.StartSeq, c.next-1, c.next, h.StartSeq-1), nil
	case h.StartSeq < c.next:
		return c.fail(&res, path, h.StartSeq, KindInserted, "file starts at seq %d, which an earlier file already holds (duplicate seq)", h.StartSeq), nil
	case h.PrevHash != c.prev:
		return c.fail(&res, path, h.StartSeq, KindInserted, "file header's previous hash does not link to seq %d", c.next-1), nil
	}
	c.rep.Files++

	fr := newFrameReader(f, headerSize)
	for {
		typ, p, off, st := fr.next()
		if fr.err != nil {
			return res, fr.err
		}
		switch st {
		case frameEOF:
			res.end = off
			return res, nil
		case frameZero, frameIncomplete, frameBadCRC:
			rest, err := readFrom(f, off+1)
			if err != nil {
				return res, err
			}
			if st == frameZero && allZero(rest) {
				// The live segment is preallocated with zeros ahead of its
				// frames; an archive never is (rotation truncates it).
				if !last {
					return c.fail(&res, path, c.next, KindAltered, "zero bytes after the last frame at offset %d in a segment that is not the live one", off), nil
				}
				res.end = off
				return res, nil
			}
			what := "CRC mismatch"
			switch st {
			case frameIncomplete:
				what = "incomplete frame"
			case frameZero:
				what = "zero-filled frame header"
			}
			res.badOffset = off
			if last && !validFrameAfter(rest) {
				res.torn = true
				return c.fail(&res, path, c.next, KindTornTail, "%s at offset %d at the end of the file (a write torn by a crash, never acknowledged)", what, off), nil
			}
			if typ == frameSeal && c.next > 1 {
				return c.fail(&res, path, c.next-1, KindAltered, "seal frame at offset %d: %s", off, what), nil
			}
			return c.fail(&res, path, c.next, KindAltered, "frame at offset %d: %s", off, what), nil
		}
		if typ == frameSeal {
			if pr := c.checkSeal(path, p, off); pr != nil {
				res.problem = pr
				return res, nil
			}
			continue
		}
		if !recordWellFormed(p) || !recordHashOK(p) {
			return c.fail(&res, path, c.next, KindAltered, "record at offset %d: hash does not match its content", off), nil
		}
		seq := recordSeq(p)
		switch {
		case seq > c.next:
			if c.seenAhead(fr, c.next, seq) {
				return c.fail(&res, path, c.next, KindReordered, "seq %d appears after seq %d (offset %d)", c.next, seq, off), nil
			}
			return c.fail(&res, path, c.next, KindRemoved, "seq %d follows seq %d at offset %d: seqs %d..%d are missing", seq, c.next-1, off, c.next, seq-1), nil
		case seq < c.next:
			return c.fail(&res, path, seq, KindInserted, "duplicate seq %d at offset %d (expected %d)", seq, off, c.next), nil
		case recordPrev(p) != c.prev:
			return c.fail(&res, path, seq, KindInserted, "record at offset %d does not link to seq %d (previous hash mismatch)", off, seq-1), nil
		}
		if c.onRecord != nil {
			if err := c.onRecord(p); err != nil {
				return res, err
			}
		}
		c.prev = recordStoredHash(p)
		c.lastRecTime = recordTime(p)
		c.next++
		c.rep.Records++
	}
}

// checkSeal checks a seal against the chain head and, with a key, its
// signature.
func (c *checker) checkSeal(path string, p []byte, off int64) *Problem {
	s, err := decodeSeal(p)
	if err != nil {
		return &Problem{File: path, Seq: c.next - 1, Kind: KindAltered, Detail: fmt.Sprintf("seal at offset %d: %v", off, err)}
	}
	head := c.next - 1
	switch {
	case s.Seq != head:
		return &Problem{File: path, Seq: s.Seq, Kind: KindSealMismatch, Detail: fmt.Sprintf("seal at offset %d names seq %d but the chain head is %d", off, s.Seq, head)}
	case s.Hash != c.prev:
		from := c.lastSealSeq + 1
		if !c.sealed {
			from = c.rep.FirstSeq
		}
		return &Problem{File: path, Seq: s.Seq, Kind: KindAltered, Detail: fmt.Sprintf("seal at offset %d does not match the chain: records in seqs %d..%d were rewritten", off, from, s.Seq)}
	case c.pub != nil && !s.verify(c.pub):
		return &Problem{File: path, Seq: s.Seq, Kind: KindBadSignature, Detail: fmt.Sprintf("seal at offset %d: signature does not verify with the given key", off)}
	}
	c.lastSealSeq = s.Seq
	c.sealed = true
	c.rep.Seals++
	return nil
}

// seenAhead reports whether a record with a seq in [lo, hi) follows in the
// rest of the segment, which makes a gap a reordering rather than a removal.
func (c *checker) seenAhead(fr *frameReader, lo, hi uint64) bool {
	for {
		typ, p, _, st := fr.next()
		if st != frameOK {
			return false
		}
		if typ == frameRecord && len(p) >= minRecordPayload {
			if s := recordSeq(p); s >= lo && s < hi {
				return true
			}
		}
	}
}

func readFrom(f *os.File, off int64) ([]byte, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if off >= st.Size() {
		return nil, nil
	}
	b := make([]byte, st.Size()-off)
	if _, err := f.ReadAt(b, off); err != nil && err != io.EOF {
		return nil, err
	}
	return b, nil
}
