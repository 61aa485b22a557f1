package msglog

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// VerifyOptions adjusts what Verify accepts.
type VerifyOptions struct {
	// AllowPrunedPrefix accepts a log whose oldest archives were deleted by
	// retention: the oldest remaining file's header becomes the trust
	// anchor instead of seq 1.
	AllowPrunedPrefix bool
}

// VerifyReport summarises a verification.
type VerifyReport struct {
	Files, Records, Seals int
	FirstSeq, LastSeq     uint64
	// Problem is the first problem found, nil if the log verified.
	Problem *Problem
	// Warnings are findings that are not errors: records after the last
	// seal, a torn write at the end of the live file.
	Warnings []Problem
}

// Verify reads the segment files at paths (a directory stands for all its
// segment files) in seq order, taken from their headers, and checks every
// CRC, record hash, chain link, seq and seal. With pub it also checks every
// seal's signature. It stops at the first problem and reports it in
// VerifyReport.Problem; the error is only for I/O failures.
func Verify(paths []string, pub *ecdsa.PublicKey, opts VerifyOptions) (VerifyReport, error) {
	c := &checker{pub: pub, allowPruned: opts.AllowPrunedPrefix}
	if err := c.run(paths); err != nil {
		return c.rep, fmt.Errorf("msglog: verify: %w", err)
	}
	return c.rep, nil
}

// Scan calls fn for every record of the segment files at paths, in seq
// order, checking the chain as it goes (but not seal signatures; use Verify
// for that). A pruned prefix and a torn tail are accepted. It stops at the
// first error from fn or problem in the log.
func Scan(paths []string, fn func(Record) error) error {
	c := &checker{allowPruned: true}
	c.onRecord = func(p []byte) error {
		r, err := decodeRecord(p)
		if err != nil {
			return err
		}
		return fn(r)
	}
	if err := c.run(paths); err != nil {
		return fmt.Errorf("msglog: scan: %w", err)
	}
	if c.rep.Problem != nil {
		return fmt.Errorf("msglog: scan: %w", c.rep.Problem)
	}
	return nil
}

// run checks the files in chain order, filling c.rep.
func (c *checker) run(paths []string) error {
	files, err := expandPaths(paths)
	if err != nil {
		return err
	}
	type seg struct {
		path string
		hdr  header
	}
	segs := make([]seg, 0, len(files))
	for _, p := range files {
		h, err := readHeader(p)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
				return err
			}
			c.rep.Problem = &Problem{File: p, Kind: KindAltered, Detail: fmt.Sprintf("segment header: %v", err)}
			return nil
		}
		segs = append(segs, seg{p, h})
	}
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].hdr.StartSeq < segs[j].hdr.StartSeq })
	for i, s := range segs {
		last := i == len(segs)-1
		res, err := c.checkFile(s.path, last)
		if err != nil {
			return fmt.Errorf("%s: %w", s.path, err)
		}
		if res.problem != nil {
			if res.torn && res.problem.Kind == KindTornTail {
				c.rep.Warnings = append(c.rep.Warnings, *res.problem)
				break
			}
			c.rep.Problem = res.problem
			break
		}
	}
	if c.started && c.next > c.rep.FirstSeq {
		c.rep.LastSeq = c.next - 1
	}
	if c.rep.Problem == nil && c.rep.Records > 0 && c.lastSealSeq < c.rep.LastSeq {
		from := c.lastSealSeq + 1
		if from < c.rep.FirstSeq {
			from = c.rep.FirstSeq
		}
		file := ""
		if len(segs) > 0 {
			file = segs[len(segs)-1].path
		}
		c.rep.Warnings = append(c.rep.Warnings, Problem{File: file, Seq: from, Kind: KindUnsealed,
			Detail: fmt.Sprintf("seqs %d..%d follow the last seal and are not covered by a signature yet", from, c.rep.LastSeq)})
	}
	return nil
}

// isSegmentName reports whether name is a live segment or an archive.
func isSegmentName(name string) bool {
	return strings.HasPrefix(name, "nix-") && strings.HasSuffix(name, ".log")
}

// expandPaths replaces each directory in paths by its segment files.
func expandPaths(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			if e.Type().IsRegular() && isSegmentName(e.Name()) {
				out = append(out, filepath.Join(p, e.Name()))
			}
		}
	}
	return out, nil
}
