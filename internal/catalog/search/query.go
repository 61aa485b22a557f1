package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Query is a search of the catalog.
type Query struct {
	// Text is what the person typed. Its last word is also matched as a
	// prefix unless the text ends with a space. Empty text lists the
	// documents the filters let through, the most used and best rated
	// first.
	Text string
	// Lang is the language of the person's interface, "fa" or "en". Words
	// are searched in the fields of their own script whatever it is;
	// Lang only decides where numbers are searched.
	Lang string
	// Filters: a document must have the value given, if any.
	Agency, Audience, LifeEvent, Category, Channel, Kind string
	Electronic                                           *bool
	// Limit is the number of hits wanted, 10 if zero, at most MaxLimit;
	// Offset the number skipped.
	Limit, Offset int
}

// MaxLimit is the most hits one search returns.
const MaxLimit = 100

// everyWordEnough is the number of documents having every word of a
// query above which those lacking one are left out of its results: a
// whole page of the largest size, of documents that match better. With
// ten thousand documents, scoring every one that has any of a query's
// common words made the slowest searches several times slower.
const everyWordEnough = MaxLimit

// everyWordFrom is the size of index from which the every-word pass is
// tried: in a smaller one, scoring every document that has any word costs
// less than the extra search (the shipped catalog has a few hundred).
const everyWordFrom = 2000

// Hit is a document found, with its score: relevance, adjusted by use and
// rating.
type Hit struct {
	ID    string
	Score float64
}

// rankWeight is how much use and rating can add to relevance: a document
// at most this share less relevant than another, but much more used and
// better rated, ranks above it.
const rankWeight = 0.1

// kindWeight is the prior of each kind of document. A licence and the
// service that issues it share their names, and a person who types them
// more often wants to apply than to read about the licence.
var kindWeight = map[string]float64{KindService: 1, KindLicence: 0.75}

// Search returns the number of documents that match q and the hits of the
// page q asks for, the most relevant first.
//
// In an index of everyWordFrom documents or more, a text of two or more
// words is first searched with every word required
// (each still by any of its forms, or the text as a document's whole
// name). If at least everyWordEnough documents have every word, the
// results are those documents only, and total counts them; otherwise the
// results are the documents that have any word, and total counts those.
// Which it is depends on the query's text and filters alone, not on its
// page, so total is the same on every page, and the pages, read in turn,
// are the results in order.
func (ix *Index) Search(ctx context.Context, q Query) (total int, hits []Hit, err error) {
	if q.Limit < 0 || q.Offset < 0 {
		return 0, nil, errors.New("search: negative limit or offset")
	}
	limit := q.Limit
	if limit == 0 {
		limit = 10
	}
	limit = min(limit, MaxLimit)

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	filter := filterQuery(q)
	withFilter := func(text query.Query) query.Query {
		if filter == nil {
			return text
		}
		b := query.NewBooleanQuery(nil, nil, nil)
		b.AddMust(text)
		b.AddFilter(filter)
		return b
	}
	if strings.TrimSpace(q.Text) == "" {
		inner := filter
		if inner == nil {
			inner = query.NewMatchAllQuery()
		}
		return ix.run(ctx, inner, true, limit, q.Offset)
	}
	p := planner{ix: ix, vocab: ix.vocabulary(), lang: q.Lang, fields: allFields}
	anyWord, everyWord := p.plans(q.Text)
	if anyWord == nil {
		return 0, nil, nil // only stop words and punctuation
	}
	if everyWord != nil && len(ix.docs) >= everyWordFrom { // mu is held
		// The documents that have every word rank, with the same scores,
		// above nearly all that lack one; when there are enough of them,
		// the others need not be scored at all.
		total, hits, err := ix.run(ctx, withFilter(everyWord), false, limit, q.Offset)
		if err != nil || total >= everyWordEnough {
			return total, hits, err
		}
	}
	return ix.run(ctx, withFilter(anyWord), false, limit, q.Offset)
}

