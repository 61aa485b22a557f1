package search

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/panjereh/panjereh/internal/catalog"
)

// Kinds of document.
const (
	KindService = "service"
	KindLicence = "licence"
)

// Doc is what search knows of a service or a licence.
type Doc struct {
	ID string
	// Kind is KindService or KindLicence.
	Kind string
	// Agency is the code of the agency that offers the service or issues
	// the licence; AgencyName its name, which queries also match.
	Agency     string
	Title      catalog.Text
	Summary    catalog.Text
	AgencyName catalog.Text
	// Aliases are other names people use, in either language.
	Aliases    []string
	Audiences  []string
	LifeEvents []string
	Categories []string
	Channels   []string
	Electronic bool
	// Uses and Rating rank documents of near-equal relevance: how many
	// times the service was used, and its mean rating out of 5 (0 for
	// none yet).
	Uses   int64
	Rating float64
}

// DocsFrom returns the documents of a catalog's services and licences. A
// licence takes the life events and categories of the services that
// issue it; it has no channel and is not electronic.
func DocsFrom(c *catalog.Content) []Doc {
	agencies := map[string]catalog.Agency{}
	for _, a := range c.Agencies {
		agencies[a.Code] = a
	}
	services := map[string]catalog.Service{}
	docs := make([]Doc, 0, len(c.Services)+len(c.Licences))
	for _, s := range c.Services {
		services[s.ID] = s
		docs = append(docs, Doc{
			ID: s.ID, Kind: KindService, Agency: s.Agency,
			Title: s.Title, Summary: s.Summary, AgencyName: agencies[s.Agency].Name, Aliases: s.Aliases,
			Audiences: s.Audiences, LifeEvents: s.LifeEvents, Categories: s.Categories, Channels: s.Channels,
			Electronic: s.Electronic,
		})
	}
	for _, l := range c.Licences {
		var events, cats []string
		for _, id := range l.Services {
			events = appendNew(events, services[id].LifeEvents...)
			cats = appendNew(cats, services[id].Categories...)
		}
		docs = append(docs, Doc{
			ID: l.ID, Kind: KindLicence, Agency: l.Issuer,
			Title: l.Title, Summary: l.Summary, AgencyName: agencies[l.Issuer].Name, Aliases: l.Aliases,
			Audiences: l.Audience, LifeEvents: events, Categories: cats,
		})
	}
	return docs
}

