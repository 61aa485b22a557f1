package search

import (
	_ "embed"
	"fmt"
	"strings"
)

// synonymsText is the maintained list of other names people search by.
//
//go:embed synonyms.txt
var synonymsText string

// synonyms are groups of names for one thing: a query that has one name
// also searches for the others.
type synonyms struct {
	// byFirst finds the phrases that start with a word's key; byJoined
	// the phrases of several words whose words written together are a
	// key (گواهی نامه for گواهینامه).
	byFirst, byJoined map[string][]*phrase
	words             []string // every word's form, for typo matching
}

// phrase is one name of a group.
type phrase struct {
	text  string
	words []word // its searchable words
	keys  []string
	// to are the names a query with this one also searches for.
	to []*phrase
}

// parseSynonyms reads the synonym list. Each line is a group of names
// separated by "|"; every name finds what the others find. A line
// "a | b => c | d" is one-way: a and b also search for c and d (and for
// each other), c and d search for nothing more. Text after # is a comment.
func parseSynonyms(text string) (*synonyms, error) {
	s := &synonyms{byFirst: map[string][]*phrase{}, byJoined: map[string][]*phrase{}}
	seen := map[string]bool{}
	for n, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		if strings.TrimSpace(line) == "" {
			continue
		}
		left, right, oneWay := strings.Cut(line, "=>")
		from, err := s.names(left)
		if err != nil {
			return nil, fmt.Errorf("search: synonyms line %d: %w", n+1, err)
		}
		var to []*phrase
		if oneWay {
			if to, err = s.names(right); err != nil {
				return nil, fmt.Errorf("search: synonyms line %d: %w", n+1, err)
			}
		}
		if len(from)+len(to) < 2 {
			return nil, fmt.Errorf("search: synonyms line %d: a group needs two names", n+1)
		}
		for _, p := range from {
			for _, q := range append(from, to...) {
				if q != p {
					p.to = append(p.to, q)
				}
			}
		}
		for _, p := range append(from, to...) {
			if len(p.to) == 0 {
				continue // the target of a one-way line searches for nothing more
			}
			s.byFirst[p.keys[0]] = append(s.byFirst[p.keys[0]], p)
			if len(p.keys) > 1 {
				joined := strings.Join(p.keys, "")
				s.byJoined[joined] = append(s.byJoined[joined], p)
			}
		}
		for _, p := range append(from, to...) {
			for _, w := range p.words {
				if !seen[w.form] {
					seen[w.form] = true
					s.words = append(s.words, w.form)
				}
			}
		}
	}
	return s, nil
}

func (s *synonyms) names(list string) ([]*phrase, error) {
	var out []*phrase
	for name := range strings.SplitSeq(list, "|") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		p := &phrase{text: name}
		for _, w := range analyze(name) {
			if !w.stop {
				p.words = append(p.words, w)
				p.keys = append(p.keys, key(w))
			}
		}
		if len(p.words) == 0 {
			return nil, fmt.Errorf("%q has no searchable word", name)
		}
		out = append(out, p)
	}
	return out, nil
}

// key is what a synonym's word is matched by: the English stem of a Latin
// word, so that "passports" finds "passport"'s group, and the folded form
// of any other.
func key(w word) string {
	if w.latin && len(w.stems) > 0 {
		return w.stems[0]
	}
	return w.form
}

// keys are every key a query's word matches a synonym by.
func keys(w word) []string {
	if w.latin {
		return []string{key(w)}
	}
	return append([]string{w.form}, w.stems...)
}

// synMatch is a run of a query's words that is a name of a group.
type synMatch struct {
	start, end int // in the query's searchable words
	to         []*phrase
}

// match finds the names in a query's searchable words, the longest first
// at each word, without overlaps. adjacent(i) says words i and i+1 may be
// one word written apart (گواهی نامه for the name گواهینامه).
func (s *synonyms) match(ws []word, adjacent func(int) bool) []synMatch {
	var out []synMatch
	for i := 0; i < len(ws); {
		best := synMatch{start: i}
		if adjacent(i) {
			for _, p := range s.byFirst[ws[i].form+ws[i+1].form] {
				if len(p.keys) == 1 {
					best = longer(best, i+2, p)
				}
			}
		}
		for _, k := range keys(ws[i]) {
			for _, p := range s.byJoined[k] {
				best = longer(best, i+1, p)
			}
			for _, p := range s.byFirst[k] {
				if i+len(p.keys) <= len(ws) && matchesAt(ws, i, p) {
					best = longer(best, i+len(p.keys), p)
				}
			}
		}
		if best.end == 0 {
			i++
			continue
		}
		out = append(out, best)
		i = best.end
	}
	return out
}

// longer adds p's names to best if p ends at end, or replaces best if p
// is longer.
func longer(best synMatch, end int, p *phrase) synMatch {
	switch {
	case end > best.end:
		best.end, best.to = end, append([]*phrase(nil), p.to...)
	case end == best.end:
		for _, q := range p.to {
			if !containsPhrase(best.to, q) {
				best.to = append(best.to, q)
			}
		}
	}
	return best
}

func containsPhrase(ps []*phrase, p *phrase) bool {
	for _, q := range ps {
		if q == p || q.text == p.text {
			return true
		}
	}
	return false
}

func matchesAt(ws []word, i int, p *phrase) bool {
	for j, k := range p.keys {
		found := false
		for _, wk := range keys(ws[i+j]) {
			if wk == k {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// single returns the names a one-word term also searches for: used for
// the words a typo or a prefix is expanded into.
func (s *synonyms) single(term string) []*phrase {
	var out []*phrase
	for _, p := range s.byFirst[term] {
		if len(p.keys) == 1 {
			for _, q := range p.to {
				if !containsPhrase(out, q) {
					out = append(out, q)
				}
			}
		}
	}
	for _, p := range s.byJoined[term] {
		for _, q := range p.to {
			if !containsPhrase(out, q) {
				out = append(out, q)
			}
		}
	}
	return out
}
