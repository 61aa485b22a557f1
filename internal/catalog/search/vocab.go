package search

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
)

// vocab is every term of the index's text fields with the number of
// documents that have it: what typo and prefix matching expand a query's
// words into. Bleve's fuzzy query builds a Levenshtein automaton for each
// word (measured here: a quarter of a millisecond for one edit, one and a
// half for two) and walks every field's dictionary with it, and its
// prefix query expands into every term with the prefix. One shared word
// list, filtered cheaply and expanded into the commonest few terms, is
// fast enough to run at every keystroke.
//
// A vocab is not safe for concurrent use; Index guards it.
type vocab struct {
	counts map[string]*vcount
	// snap is the list searched, rebuilt from counts when stale.
	snap  *vsnap
	stale bool
	seen  [2]map[string]bool // add's scratch: words, and shingles and stems
}

type vcount struct {
	// words counts the documents that have the term as a word or a
	// compound's part; shingles those that have it only as two words
	// joined or as a word's stem.
	words, shingles int
}

// vsnap is a sorted, immutable copy of a vocab.
type vsnap struct {
	sorted []*ventry   // by term, for prefixes
	byLen  [][]*ventry // by length in runes, for typos
}

type ventry struct {
	term  string
	runes []rune
	mask  uint64 // one bit per rune, hashed: a filter for edit distance
	docs  int
	word  bool // found as a word, not only as a shingle
}

func newVocab() *vocab {
	return &vocab{counts: map[string]*vcount{}, stale: true}
}

// add counts the terms of one document's text (delta 1) or uncounts them
// (delta -1), analyzing it with words.
func (v *vocab) add(words *wordCache, texts []string, delta int) {
	if v.seen[0] == nil {
		v.seen = [2]map[string]bool{{}, {}}
	}
	clear(v.seen[0])
	clear(v.seen[1])
	count := func(term string, shingle bool) {
		seen := v.seen[0]
		if shingle {
			seen = v.seen[1]
		}
		if seen[term] {
			return // a document counts once
		}
		seen[term] = true
		c := v.counts[term]
		if c == nil {
			c = &vcount{}
			v.counts[term] = c
		}
		if shingle {
			c.shingles += delta
		} else {
			c.words += delta
		}
		if c.words <= 0 && c.shingles <= 0 {
			delete(v.counts, term)
		}
	}
	for _, t := range texts {
		ws := words.analyze(t)
		for i, w := range ws {
			if w.stop {
				continue
			}
			count(w.form, false)
			for _, p := range w.parts {
				count(p, false)
			}
			for _, st := range w.stems {
				count(st, true)
			}
			if i > 0 && joinable(ws[i-1], w) {
				count(ws[i-1].form+w.form, true)
			}
		}
	}
	v.stale = true
}

// snapshot returns the current sorted copy, building it if stale. The
// extra words (the synonyms' words) are in it too, found in no document,
// so that a typo in a synonym is corrected before it is expanded.
func (v *vocab) snapshot(extra []string) *vsnap {
	if !v.stale {
		return v.snap
	}
	s := &vsnap{sorted: make([]*ventry, 0, len(v.counts)+len(extra))}
	counts := v.counts
	for _, w := range extra {
		if _, ok := counts[w]; !ok {
			counts = nil
			break
		}
	}
	if counts == nil {
		counts = make(map[string]*vcount, len(v.counts)+len(extra))
		for _, w := range extra {
			counts[w] = &vcount{}
		}
		for term, c := range v.counts {
			counts[term] = c
		}
	}
	for term, c := range counts {
		e := &ventry{term: term, runes: []rune(term), docs: max(c.words, c.shingles), word: c.words > 0 || c.shingles == 0}
		e.mask = runeMask(e.runes)
		s.sorted = append(s.sorted, e)
		n := len(e.runes)
		for len(s.byLen) <= n {
			s.byLen = append(s.byLen, nil)
		}
		s.byLen[n] = append(s.byLen[n], e)
	}
	slices.SortFunc(s.sorted, func(a, b *ventry) int { return strings.Compare(a.term, b.term) })
	v.snap, v.stale = s, false
	return s
}

