package search

import (
	"errors"
	"fmt"
	"math"
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
	Aliases []string
	// Topics are the titles of the document's life events and categories,
	// matched with a low weight so that a broad query (مالیات, خودرو) also
	// finds what is filed under it.
	Topics     []catalog.Text
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
	terms := map[string]catalog.Text{}
	for _, t := range c.LifeEvents {
		terms["event:"+t.Key] = t.Title
	}
	for _, t := range c.Categories {
		terms["category:"+t.Key] = t.Title
	}
	topics := func(events, cats []string) []catalog.Text {
		var out []catalog.Text
		for _, k := range events {
			out = append(out, terms["event:"+k])
		}
		for _, k := range cats {
			out = append(out, terms["category:"+k])
		}
		return out
	}
	services := map[string]catalog.Service{}
	docs := make([]Doc, 0, len(c.Services)+len(c.Licences))
	for _, s := range c.Services {
		services[s.ID] = s
		docs = append(docs, Doc{
			ID: s.ID, Kind: KindService, Agency: s.Agency,
			Title: s.Title, Summary: s.Summary, AgencyName: agencies[s.Agency].Name,
			Aliases: s.Aliases, Topics: topics(s.LifeEvents, s.Categories),
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
			Title: l.Title, Summary: l.Summary, AgencyName: agencies[l.Issuer].Name,
			Aliases: l.Aliases, Topics: topics(events, cats),
			Audiences: l.Audience, LifeEvents: events, Categories: cats,
		})
	}
	return docs
}

