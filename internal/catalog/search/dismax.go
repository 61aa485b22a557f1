package search

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// disMaxQuery matches the documents any of its clauses matches, and
// scores a document by its best clause plus tie times the sum of the
// others (Lucene's DisjunctionMaxQuery).
//
// Bleve's DisjunctionQuery multiplies the sum of the scores by the share
// of clauses that match. That is right between a query's words, where a
// document with more of them should rank higher, but wrong between the
// forms one word is searched by (the word, its stem, its corrections, in
// each field): there a document would lose for every form it does not
// also have, and a word with many corrections would count less than one
// with none.
type disMaxQuery struct {
	clauses []query.Query
	tie     float64
}

// Searcher implements query.Query.
func (q *disMaxQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	var children []search.Searcher
	for _, c := range q.clauses {
		s, err := c.Searcher(ctx, i, m, options)
		if err != nil {
			for _, s := range children {
				_ = s.Close()
			}
			return nil, err
		}
		if _, none := s.(*searcher.MatchNoneSearcher); none {
			continue
		}
		children = append(children, s)
	}
	switch len(children) {
	case 0:
		return searcher.NewMatchNoneSearcher(i)
	case 1:
		return children[0], nil
	}
	return &disMaxSearcher{
		children: children,
		currs:    make([]*search.DocumentMatch, len(children)),
		tie:      q.tie,
	}, nil
}

// disMaxSearcher walks its children in step, by internal document ID.
type disMaxSearcher struct {
	children    []search.Searcher
	currs       []*search.DocumentMatch
	tie         float64
	initialized bool
}

func (s *disMaxSearcher) init(ctx *search.SearchContext) error {
	for i, c := range s.children {
		var err error
		if s.currs[i], err = c.Next(ctx); err != nil {
			return err
		}
	}
	s.initialized = true
	return nil
}

// Next implements search.Searcher.
func (s *disMaxSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.initialized {
		if err := s.init(ctx); err != nil {
			return nil, err
		}
	}
	// One pass finds the lowest document and, among its matches, the best.
	var best *search.DocumentMatch
	var sum float64
	for _, d := range s.currs {
		if d == nil {
			continue
		}
		if best != nil {
			switch c := d.IndexInternalID.Compare(best.IndexInternalID); {
			case c > 0:
				continue
			case c == 0:
				sum += d.Score
				if d.Score > best.Score {
					best = d
				}
				continue
			}
		}
		best, sum = d, d.Score
	}
	if best == nil {
		return nil, nil
	}
	best.Score += s.tie * (sum - best.Score)
	// Compare with best's ID: the others go back to the pool, and a
	// child's Next may reuse them.
	low := best.IndexInternalID
	for i, d := range s.currs {
		if d == nil || !d.IndexInternalID.Equals(low) {
			continue
		}
		if d != best {
			ctx.DocumentMatchPool.Put(d)
		}
		var err error
		if s.currs[i], err = s.children[i].Next(ctx); err != nil {
			return nil, err
		}
	}
	return best, nil
}

// Advance implements search.Searcher.
func (s *disMaxSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if !s.initialized {
		if err := s.init(ctx); err != nil {
			return nil, err
		}
	}
	for i, d := range s.currs {
		if d != nil {
			if d.IndexInternalID.Compare(id) >= 0 {
				continue
			}
			ctx.DocumentMatchPool.Put(d)
		}
		var err error
		if s.currs[i], err = s.children[i].Advance(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.Next(ctx)
}

// Close implements search.Searcher.
func (s *disMaxSearcher) Close() (err error) {
	for _, c := range s.children {
		if cerr := c.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

// Weight implements search.Searcher.
func (s *disMaxSearcher) Weight() float64 {
	var w float64
	for _, c := range s.children {
		w += c.Weight()
	}
	return w
}

// SetQueryNorm implements search.Searcher.
func (s *disMaxSearcher) SetQueryNorm(n float64) {
	for _, c := range s.children {
		c.SetQueryNorm(n)
	}
}

// Count implements search.Searcher; like bleve's disjunctions it returns
// an upper bound.
func (s *disMaxSearcher) Count() uint64 {
	var n uint64
	for _, c := range s.children {
		n += c.Count()
	}
	return n
}

// Min implements search.Searcher.
func (s *disMaxSearcher) Min() int { return 0 }

// Size implements search.Searcher.
func (s *disMaxSearcher) Size() int {
	n := 64 + 8*len(s.currs)
	for _, c := range s.children {
		n += c.Size()
	}
	return n
}

// DocumentMatchPoolSize implements search.Searcher.
func (s *disMaxSearcher) DocumentMatchPoolSize() int {
	n := len(s.currs)
	for _, c := range s.children {
		n += c.DocumentMatchPoolSize()
	}
	return n
}

// rankQuery rescores what its child matches with the documents' use and
// rating, which Index keeps outside bleve so that they change without
// reindexing.
type rankQuery struct {
	child query.Query
	score func(id string, relevance float64) float64
}

// Searcher implements query.Query.
func (q *rankQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	child, err := q.child.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	rescore := func(_ context.Context, d *search.DocumentMatch) (float64, error) {
		id, err := i.ExternalID(d.IndexInternalID)
		if err != nil {
			return 0, err
		}
		return q.score(id, d.Score), nil
	}
	return searcher.NewCustomScoreSearcher(ctx, child, rescore, nil, i, nil, false), nil
}
