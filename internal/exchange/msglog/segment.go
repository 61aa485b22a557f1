package msglog

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// liveName is the segment being appended to.
const liveName = "nix-live.log"

// segWriter is the writer goroutine's state: the live segment and the
// chain head. Only the writer goroutine touches it after Open.
type segWriter struct {
	dir  string
	opts Options

	f           *os.File
	size        int64     // where the next frame goes: the end of the frames
	alloc       int64     // the file's size: size plus the zero-filled tail
	seq         uint64    // last record written
	head        [32]byte  // its hash
	segFirst    uint64    // first seq of the live segment
	segCreated  time.Time // from the live segment's header
	lastRecTime time.Time
	sealedSeq   uint64
	lastSeal    time.Time
	buf         []byte
	err         error // sticky: after a failed write nothing more is written
}

// writeBatch encodes the batch, adds a seal when one is due, and writes and
// syncs it all at once.
func (w *segWriter) writeBatch(batch []*appendReq, now time.Time) error {
	buf := w.buf[:0]
	for _, r := range batch {
		rec := r.rec
		if rec.Time.IsZero() {
			rec.Time = now
		}
		rec.Time = rec.Time.UTC().Truncate(time.Microsecond)
		rec.Seq = w.seq + 1
		rec.PrevHash = w.head
		buf = appendRecordFrame(buf, &rec)
		r.rec = rec
		w.seq, w.head, w.lastRecTime = rec.Seq, rec.Hash, rec.Time
	}
	if now.Sub(w.lastSeal) >= w.opts.SealEvery {
		s, err := signSeal(w.opts.Signer, w.seq, w.head, now)
		if err != nil {
			return err
		}
		buf = appendSealFrame(buf, s)
		w.sealedSeq, w.lastSeal = s.Seq, now
	}
	w.buf = buf
	return w.write(buf)
}

func (w *segWriter) writeSeal(now time.Time) error {
	s, err := signSeal(w.opts.Signer, w.seq, w.head, now)
	if err != nil {
		return err
	}
	w.buf = appendSealFrame(w.buf[:0], s)
	if err := w.write(w.buf); err != nil {
		return err
	}
	w.sealedSeq, w.lastSeal = s.Seq, now
	return nil
}

func (w *segWriter) write(b []byte) error {
	grown := false
	if end := w.size + int64(len(b)); end > w.alloc {
		if err := w.grow(end); err != nil {
			return err
		}
		grown = true
	}
	if _, err := w.f.WriteAt(b, w.size); err != nil {
		return fmt.Errorf("write %s: %w", w.f.Name(), err)
	}
	// A write into the preallocated tail changes no metadata the file
	// needs, so syncing its data is enough; after growing, sync it all.
	sync := datasync
	if grown {
		sync = (*os.File).Sync
	}
	if err := sync(w.f); err != nil {
		return fmt.Errorf("sync %s: %w", w.f.Name(), err)
	}
	w.size += int64(len(b))
	return nil
}

// preallocChunk is how far ahead of its frames the live segment is filled
// with zeros: a quarter of RotateBytes, between 4 KiB and 4 MiB.
func (w *segWriter) preallocChunk() int64 {
	return min(max(w.opts.RotateBytes/4, 4<<10), 4<<20)
}

// grow fills the live segment with zeros up to at least end, a whole number
// of chunks. Writing the zeros, rather than allocating unwritten space,
// lets later writes sync their data alone: on a crash the zeros mark where
// the frames end. The caller syncs.
func (w *segWriter) grow(end int64) error {
	chunk := w.preallocChunk()
	target := (end + chunk - 1) / chunk * chunk
	zeros := make([]byte, min(target-w.alloc, 1<<20))
	for off := w.alloc; off < target; {
		n := min(int64(len(zeros)), target-off)
		if _, err := w.f.WriteAt(zeros[:n], off); err != nil {
			return fmt.Errorf("preallocate %s: %w", w.f.Name(), err)
		}
		off += n
	}
	w.alloc = target
	return nil
}