func appendNew(list []string, vs ...string) []string {
	for _, v := range vs {
		found := false
		for _, w := range list {
			found = found || w == v
		}
		if !found {
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

	// mu guards docs and vocab: Put and Delete hold it to write, searches
	// to read. vmu serialises the rebuilding of the vocabulary's sorted
	// copy, which a search may do while others read.
	mu    sync.RWMutex
	vmu   sync.Mutex
	docs  map[string]*entry
	vocab *vocab
}

// entry is an indexed document and its ranking signals, which SetUse
// changes under a read lock.
type entry struct {
	doc    Doc
	uses   atomic.Int64
	rating atomic.Uint64 // math.Float64bits
}

// Field names of the bleve documents.
const (
	fieldTitleFa  = "title_fa"
	fieldAliasFa  = "alias_fa"
	fieldAgencyFa = "agency_fa"
	fieldTextFa   = "text_fa"
	fieldTopicFa  = "topic_fa"
	fieldTitleEn  = "title_en"
	fieldAliasEn  = "alias_en"
	fieldAgencyEn = "agency_en"
	fieldTextEn   = "text_en"
	fieldTopicEn  = "topic_en"

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
	b, err := bleve.NewUsing("", indexMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search: new index: %w", err)
	}
	ix := &Index{bleve: b, synonyms: syn, docs: map[string]*entry{}, vocab: newVocab()}
	batch := b.NewBatch()
	for _, d := range docs {
		if err := checkDoc(d); err != nil {
			return nil, err
		}
		if _, dup := ix.docs[d.ID]; dup {
			return nil, fmt.Errorf("search: new index: document %s given twice", d.ID)
		}
		if err := batch.Index(d.ID, d.fields()); err != nil {
			return nil, fmt.Errorf("search: index %s: %w", d.ID, err)
		}
		ix.add(d)
	}
	if err := b.Batch(batch); err != nil {
		return nil, fmt.Errorf("search: new index: %w", err)
	}
	return ix, nil
}

// Close releases the index.
func (ix *Index) Close() error { return ix.bleve.Close() }

// Put adds a document or replaces the one with its ID: an agency edited
// the record. A replaced document keeps its use and rating, which only
// SetUse changes; a new one starts with d's.
func (ix *Index) Put(d Doc) error {
	if err := checkDoc(d); err != nil {
		return err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err := ix.bleve.Index(d.ID, d.fields()); err != nil {
		return fmt.Errorf("search: put %s: %w", d.ID, err)
	}
	old := ix.docs[d.ID]
	if old != nil {
		ix.vocab.add(old.doc.texts(), -1)
		d.Uses, d.Rating = old.uses.Load(), math.Float64frombits(old.rating.Load())
	}
	ix.add(d)
	return nil
}

// Delete removes a document. Deleting one that is not indexed does
// nothing.
func (ix *Index) Delete(id string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	old := ix.docs[id]
	if old == nil {
		return nil
	}
	if err := ix.bleve.Delete(id); err != nil {
		return fmt.Errorf("search: delete %s: %w", id, err)
	}
	ix.vocab.add(old.doc.texts(), -1)
	delete(ix.docs, id)
	return nil
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
	e.uses.Store(uses)
	e.rating.Store(math.Float64bits(rating))
	return true
}

// Len returns the number of documents indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.docs)
}

// add records d, already given to bleve; the caller holds mu or owns ix.
func (ix *Index) add(d Doc) {
	e := &entry{doc: d}
	e.uses.Store(d.Uses)
	e.rating.Store(math.Float64bits(d.Rating))
	ix.docs[d.ID] = e
	ix.vocab.add(d.texts(), 1)
}

// vocabulary returns the current sorted vocabulary; the caller holds mu
// to read.
func (ix *Index) vocabulary() *vsnap {
	ix.vmu.Lock()
	defer ix.vmu.Unlock()
	return ix.vocab.snapshot(ix.synonyms.words)
}

// popularity is a document's use and rating on a scale of 0 to 1. Uses
// count on a log scale up to ten million; a service nobody has rated yet
// counts as rated 2.5 out of 5.
func (e *entry) popularity() float64 {
	u := min(math.Log10(1+float64(max(e.uses.Load(), 0)))/7, 1)
	r := 0.5
	if rating := math.Float64frombits(e.rating.Load()); rating > 0 {
		r = min(rating, 5) / 5
	}
	return 0.7*u + 0.3*r
}

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
	out = append(out, d.Aliases...)
	for _, t := range d.Topics {
		out = append(out, t.Fa, t.En)
	}
	return out
}

// fields is d as a bleve document. Aliases go to the Persian or the
// English fields by their script.
func (d *Doc) fields() map[string]any {
	var aliasFa, aliasEn, topicFa, topicEn []string
	for _, a := range d.Aliases {
		if isPersian(a) {
			aliasFa = append(aliasFa, a)
		} else {
			aliasEn = append(aliasEn, a)
		}
	}
	for _, t := range d.Topics {
		topicFa, topicEn = append(topicFa, t.Fa), append(topicEn, t.En)
	}
	electronic := "false"
	if d.Electronic {
		electronic = "true"
	}
	return map[string]any{
		fieldTitleFa: d.Title.Fa, fieldTitleEn: d.Title.En,
		fieldTextFa: d.Summary.Fa, fieldTextEn: d.Summary.En,
		fieldAgencyFa: d.AgencyName.Fa, fieldAgencyEn: d.AgencyName.En,
		fieldAliasFa: aliasFa, fieldAliasEn: aliasEn,
		fieldTopicFa: topicFa, fieldTopicEn: topicEn,
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
	for _, name := range []string{fieldTitleFa, fieldAliasFa, fieldAgencyFa, fieldTextFa, fieldTopicFa,
		fieldTitleEn, fieldAliasEn, fieldAgencyEn, fieldTextEn, fieldTopicEn} {
		doc.AddFieldMappingsAt(name, text())
	}
	for _, name := range []string{fieldKind, fieldAgency, fieldAudience, fieldLifeEvent, fieldCategory, fieldChannel, fieldElectronic} {
		doc.AddFieldMappingsAt(name, kw())
	}
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = keyword.Name
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	return m
}
