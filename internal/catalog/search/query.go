package search

import (
	"context"
	"errors"
	"fmt"
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

// Search returns the number of documents that match q and the hits of the
// page q asks for, the most relevant first.
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
	var text query.Query
	if strings.TrimSpace(q.Text) != "" {
		p := planner{ix: ix, vocab: ix.vocabulary(), lang: q.Lang, fields: allFields}
		if text = p.plan(q.Text, false); text == nil {
			return 0, nil, nil // only stop words and punctuation
		}
	}
	inner := text
	if filter := filterQuery(q); filter != nil {
		b := query.NewBooleanQuery(nil, nil, nil)
		if text != nil {
			b.AddMust(text)
		}
		b.AddFilter(filter)
		inner = b
	} else if inner == nil {
		inner = query.NewMatchAllQuery()
	}
	return ix.run(ctx, inner, text == nil, limit, q.Offset)
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
	q := p.plan(prefix, false)
	if q == nil {
		return nil, nil
	}
	_, hits, err := ix.run(ctx, q, false, n, 0)
	return hits, err
}

// run searches, ranking by relevance and popularity or, for a listing, by
// popularity alone; the caller holds mu to read.
func (ix *Index) run(ctx context.Context, q query.Query, listing bool, limit, offset int) (int, []Hit, error) {
	ranked := &rankQuery{child: q, score: func(id string, relevance float64) float64 {
		e := ix.docs[id]
		switch {
		case e == nil:
			return relevance
		case listing:
			return e.popularity()
		}
		return relevance * (1 + rankWeight*e.popularity())
	}}
	req := bleve.NewSearchRequestOptions(ranked, limit, offset, false)
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
	switch len(must) {
	case 0:
		return nil
	case 1:
		return must[0]
	}
	return query.NewConjunctionQuery(must)
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
		fa: []field{{fieldTitleFa, 3}, {fieldAliasFa, 2.5}, {fieldAgencyFa, 1.2}, {fieldTextFa, 1}, {fieldTopicFa, 0.4}},
		en: []field{{fieldTitleEn, 3}, {fieldAliasEn, 2.5}, {fieldAgencyEn, 1.2}, {fieldTextEn, 1}, {fieldTopicEn, 0.4}},
	}
	titleFields = fieldSet{
		fa: []field{{fieldTitleFa, 3}, {fieldAliasFa, 2.5}},
		en: []field{{fieldTitleEn, 3}, {fieldAliasEn, 2.5}},
	}
)