// trim cuts the zero-filled tail off the live segment and syncs it, before
// it is archived or closed.
func (w *segWriter) trim() error {
	if w.alloc != w.size {
		if err := w.f.Truncate(w.size); err != nil {
			return fmt.Errorf("truncate %s: %w", w.f.Name(), err)
		}
		w.alloc = w.size
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", w.f.Name(), err)
	}
	return nil
}

// maybeRotate archives the live segment if it holds records and is too big
// or too old (or force is set and it holds records), then starts a new one.
func (w *segWriter) maybeRotate(now time.Time, force bool) error {
	if w.seq < w.segFirst {
		return nil // empty segment
	}
	if !force && w.size < w.opts.RotateBytes && now.Sub(w.segCreated) < w.opts.RotateEvery {
		return nil
	}
	if w.sealedSeq < w.seq {
		if err := w.writeSeal(now); err != nil {
			return err
		}
	}
	if err := w.trim(); err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("rotate: close: %w", err)
	}
	w.f = nil
	live := filepath.Join(w.dir, liveName)
	arch := filepath.Join(w.dir, archiveName(w.segFirst, w.seq, w.lastRecTime))
	if err := os.Rename(live, arch); err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	if err := syncDir(w.dir); err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	return w.createLive(now)
}

// createLive starts a live segment at the chain head, its header followed
// by one chunk of zeros.
func (w *segWriter) createLive(now time.Time) error {
	h := header{StartSeq: w.seq + 1, PrevHash: w.head, Created: now.UTC().Truncate(time.Microsecond)}
	path := filepath.Join(w.dir, liveName)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return fmt.Errorf("create live segment: %w", err)
	}
	w.f, w.size, w.alloc = f, 0, 0
	err = w.grow(headerSize)
	if err == nil {
		_, err = f.WriteAt(h.encode(), 0)
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = syncDir(w.dir)
	}
	if err != nil {
		f.Close()
		w.f = nil
		return fmt.Errorf("create live segment: %w", err)
	}
	w.size, w.segFirst, w.segCreated = headerSize, h.StartSeq, h.Created
	return nil
}

// close seals unsealed records and closes the live segment.
func (w *segWriter) close(now time.Time) error {
	if w.f == nil {
		return w.err
	}
	err := w.err
	if err == nil && w.sealedSeq < w.seq {
		err = w.writeSeal(now)
	}
	if err == nil {
		err = w.trim()
	}
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close: %w", cerr)
	}
	w.f = nil
	if err != nil {
		return fmt.Errorf("msglog: close: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// archiveName is nix-FIRST-LAST-YYYYMMDD.log, with the UTC date of the
// newest record.
func archiveName(first, last uint64, newest time.Time) string {
	return fmt.Sprintf("nix-%020d-%020d-%s.log", first, last, newest.UTC().Format("20060102"))
}

// archive is a rotated segment, as its file name describes it.
type archive struct {
	path        string
	first, last uint64
	day         time.Time // UTC date of the newest record
}

func parseArchiveName(name string) (archive, bool) {
	if !isSegmentName(name) || name == liveName {
		return archive{}, false
	}
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(name, "nix-"), ".log"), "-")
	if len(parts) != 3 {
		return archive{}, false
	}
	first, err1 := strconv.ParseUint(parts[0], 10, 64)
	last, err2 := strconv.ParseUint(parts[1], 10, 64)
	day, err3 := time.Parse("20060102", parts[2])
	if err1 != nil || err2 != nil || err3 != nil || first == 0 || last < first {
		return archive{}, false
	}
	return archive{first: first, last: last, day: day}, true
}

// listArchives returns the archives in dir, oldest first.
func listArchives(dir string) ([]archive, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []archive
	for _, e := range ents {
		if a, ok := parseArchiveName(e.Name()); ok && e.Type().IsRegular() {
			a.path = filepath.Join(dir, e.Name())
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].first < out[j].first })
	return out, nil
}