func appendNew(list []string, vs ...string) []string {
	for _, v := range vs {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// Index is the catalog's search index: bleve's in-memory index of the
// documents' text and facets, the vocabulary for typos and prefixes, and
// each document's use and rating. It is safe for concurrent use.
type Index struct {
	bleve    bleve.Index
	synonyms *synonyms
	words    *wordCache // the text analyzer's

	// mu guards docs and vocab: Put and Delete hold it to write, searches
	// to read. vmu serialises the rebuilding of the vocabulary's sorted
	// copy, which a search may do while others read.
	mu    sync.RWMutex
	vmu   sync.Mutex
	docs  map[string]*entry
	vocab *vocab
	// edits counts the edits since the bleve index was built; rebuilding
	// has the IDs edited while it is built anew, and is nil otherwise.
	edits      int
	rebuilding map[string]bool
}

// entry is an indexed document and its ranking signals, which SetUse
// changes under a read lock.
type entry struct {
	doc Doc
	// signals is the use and rating, and the popularity they make.
	signals atomic.Pointer[signals]
}

type signals struct {
	uses       int64
	rating     float64
	popularity float64
}

// Field names of the bleve documents.
const (
	fieldTitleFa  = "title_fa"
	fieldAliasFa  = "alias_fa"
	fieldTextFa   = "text_fa"
	fieldAgencyFa = "agency_fa" // the agency's name
	fieldTitleEn  = "title_en"
	fieldAliasEn  = "alias_en"
	fieldTextEn   = "text_en"
	fieldAgencyEn = "agency_en"

	fieldName = "name" // titles and aliases whole

	fieldKind       = "kind"
	fieldAgency     = "agency"
	fieldAudience   = "audience"
	fieldLifeEvent  = "life_event"
	fieldCategory   = "category"
	fieldChannel    = "channel"
	fieldElectronic = "electronic"
)

// New indexes docs.
func New(docs []Doc) (*Index, error) {
	syn, err := parseSynonyms(synonymsText)
	if err != nil {
		return nil, err
	}
	ix := &Index{synonyms: syn, docs: map[string]*entry{}, vocab: newVocab()}
	for _, d := range docs {
		if err := checkDoc(d); err != nil {
			return nil, err
		}
		if _, dup := ix.docs[d.ID]; dup {
			return nil, fmt.Errorf("search: new index: document %s given twice", d.ID)
		}
		e := &entry{doc: d}
		e.signals.Store(newSignals(d.Uses, d.Rating))
		ix.docs[d.ID] = e
	}
	if ix.bleve, ix.words, err = build(docs); err != nil {
		return nil, err
	}
	for _, d := range docs {
		ix.vocab.add(ix.words, d.texts(), 1)
	}
	return ix, nil
}

// build returns a new bleve index of docs, and its text analyzer's word
// cache. The index is bleve's scorch without a path, which keeps its
// segments in memory. bleve.NewMemOnly's older index (upsidedown over a
// treap) was measured ten times slower to search 10,000 documents.
func build(docs []Doc) (bleve.Index, *wordCache, error) {
	b, err := bleve.NewUsing("", indexMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("search: new index: %w", err)
	}
	a, ok := b.Mapping().AnalyzerNamed(analyzerName).(*textAnalyzer)
	if !ok {
		_ = b.Close()
		return nil, nil, errors.New("search: new index: the text analyzer is not ours")
	}
	batch := b.NewBatch()
	for _, d := range docs {
		if err := batch.Index(d.ID, d.fields()); err != nil {
			_ = b.Close()
			return nil, nil, fmt.Errorf("search: index %s: %w", d.ID, err)
		}
	}
	if err := b.Batch(batch); err != nil {
		_ = b.Close()
		return nil, nil, fmt.Errorf("search: new index: %w", err)
	}
	return b, a.words, nil
}

// Close releases the index.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.bleve.Close()
}

// compactAfter is the number of edits after which the bleve index is
// built anew. The in-memory index adds a segment for each edit and, with
// no disk to merge them on, keeps them all: every search visits each.
const compactAfter = 64

// Put adds a document or replaces the one with its ID: an agency edited
// the record. A replaced document keeps its use and rating, which only
// SetUse changes; a new one starts with d's. Every compactAfter edits,
// Put or Delete also rebuilds the index, while searches go on.
func (ix *Index) Put(d Doc) error {
	if err := checkDoc(d); err != nil {
		return err
	}
	ix.mu.Lock()
	if err := ix.bleve.Index(d.ID, d.fields()); err != nil {
		ix.mu.Unlock()
		return fmt.Errorf("search: put %s: %w", d.ID, err)
	}
	if old := ix.docs[d.ID]; old != nil {
		ix.vocab.add(ix.words, old.doc.texts(), -1)
		sig := old.signals.Load()
		d.Uses, d.Rating = sig.uses, sig.rating
	}
	e := &entry{doc: d}
	e.signals.Store(newSignals(d.Uses, d.Rating))
	ix.docs[d.ID] = e
	ix.vocab.add(ix.words, d.texts(), 1)
	compact := ix.edited(d.ID)
	ix.mu.Unlock()
	if compact {
		return ix.compact()
	}
	return nil
}

// Delete removes a document. Deleting one that is not indexed does
// nothing.
func (ix *Index) Delete(id string) error {
	ix.mu.Lock()
	old := ix.docs[id]
	if old == nil {
		ix.mu.Unlock()
		return nil
	}
	if err := ix.bleve.Delete(id); err != nil {
		ix.mu.Unlock()
		return fmt.Errorf("search: delete %s: %w", id, err)
	}
	ix.vocab.add(ix.words, old.doc.texts(), -1)
	delete(ix.docs, id)
	compact := ix.edited(id)
	ix.mu.Unlock()
	if compact {
		return ix.compact()
	}
	return nil
}

// edited counts an edit of id and reports whether the caller is to
// rebuild the index; the caller holds mu.
func (ix *Index) edited(id string) bool {
	ix.edits++
	if ix.rebuilding != nil {
		ix.rebuilding[id] = true
		return false
	}
	if ix.edits < compactAfter {
		return false
	}
	ix.rebuilding = map[string]bool{}
	return true
}

// compact builds the bleve index anew from the documents, without holding
// mu, then applies the edits made meanwhile and puts it in place.
func (ix *Index) compact() error {
	ix.mu.RLock()
	docs := make([]Doc, 0, len(ix.docs))
	for _, e := range ix.docs {
		docs = append(docs, e.doc)
	}
	ix.mu.RUnlock()
	b, words, err := build(docs)

	ix.mu.Lock()
	defer ix.mu.Unlock()
	edited := ix.rebuilding
	ix.rebuilding = nil
	if err != nil {
		return err // the next edit tries again
	}
	for id := range edited {
		if e := ix.docs[id]; e != nil {
			err = b.Index(id, e.doc.fields())
		} else {
			err = b.Delete(id)
		}
		if err != nil {
			_ = b.Close()
			return fmt.Errorf("search: rebuild: %w", err)
		}
	}
	old := ix.bleve
	ix.bleve, ix.words, ix.edits = b, words, len(edited)
	return old.Close()
}

// SetUse sets how many times a document was used and its mean rating,
// which rank documents of near-equal relevance. It is cheap: nothing is
// reindexed. It reports whether the document is indexed.
func (ix *Index) SetUse(id string, uses int64, rating float64) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	e := ix.docs[id]
	if e == nil {
		return false
	}
	e.signals.Store(newSignals(uses, rating))
	return true
}