func runeMask(rs []rune) uint64 {
	var m uint64
	for _, r := range rs {
		m |= 1 << (uint(r) % 64)
	}
	return m
}

// candidate is a term a query's word may stand for.
type candidate struct {
	term string
	dist int // edit distance; 0 for a prefix's completion
	docs int
}

// has returns the number of documents that have term (0 for a synonym's
// word no document has), and whether it is a word rather than only a
// shingle or a stem.
func (s *vsnap) has(term string) (docs int, asWord bool) {
	i, ok := slices.BinarySearchFunc(s.sorted, term, func(e *ventry, t string) int { return strings.Compare(e.term, t) })
	if !ok {
		return 0, false
	}
	return s.sorted[i].docs, s.sorted[i].word
}

// fuzzy returns up to limit terms within maxDist edits of term
// (insertions, deletions, substitutions and transpositions of two
// adjacent letters), the nearest and most common first. The term itself
// is left out. Shingles are only returned when shingles is set.
func (s *vsnap) fuzzy(term string, maxDist, limit int, shingles bool) []candidate {
	if maxDist <= 0 {
		return nil
	}
	q := []rune(term)
	qmask := runeMask(q)
	var out []candidate
	var dp [3][]int // reused rows of the distance matrix
	for n := max(1, len(q)-maxDist); n <= len(q)+maxDist && n < len(s.byLen); n++ {
		for _, e := range s.byLen[n] {
			// Every letter of one word missing from the other costs at
			// least one edit: a filter that rejects most words in two
			// instructions.
			if bits.OnesCount64(e.mask&^qmask) > maxDist || bits.OnesCount64(qmask&^e.mask) > maxDist {
				continue
			}
			if !e.word && !shingles {
				continue
			}
			d := editDistance(q, e.runes, maxDist, &dp)
			if d == 0 || d > maxDist {
				continue
			}
			out = append(out, candidate{term: e.term, dist: d, docs: e.docs})
		}
	}
	slices.SortFunc(out, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(b.docs, a.docs), strings.Compare(a.term, b.term))
	})
	return out[:min(len(out), limit)]
}

// prefixed returns up to limit terms that start with prefix and are
// longer than it, the most common first.
func (s *vsnap) prefixed(prefix string, limit int, shingles bool) []candidate {
	const scan = 4000 // bounds the work for a very short prefix
	i, _ := slices.BinarySearchFunc(s.sorted, prefix, func(e *ventry, t string) int { return strings.Compare(e.term, t) })
	var out []candidate
	for j := i; j < len(s.sorted) && j < i+scan && strings.HasPrefix(s.sorted[j].term, prefix); j++ {
		e := s.sorted[j]
		if e.term == prefix || (!e.word && !shingles) {
			continue
		}
		out = append(out, candidate{term: e.term, docs: e.docs})
	}
	slices.SortFunc(out, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(b.docs, a.docs), cmp.Compare(len(a.term), len(b.term)), strings.Compare(a.term, b.term))
	})
	return out[:min(len(out), limit)]
}

// editDistance is the optimal string alignment distance between a and b
// (Levenshtein with transpositions of adjacent letters), or maxDist+1 as
// soon as it is known to exceed maxDist.
func editDistance(a, b []rune, maxDist int, rows *[3][]int) int {
	for i := range rows {
		if cap(rows[i]) < len(b)+1 {
			rows[i] = make([]int, len(b)+1)
		}
		rows[i] = rows[i][:len(b)+1]
	}
	prev2, prev, cur := rows[0], rows[1], rows[2]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		if rowMin > maxDist {
			return maxDist + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// fuzziness is the number of typos a word of n runes may carry.
func fuzziness(term string) int {
	switch n := utf8.RuneCountInString(term); {
	case n >= 7:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}