// Suggest returns up to n documents whose titles or aliases match what a
// person has typed so far: every word, the last as a prefix, typos
// allowed. It is the search box's completion, and cheaper than Search.
func (ix *Index) Suggest(ctx context.Context, prefix, lang string, n int) ([]Hit, error) {
	if n <= 0 {
		n = 8
	}
	n = min(n, MaxLimit)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	p := planner{ix: ix, vocab: ix.vocabulary(), lang: lang, fields: titleFields, all: true}
	q := p.plan(prefix)
	if q == nil {
		return nil, nil
	}
	_, hits, err := ix.run(ctx, q, false, n, 0)
	return hits, err
}

// run searches, ranking by relevance and popularity or, for a listing, by
// popularity alone; the caller holds mu to read.
func (ix *Index) run(ctx context.Context, q query.Query, listing bool, limit, offset int) (int, []Hit, error) {
	if listing {
		// Every document matches equally: bleve ranks them by popularity.
		ranked := &rankQuery{child: q, score: func(id string, _ float64) float64 {
			if e := ix.docs[id]; e != nil {
				return e.popularity()
			}
			return 0
		}}
		return ix.fetch(ctx, ranked, limit, offset)
	}
	// Popularity can raise a document's relevance by rankWeight at most
	// (and its kind only lowers it), so the page is exact once the fetched hits include it and the
	// least relevant hit fetched, raised by that much, would still rank
	// below the page's last hit. Scoring every match by popularity inside
	// bleve costs more than the rare second fetch.
	want := offset + limit
	for k := want + 32; ; k *= 4 {
		total, hits, err := ix.fetch(ctx, q, k, 0)
		if err != nil {
			return 0, nil, err
		}
		floor := 0.0
		if len(hits) > 0 {
			floor = hits[len(hits)-1].Score * (1 + rankWeight)
		}
		for i, h := range hits {
			if e := ix.docs[h.ID]; e != nil {
				hits[i].Score = h.Score * (1 + rankWeight*e.popularity()) * kindWeight[e.doc.Kind]
			}
		}
		slices.SortStableFunc(hits, func(a, b Hit) int {
			return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.ID, b.ID))
		})
		if len(hits) >= total || len(hits) >= want && hits[want-1].Score > floor {
			if offset >= len(hits) {
				return total, nil, nil
			}
			return total, hits[offset:min(want, len(hits))], nil
		}
	}
}

// fetch runs a bleve search for the hits from offset to offset+size, by
// descending score and then by ID.
func (ix *Index) fetch(ctx context.Context, q query.Query, size, offset int) (int, []Hit, error) {
	req := bleve.NewSearchRequestOptions(q, size, offset, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return 0, nil, fmt.Errorf("search: %w", err)
	}
	hits := make([]Hit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = Hit{ID: h.ID, Score: h.Score}
	}
	return int(res.Total), hits, nil
}

func filterQuery(q Query) query.Query {
	var must []query.Query
	add := func(field, value string) {
		if value != "" {
			t := query.NewTermQuery(value)
			t.SetField(field)
			must = append(must, t)
		}
	}
	add(fieldKind, q.Kind)
	add(fieldAgency, q.Agency)
	add(fieldAudience, q.Audience)
	add(fieldLifeEvent, q.LifeEvent)
	add(fieldCategory, q.Category)
	add(fieldChannel, q.Channel)
	if q.Electronic != nil {
		add(fieldElectronic, fmt.Sprint(*q.Electronic))
	}
	return conjunction(must...)
}

// field is a text field searched, with its weight.
type field struct {
	name  string
	boost float64
}

// fieldSet is the fields searched for Persian and for English words.
type fieldSet struct{ fa, en []field }

var (
	allFields = fieldSet{
		fa: []field{{fieldTitleFa, 3}, {fieldAliasFa, 2.5}, {fieldTextFa, 1}, {fieldAgencyFa, 0.6}},
		en: []field{{fieldTitleEn, 3}, {fieldAliasEn, 2.5}, {fieldTextEn, 1}, {fieldAgencyEn, 0.6}},
	}
	titleFields = fieldSet{
		fa: []field{{fieldTitleFa, 3}, {fieldAliasFa, 2.5}},
		en: []field{{fieldTitleEn, 3}, {fieldAliasEn, 2.5}},
	}
)