// Len returns the number of documents indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.docs)
}

// vocabulary returns the current sorted vocabulary; the caller holds mu
// to read.
func (ix *Index) vocabulary() *vsnap {
	ix.vmu.Lock()
	defer ix.vmu.Unlock()
	return ix.vocab.snapshot(ix.synonyms.words)
}

// newSignals computes a document's popularity, its use and rating on a
// scale of 0 to 1. Uses count on a log scale up to ten million; a service
// nobody has rated yet counts as rated 2.5 out of 5.
func newSignals(uses int64, rating float64) *signals {
	u := min(math.Log10(1+float64(max(uses, 0)))/7, 1)
	r := 0.5
	if rating > 0 {
		r = min(rating, 5) / 5
	}
	return &signals{uses: uses, rating: rating, popularity: 0.7*u + 0.3*r}
}

func (e *entry) popularity() float64 { return e.signals.Load().popularity }

var errNoID = errors.New("search: a document needs an ID")

func checkDoc(d Doc) error {
	if d.ID == "" {
		return errNoID
	}
	if d.Kind != KindService && d.Kind != KindLicence {
		return fmt.Errorf("search: document %s: kind %q is neither %q nor %q", d.ID, d.Kind, KindService, KindLicence)
	}
	return nil
}

// texts are every text of d that is searched, for the vocabulary.
func (d *Doc) texts() []string {
	out := []string{d.Title.Fa, d.Title.En, d.Summary.Fa, d.Summary.En, d.AgencyName.Fa, d.AgencyName.En}
	return append(out, d.Aliases...)
}

// fields is d as a bleve document. Aliases go to the Persian or the
// English fields by their script.
func (d *Doc) fields() map[string]any {
	var aliasFa, aliasEn []string
	for _, a := range d.Aliases {
		if isPersian(a) {
			aliasFa = append(aliasFa, a)
		} else {
			aliasEn = append(aliasEn, a)
		}
	}
	electronic := "false"
	if d.Electronic {
		electronic = "true"
	}
	return map[string]any{
		fieldTitleFa: d.Title.Fa, fieldTitleEn: d.Title.En,
		fieldTextFa: d.Summary.Fa, fieldTextEn: d.Summary.En,
		fieldAliasFa: aliasFa, fieldAliasEn: aliasEn,
		fieldAgencyFa: d.AgencyName.Fa, fieldAgencyEn: d.AgencyName.En,
		fieldName: append([]string{d.Title.Fa, d.Title.En}, d.Aliases...),
		fieldKind: d.Kind, fieldAgency: d.Agency,
		fieldAudience: d.Audiences, fieldLifeEvent: d.LifeEvents,
		fieldCategory: d.Categories, fieldChannel: d.Channels,
		fieldElectronic: electronic,
	}
}

// isPersian reports whether s has a letter in the Arabic script.
func isPersian(s string) bool {
	for _, r := range s {
		if '\u0600' <= r && r <= '\u06FF' || '\uFB50' <= r && r <= '\uFEFF' {
			return true
		}
	}
	return false
}

func indexMapping() mapping.IndexMapping {
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerName
		f.Store, f.IncludeInAll, f.IncludeTermVectors, f.DocValues = false, false, false, false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store, f.IncludeInAll, f.IncludeTermVectors, f.DocValues = false, false, false, false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	for _, name := range []string{fieldTitleFa, fieldAliasFa, fieldTextFa, fieldAgencyFa,
		fieldTitleEn, fieldAliasEn, fieldTextEn, fieldAgencyEn} {
		doc.AddFieldMappingsAt(name, text())
	}
	name := text()
	name.Analyzer = nameAnalyzerName
	name.IncludeTermVectors = false
	doc.AddFieldMappingsAt(fieldName, name)
	for _, name := range []string{fieldKind, fieldAgency, fieldAudience, fieldLifeEvent, fieldCategory, fieldChannel, fieldElectronic} {
		doc.AddFieldMappingsAt(name, kw())
	}
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = keyword.Name
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	return m
}