// Weights of the forms a word is searched by, against the word itself.
const (
	weightStem      = 0.8  // a plural's stem, an English stem
	weightPart      = 0.35 // a part of a compound
	weightTypo1     = 0.55 // a word one edit away
	weightTypo2     = 0.4  // two edits away
	weightKnownTypo = 0.6  // times the above when the word itself is known
	weightPrefix    = 0.6  // a completion of the last word
	weightSynonym   = 0.85 // another name of a group the word is in
	tieWord         = 0.2  // dis-max tie between a word's forms and fields
	tieSpan         = 0.3  // between a span's own words and its synonyms

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
// Unless exact is set or text ends with a space, the last word is also
// matched as a prefix.
func (p *planner) plan(text string, exact bool) query.Query {
	all := analyze(text)
	prefix := !exact && text != "" && func() bool { r, _ := utf8.DecodeLastRuneInString(text); return isWordRune(r) }()
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
		return nil
	}
	lastIsPrefix := prefix && pos[len(pos)-1] == len(all)-1

	var slots []query.Query
	matches := p.ix.synonyms.match(ws)
	for i := 0; i < len(ws); {
		last := i == len(ws)-1
		if len(matches) > 0 && matches[0].start == i {
			m := matches[0]
			matches = matches[1:]
			slots = append(slots, p.span(ws[m.start:m.end], m.to, m.end == len(ws) && lastIsPrefix, ws, m.start))
			i = m.end
			continue
		}
		if !last && pos[i+1] == pos[i]+1 && joinable(ws[i], ws[i+1]) && (len(matches) == 0 || matches[0].start > i+1) {
			if joined, w := p.compound(ws[i], ws[i+1]); joined != "" {
				pair := query.NewDisjunctionQuery([]query.Query{
					p.wordClause(ws[i], false, nil), p.wordClause(ws[i+1], i+1 == len(ws)-1 && lastIsPrefix, &ws[i]),
				})
				slots = append(slots, &disMaxQuery{clauses: []query.Query{pair, p.terms([]wterm{{joined, w}})}, tie: 1})
				i += 2
				continue
			}
		}
		var prev *word
		if i > 0 && pos[i-1] == pos[i]-1 && joinable(ws[i-1], ws[i]) {
			prev = &ws[i-1]
		}
		slots = append(slots, p.wordClause(ws[i], last && lastIsPrefix, prev))
		i++
	}
	switch {
	case len(slots) == 1:
		return slots[0]
	case p.all:
		return query.NewConjunctionQuery(slots)
	}
	return query.NewDisjunctionQuery(slots)
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

// span is the slot of a run of words that is a name of a synonym group:
// the words themselves or any other name of the group.
func (p *planner) span(run []word, to []*phrase, lastIsPrefix bool, ws []word, start int) query.Query {
	var own query.Query
	if len(run) == 1 {
		var prev *word
		if start > 0 && joinable(ws[start-1], run[0]) {
			prev = &ws[start-1]
		}
		own = p.wordClause(run[0], lastIsPrefix, prev)
	} else {
		clauses := make([]query.Query, len(run))
		for i, w := range run {
			clauses[i] = p.wordClause(w, lastIsPrefix && i == len(run)-1, nil)
		}
		own = query.NewDisjunctionQuery(clauses)
	}
	clauses := []query.Query{own}
	for _, ph := range to {
		clauses = append(clauses, p.phrase(ph, weightSynonym))
	}
	return &disMaxQuery{clauses: clauses, tie: tieSpan}
}

// phrase is the clause of a synonym: all its words, exactly or by their
// stems.
func (p *planner) phrase(ph *phrase, weight float64) query.Query {
	if len(ph.words) == 1 {
		return p.terms(exactTerms(ph.words[0], weight))
	}
	clauses := make([]query.Query, 0, len(ph.words)+1)
	for _, w := range ph.words {
		clauses = append(clauses, p.terms(exactTerms(w, weight)))
	}
	if !ph.words[0].latin {
		joined := strings.Join(ph.keys, "")
		clauses = append(clauses, p.terms([]wterm{{joined, weight}}))
	}
	return query.NewDisjunctionQuery(clauses)
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
	if d := fuzziness(w.form); d > 0 && !w.stop {
		known := 1.0
		if docs, asWord := p.vocab.has(w.form); docs > 0 && asWord {
			known = weightKnownTypo
		}
		for _, c := range p.vocab.fuzzy(w.form, d, maxTypos, false) {
			wt := weightTypo1 * known
			if c.dist > 1 {
				wt = weightTypo2 * known
			}
			expanded = append(expanded, c)
			weights[c.term] = wt
		}
	}
	if typing && utf8.RuneCountInString(w.form) >= 2 {
		for _, c := range p.vocab.prefixed(w.form, maxPrefixes, false) {
			expanded = append(expanded, c)
			weights[c.term] = max(weights[c.term], weightPrefix)
		}
		if prev != nil {
			for _, c := range p.vocab.prefixed(prev.form+w.form, maxPrefixes/2, true) {
				expanded = append(expanded, c)
				weights[c.term] = max(weights[c.term], weightPrefix)
			}
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
	q := p.terms(ts)
	if len(syn) == 0 {
		return q
	}
	return &disMaxQuery{clauses: append([]query.Query{q}, syn...), tie: tieWord}
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
			q := query.NewTermQuery(term)
			q.SetField(f.name)
			q.SetBoost(best[term] * f.boost)
			clauses = append(clauses, q)
		}
	}
	if len(clauses) == 0 {
		return query.NewMatchNoneQuery()
	}
	return &disMaxQuery{clauses: clauses, tie: tieWord}
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