// Weights of the forms a word is searched by, against the word itself.
const (
	weightStem    = 0.8  // a plural's stem, an English stem
	weightPart    = 0.35 // a part of a compound
	weightTypo1   = 0.55 // a word one edit away
	weightTypo2   = 0.4  // two edits away
	weightPrefix  = 0.6  // a completion of the last word
	weightSynonym = 0.85 // another name of a group the word is in
	weightName    = 3    // the query is a document's title or alias
	tieWord       = 0.2  // dis-max tie between a word's forms and fields
	tieSpan       = 0.3  // between a span's own words and its synonyms

	maxTypos    = 6
	maxPrefixes = 12
)

// planner turns a person's text into a bleve query: a disjunction of
// slots, one per word or per run of words that is a synonym or a
// compound; each slot a dis-max of the forms its words are searched by,
// in each field.
type planner struct {
	ix     *Index
	vocab  *vsnap
	lang   string
	fields fieldSet
	// all requires every slot to match, as completion does.
	all bool
}

// wterm is a term searched, with its weight.
type wterm struct {
	term string
	w    float64
}

// plan returns the query for text, nil if it has no searchable word.
// Unless text ends with a space or a punctuation mark, its last word is
// also matched as a prefix.
func (p *planner) plan(text string) query.Query {
	q, _ := p.plans(text)
	return q
}

// plans returns the query for text, nil if it has no searchable word, and,
// when text has two or more words that each match some document, the
// query that requires every word; otherwise nil.
func (p *planner) plans(text string) (anyWord, everyWord query.Query) {
	all := analyze(text)
	r, _ := utf8.DecodeLastRuneInString(text)
	prefix := isWordRune(r)
	var ws []word
	var pos []int // each searchable word's index in all, to tell adjacency
	for i, w := range all {
		last := i == len(all)-1
		// A stop word being typed may be the start of another word:
		// است in استعلام.
		if w.stop && !(last && prefix && utf8.RuneCountInString(w.form) >= 2) {
			continue
		}
		ws = append(ws, w)
		pos = append(pos, i)
	}
	if len(ws) == 0 {
		return nil, nil
	}
	lastIsPrefix := prefix && pos[len(pos)-1] == len(all)-1

	// adjacent says ws[i] and ws[i+1] were written next to each other, in
	// one script: they may be one word written apart.
	adjacent := func(i int) bool {
		return i >= 0 && i+1 < len(ws) && pos[i+1] == pos[i]+1 && joinable(ws[i], ws[i+1])
	}
	var slots []query.Query
	matches := p.ix.synonyms.match(ws, adjacent)
	for i := 0; i < len(ws); {
		end, to := i+1, []*phrase(nil)
		switch {
		case len(matches) > 0 && matches[0].start == i:
			end, to = matches[0].end, matches[0].to
			matches = matches[1:]
		case adjacent(i) && (len(matches) == 0 || matches[0].start > i+1):
			if joined, _ := p.compound(ws[i], ws[i+1]); joined != "" {
				end = i + 2
			}
		}
		slots = append(slots, p.slot(ws, i, end, to, lastIsPrefix, adjacent))
		i = end
	}
	if p.all {
		// Completion: every word must match, but a word that finds
		// nothing yet (one letter typed) is left out.
		return conjunction(slices.DeleteFunc(slots, func(q query.Query) bool { return q == nil })...), nil
	}
	q := disjunction(slices.Clone(slots)...)
	if q == nil {
		return nil, nil
	}
	// A query that is a document's whole title or alias finds it first.
	name := func() query.Query {
		t := query.NewTermQuery(nameKey(ws))
		t.SetField(fieldName)
		t.SetBoost(weightName)
		return t
	}
	anyWord = &disMaxQuery{clauses: []query.Query{q, name()}, tie: 1}
	if len(slots) >= 2 {
		// A conjunction of the same slots scores a document that has them
		// all as their disjunction does: the sum of the slots' scores.
		if every := conjunction(slots...); every != nil {
			everyWord = &disMaxQuery{clauses: []query.Query{every, name()}, tie: 1}
		}
	}
	return anyWord, everyWord
}

