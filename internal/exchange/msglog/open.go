package msglog

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrLocked is returned by Open when another process has the log open.
var ErrLocked = errors.New("the log is in use")

// Open opens the log in dir, creating it if needed. It checks the live
// segment's chain, truncates a torn tail left by a crash, and refuses to
// continue if the segment was damaged anywhere else. Only one process
// may have a log open: Open takes an exclusive lock on dir, before it
// reads or changes anything there, and fails with ErrLocked if another
// process holds it; Close releases it.
func Open(dir string, opts Options) (*Log, error) {
	opts, _, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("msglog: open: %w", err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("msglog: open: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, fmt.Errorf("msglog: open %s: %w", dir, err)
	}
	l := &Log{
		dir:  dir,
		lock: lock,
		opts: opts,
		reqs: make(chan *appendReq, maxBatch),
		quit: make(chan struct{}),
		done: make(chan struct{}),
		w:    segWriter{dir: dir, opts: opts, buf: make([]byte, 0, 1<<16)},
	}
	if l.id, err = logID(dir); err != nil {
		l.unlock()
		return nil, fmt.Errorf("msglog: open %s: %w", dir, err)
	}
	if err := l.w.recover(opts.Now()); err != nil {
		l.unlock()
		return nil, fmt.Errorf("msglog: open %s: %w", dir, err)
	}
	go l.run()
	return l, nil
}

// idName is the file in a log's directory that holds the log's ID.
const idName = "ID"

// logID returns the ID of the log in dir, giving a new log one: a random
// 128-bit value in hex, written (and synced) before the log's first
// segment, so that two logs never share one. A log with segments and no
// ID file, made before logs had IDs, has the ID "".
func logID(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, idName))
	if err == nil {
		id := strings.TrimSpace(string(b))
		if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
			return "", fmt.Errorf("%s: not a log ID: %q", idName, id)
		}
		return id, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range ents {
		if isSegmentName(e.Name()) {
			return "", nil
		}
	}
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	id := hex.EncodeToString(raw[:])
	f, err := os.OpenFile(filepath.Join(dir, idName), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return "", err
	}
	if _, err := f.WriteString(id + "\n"); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return id, syncDir(dir)
}

// recover restores the chain head from the live segment (or, if there is
// none, the newest archive) and opens the live segment for appending.
func (w *segWriter) recover(now time.Time) error {
	archives, err := listArchives(w.dir)
	if err != nil {
		return err
	}
	live := filepath.Join(w.dir, liveName)
	st, err := os.Stat(live)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case st.Size() < headerSize || zeroHeader(live):
		// A crash while creating the segment; it holds no records.
		if err := os.Remove(live); err != nil {
			return err
		}
	default:
		c := &checker{allowPruned: true}
		res, err := c.checkFile(live, true)
		if err != nil {
			return err
		}
		if p := res.problem; p != nil {
			if !res.torn || p.Kind != KindTornTail {
				return fmt.Errorf("live segment damaged, refusing to append (run verify-log): %w", p)
			}
			if err := truncate(live, res.badOffset); err != nil {
				return err
			}
		}
		if n := len(archives); n > 0 && archives[n-1].last+1 != res.hdr.StartSeq {
			return fmt.Errorf("live segment starts at seq %d but the newest archive %s ends at %d", res.hdr.StartSeq, archives[n-1].path, archives[n-1].last)
		}
		f, err := os.OpenFile(live, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		alloc, err := f.Seek(0, 2)
		if err != nil {
			f.Close()
			return err
		}
		end := res.end
		if p := res.problem; p != nil {
			end = res.badOffset
		}
		w.f, w.size, w.alloc = f, end, alloc
		w.segFirst, w.segCreated = res.hdr.StartSeq, res.hdr.Created
		w.seq, w.head, w.lastRecTime = c.next-1, c.prev, c.lastRecTime
		w.sealedSeq = max(c.lastSealSeq, res.hdr.StartSeq-1)
		w.lastSeal = now
		return nil
	}
	// No live segment: continue from the newest archive, whose chain is
	// checked in full, or start a new log.
	if n := len(archives); n > 0 {
		a := archives[n-1]
		c := &checker{allowPruned: true}
		res, err := c.checkFile(a.path, false)
		if err != nil {
			return err
		}
		if res.problem != nil {
			return fmt.Errorf("newest archive damaged: %w", res.problem)
		}
		w.seq, w.head, w.lastRecTime = c.next-1, c.prev, c.lastRecTime
		w.sealedSeq = c.lastSealSeq
	}
	w.lastSeal = now
	return w.createLive(now)
}

// zeroHeader reports whether the segment at path starts with a header of
// zeros: the segment was preallocated but its header never reached the
// disk.
func zeroHeader(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var b [headerSize]byte
	_, err = io.ReadFull(f, b[:])
	return err == nil && allZero(b[:])
}

func truncate(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("truncate torn tail: %w", err)
	}
	return f.Sync()
}

// Prune deletes archives whose newest record is older than the retention
// period at now, oldest first, and returns their paths. It never deletes
// the live segment or part of a file, and always keeps the newest archive.
// Archive names carry only the date of their newest record, so an archive
// goes once the end of that UTC day is older than the retention period.
func (l *Log) Prune(now time.Time) ([]string, error) {
	archives, err := listArchives(l.dir)
	if err != nil {
		return nil, fmt.Errorf("msglog: prune: %w", err)
	}
	cutoff := now.Add(-l.opts.Retention)
	var removed []string
	for i, a := range archives {
		if i == len(archives)-1 || a.day.Add(24*time.Hour).After(cutoff) {
			break
		}
		if err := os.Remove(a.path); err != nil {
			return removed, fmt.Errorf("msglog: prune: %w", err)
		}
		removed = append(removed, a.path)
	}
	if len(removed) > 0 {
		if err := syncDir(l.dir); err != nil {
			return removed, fmt.Errorf("msglog: prune: %w", err)
		}
	}
	return removed, nil
}

// Dir returns the log's directory, for Verify and Scan.
func (l *Log) Dir() string { return l.dir }