// slot is the clause of the words ws[i:end], which are also the names
// in to: one word, two that may be one written apart, or a synonym.
// typing says the last of ws is being typed.
func (p *planner) slot(ws []word, i, end int, to []*phrase, typing bool, adjacent func(int) bool) query.Query {
	run := ws[i:end]
	typingAt := func(k int) bool { return typing && i+k == len(ws)-1 }
	var own query.Query
	if len(run) == 1 {
		var prev *word
		if adjacent(i - 1) {
			prev = &ws[i-1]
		}
		own = p.wordClause(run[0], typingAt(0), prev)
	} else {
		clauses := make([]query.Query, len(run))
		for k, w := range run {
			clauses[k] = p.wordClause(w, typingAt(k), nil)
		}
		own = disjunction(clauses...)
		if len(run) == 2 && adjacent(i) {
			// A document may have the two words as one (گواهینامه) or
			// apart; one that has both (they are then also indexed
			// joined) matches best.
			if joined, w := p.compound(run[0], run[1]); joined != "" {
				own = disMax(1, own, p.terms([]wterm{{joined, w}}))
			}
		}
	}
	clauses := []query.Query{own}
	for _, ph := range to {
		clauses = append(clauses, p.phrase(ph, weightSynonym))
	}
	return disMax(tieSpan, clauses...)
}

// compound returns the form of two adjacent words written together, if
// the index has it as one word (گواهی نامه → گواهینامه), or the word it is
// a typo of; and the weight to search it with.
func (p *planner) compound(a, b word) (string, float64) {
	if utf8.RuneCountInString(a.form) < 2 || utf8.RuneCountInString(b.form) < 2 {
		return "", 0
	}
	joined := a.form + b.form
	if docs, asWord := p.vocab.has(joined); docs > 0 && asWord {
		return joined, 1
	}
	if c := p.vocab.fuzzy(joined, fuzziness(joined), 1, false); len(c) > 0 {
		return c[0].term, weightTypo2
	}
	return "", 0
}

// phrase is the clause of a synonym: all its words, exactly or by their
// stems, or a Persian phrase's words written together.
func (p *planner) phrase(ph *phrase, weight float64) query.Query {
	if len(ph.words) == 1 {
		return p.terms(exactTerms(ph.words[0], weight))
	}
	clauses := make([]query.Query, 0, len(ph.words))
	for _, w := range ph.words {
		clauses = append(clauses, p.terms(exactTerms(w, weight)))
	}
	q := conjunction(clauses...)
	if !ph.words[0].latin {
		q = disMax(0, q, p.terms([]wterm{{strings.Join(ph.keys, ""), weight}}))
	}
	return q
}

func exactTerms(w word, weight float64) []wterm {
	ts := []wterm{{w.form, weight}}
	for _, s := range w.stems {
		ts = append(ts, wterm{s, weight * weightStem})
	}
	return ts
}

// wordClause is the slot of one word: the word, its stems and parts, its
// typos, its completions if it is being typed (with the word before it,
// prev, when the two may be one word written apart), and the other
// names of the words these stand for.
func (p *planner) wordClause(w word, typing bool, prev *word) query.Query {
	var ts []wterm
	if !w.stop {
		ts = exactTerms(w, 1)
		for _, part := range w.parts {
			ts = append(ts, wterm{part, weightPart})
		}
	}
	var expanded []candidate
	weights := map[string]float64{}
	// Only a word no document has is taken for a typo: a known word is
	// far more often meant than mistyped, and its corrections would
	// only add documents that match less.
	if d := fuzziness(w.form); d > 0 && !w.stop && !p.known(w) {
		for _, c := range p.vocab.fuzzy(w.form, d, maxTypos, false) {
			wt := weightTypo1
			if c.dist > 1 {
				wt = weightTypo2
			}
			expanded = append(expanded, c)
			weights[c.term] = wt
		}
	}
	if typing {
		// A word being typed that is already a word is most likely
		// finished: only its commonest completions are searched.
		n := maxPrefixes
		if p.known(w) {
			n = maxPrefixes / 4
		}
		var cs []candidate
		if utf8.RuneCountInString(w.form) >= 2 {
			cs = p.vocab.prefixed(w.form, n, false)
		}
		if prev != nil {
			// گواهی ن may be the start of گواهینامه.
			cs = append(cs, p.vocab.prefixed(prev.form+w.form, max(n/2, 2), true)...)
		}
		for _, c := range cs {
			if _, dup := weights[c.term]; !dup {
				expanded = append(expanded, c)
			}
			weights[c.term] = max(weights[c.term], weightPrefix)
		}
	}
	var syn []query.Query
	for _, c := range expanded {
		wt := weights[c.term]
		ts = append(ts, wterm{c.term, wt})
		if w.latin {
			if st := stemEnglish(c.term); st != c.term {
				ts = append(ts, wterm{st, wt * weightStem})
			}
		}
		for _, ph := range p.ix.synonyms.single(c.term) {
			if len(ph.words) == 1 {
				ts = append(ts, exactTerms(ph.words[0], wt*weightSynonym)...)
			} else {
				syn = append(syn, p.phrase(ph, wt*weightSynonym))
			}
		}
	}
	return disMax(tieWord, append([]query.Query{p.terms(ts)}, syn...)...)
}

// terms is a dis-max of term queries for ts in the fields of each term's
// script. Terms no document has are left out.
func (p *planner) terms(ts []wterm) query.Query {
	best := map[string]float64{}
	var order []string
	for _, t := range ts {
		if _, seen := best[t.term]; !seen {
			order = append(order, t.term)
		}
		best[t.term] = max(best[t.term], t.w)
	}
	var clauses []query.Query
	for _, term := range order {
		if docs, _ := p.vocab.has(term); docs == 0 {
			continue
		}
		for _, f := range p.fieldsFor(term) {
			if f.boost < 1 && best[term] < 1 {
				continue // the agency's name, for the words typed only
			}
			q := query.NewTermQuery(term)
			q.SetField(f.name)
			q.SetBoost(best[term] * f.boost)
			clauses = append(clauses, q)
		}
	}
	return disMax(tieWord, clauses...)
}

// The helpers below build a query of the clauses that are not nil, nil if
// none is: a clause is nil when none of its terms is in any document.

func disMax(tie float64, clauses ...query.Query) query.Query {
	clauses = slices.DeleteFunc(clauses, func(q query.Query) bool { return q == nil })
	switch len(clauses) {
	case 0:
		return nil
	case 1:
		return clauses[0]
	}
	return &disMaxQuery{clauses: clauses, tie: tie}
}

func disjunction(clauses ...query.Query) query.Query {
	clauses = slices.DeleteFunc(clauses, func(q query.Query) bool { return q == nil })
	switch len(clauses) {
	case 0:
		return nil
	case 1:
		return clauses[0]
	}
	return query.NewDisjunctionQuery(clauses)
}

// conjunction is nil if any clause is.
func conjunction(clauses ...query.Query) query.Query {
	if slices.Contains(clauses, nil) || len(clauses) == 0 {
		return nil
	}
	if len(clauses) == 1 {
		return clauses[0]
	}
	return query.NewConjunctionQuery(clauses)
}

// fieldsFor returns the fields a term is searched in: by its script, and
// for a number by the interface's language.
func (p *planner) fieldsFor(term string) []field {
	switch {
	case hasLatin(term):
		return p.fields.en
	case isDigits(term) && p.lang == "en":
		return p.fields.en
	case isDigits(term) && p.lang == "":
		return append(append([]field(nil), p.fields.fa...), p.fields.en...)
	}
	return p.fields.fa
}

// known reports whether a document has w as a word, or by its stem.
func (p *planner) known(w word) bool {
	if docs, asWord := p.vocab.has(w.form); docs > 0 && asWord {
		return true
	}
	for _, s := range w.stems {
		if docs, _ := p.vocab.has(s); docs > 0 {
			return true
		}
	}
	return false
}
