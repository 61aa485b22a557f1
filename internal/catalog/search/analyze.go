package search

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"

	"github.com/panjereh/panjereh/internal/iran"
)

// word is one word of a text as search sees it. Persian and English text
// go through the same steps: split into words, fold each with iran.Fold
// (which also joins the parts of a compound written with a zero-width
// non-joiner), then add the other forms the word is found by.
type word struct {
	// raw is the word as written; form is its folded form, the token
	// indexed.
	raw, form string
	// stems are plural stems of a Persian word (کتاب for کتاب‌ها) and the
	// English stem of a Latin one; parts are the parts of a compound
	// written with a zero-width non-joiner (گواهی and نامه for
	// گواهی‌نامه). Both are indexed at the word's position.
	stems, parts []string
	// latin says the word has Latin letters: it is searched in the
	// English fields.
	latin bool
	// stop says the word is a stop word: it is neither indexed nor
	// searched, and no shingle spans it.
	stop bool
	// start and end are the word's byte offsets in the text.
	start, end int
}

const zwnj = '\u200C'

// isWordRune reports whether r belongs inside a word: letters (the tatweel
// is one), digits, combining marks (harakat, the hamza above), and the
// invisible characters iran.Fold removes, so that a stray RLM or ZWNJ
// never splits a word.
func isWordRune(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case r == zwnj, r == '\u200D', r == '\u200E', r == '\u200F', r == '\uFEFF',
		'\u202A' <= r && r <= '\u202E', '\u2066' <= r && r <= '\u2069':
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// fold is iran.Fold and a few more letters keyboards and OCR produce: the
// standalone hamza is dropped (سوء پیشینه is often typed سو پیشینه), and
// the heh and alef variants of other Arabic-script languages become the
// Persian letters.
func fold(s string) string {
	s = iran.Fold(s)
	if !strings.ContainsAny(s, "ءھەٱ\u200D") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case 'ء', '\u200D':
			return -1
		case 'ھ', 'ە':
			return 'ه'
		case 'ٱ':
			return 'ا'
		}
		return r
	}, s)
}

// analyze splits s into words. The words are returned in order, stop
// words included (marked), so that callers can tell which words are
// adjacent.
func analyze(s string) []word { return (*wordCache)(nil).analyze(s) }

// wordCache remembers how words were analyzed: a catalog repeats its
// words, and folding and stemming each again is most of the cost of
// indexing. An index has its own; a nil cache analyzes every word.
type wordCache struct {
	m sync.Map // raw word → word
}

// analyze is the package's analyze, with the cache.
func (c *wordCache) analyze(s string) []word {
	words := make([]word, 0, len(s)/8+1)
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			words = c.appendWord(words, s[start:i], start)
			start = -1
		}
	}
	if start >= 0 {
		words = c.appendWord(words, s[start:], start)
	}
	return words
}

func (c *wordCache) appendWord(words []word, raw string, start int) []word {
	if c != nil {
		if w, ok := c.m.Load(raw); ok {
			w := w.(*word)
			if w.form == "" {
				return words
			}
			words = append(words, *w)
			words[len(words)-1].start, words[len(words)-1].end = start, start+len(raw)
			return words
		}
		raw = strings.Clone(raw) // not to keep the whole text
	}
	w := newWord(raw)
	if c != nil {
		cached := w // w's position is set below: the cache has its own
		c.m.Store(raw, &cached)
	}
	if w.form == "" {
		return words
	}
	w.start, w.end = start, start+len(raw)
	return append(words, w)
}

// newWord analyzes one word; its form is empty if nothing of it is left.
func newWord(raw string) word {
	form := fold(raw)
	if form == "" {
		return word{}
	}
	w := word{raw: raw, form: form, latin: hasLatin(form)}
	switch {
	case w.latin:
		w.stop = enStop[form] || utf8.RuneCountInString(form) < 2 && !isDigits(form)
		if !w.stop {
			if st := stemEnglish(form); st != form {
				w.stems = []string{st}
			}
		}
	default:
		w.stop = faStop[form]
		if !w.stop {
			w.stems = persianStems(form)
			for _, p := range compoundParts(raw, form) {
				if !slices.Contains(w.stems, p) {
					w.parts = append(w.parts, p)
				}
			}
		}
	}
	return w
}

// compoundParts returns the parts of a word written with zero-width
// non-joiners, leaving out inflexions and the verbal prefix, which find
// nothing by themselves: گواهی‌نامه‌ها has the parts گواهی and نامه.
func compoundParts(raw, form string) []string {
	if !strings.ContainsRune(raw, zwnj) {
		return nil
	}
	var parts []string
	for p := range strings.SplitSeq(raw, string(zwnj)) {
		p = fold(p)
		if utf8.RuneCountInString(p) < 2 || faAffix[p] || faStop[p] || p == form {
			continue
		}
		parts = append(parts, p)
	}
	return parts
}

func hasLatin(s string) bool {
	for _, r := range s {
		if 'a' <= r && r <= 'z' || r >= 0xC0 && r < 0x250 {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// stemEnglish returns the Porter2 (snowball) stem of a lower-case English
// word.
func stemEnglish(s string) string {
	if isDigits(s) {
		return s
	}
	env := snowballstem.NewEnv(s)
	english.Stem(env)
	return env.Current()
}

// persianStems returns the stems of a folded Persian word that may carry a
// plural suffix: ها، های، هایی، ان، ات (and the forms گان and یان take
// before ان). Every candidate is returned: a wrong one (خدم for خدمات)
// costs an unused token, while the right one (خدمت) lets the plural find
// the singular. The word itself is always indexed too, so a word that
// only looks plural (تهران, مالیات) still finds itself; the exceptions
// below keep the most common of them from finding an unrelated word.
func persianStems(form string) []string {
	n := utf8.RuneCountInString(form)
	if n < 4 || faNotPlural[form] || isDigits(form) {
		return nil
	}
	var stems []string
	add := func(s string) {
		if utf8.RuneCountInString(s) >= 2 && s != form && !faStop[s] {
			stems = append(stems, s)
		}
	}
	switch {
	case strings.HasSuffix(form, "هایی"):
		add(strings.TrimSuffix(form, "هایی"))
	case strings.HasSuffix(form, "های"):
		add(strings.TrimSuffix(form, "های"))
	case strings.HasSuffix(form, "ها"):
		add(strings.TrimSuffix(form, "ها"))
	case strings.HasSuffix(form, "ستان"):
		// The place suffix (بیمارستان, استان, شهرستان), not a plural.
	case strings.HasSuffix(form, "گان") && n >= 6:
		// راننده → رانندگان, بازمانده → بازماندگان.
		add(strings.TrimSuffix(form, "گان") + "ه")
	case strings.HasSuffix(form, "یان") && n >= 5:
		// دانشجو → دانشجویان; ایرانی → ایرانیان.
		stem := strings.TrimSuffix(form, "یان")
		add(stem)
		add(stem + "ی")
	case strings.HasSuffix(form, "ان") && n >= 5:
		add(strings.TrimSuffix(form, "ان"))
	case strings.HasSuffix(form, "ات") && n >= 5:
		// اطلاع → اطلاعات, خدمت → خدمات, معامله → معاملات.
		stem := strings.TrimSuffix(form, "ات")
		add(stem)
		add(stem + "ت")
		add(stem + "ه")
	}
	return stems
}

// faStop are Persian words too common to search by, folded.
var faStop = foldSet(`و در به از که را با این آن برای یا تا هم بر است هست شود می نمی
	ای اینکه چه چی چرا چطور چگونه کجا کی آیا باید میشود میخواهم خواهم
	یک های ها ی شده کرد کنم کنید کردن شد بود نیز اگر پس یعنی همه دیگر
	من ما شما او خود ام`)

// faAffix are the inflexions and the verbal prefix that a compound's
// parts can be: never a part worth indexing alone.
var faAffix = foldSet(`ها های هایی ی ای ام ات اش مان تان شان تر ترین می نمی
	گر گری`)

// faNotPlural are common words that end like a plural but are not one,
// and whose false stem is a real word.
var faNotPlural = foldSet(`مالیات تنها بها رها اینها آنها صدها هزارها ایران تهران
	سازمان ساختمان درمان زمان مکان امکان زبان جوان خیابان میزان فرمان پایان
	جریان نشان گران ارزان آسان مهمان زندان دندان کارخانه همدان کرمان زنجان
	سمنان اصفهان خراسان گیلان مازندران کاشان آبادان لرستان گلستان سیستان
	ثبات حیات نجات زکات اوقات برات`)

// enStop are English words too common to search by.
var enStop = foldSet(`a an the and or of to in on at for by with from as is are be
	been was were it its this that these those how what where when which who
	do does did i me my we our you your can could should would will get
	getting want need please about into`)

func foldSet(words string) map[string]bool {
	set := map[string]bool{}
	for w := range strings.FieldsSeq(words) {
		set[fold(w)] = true
	}
	return set
}

// Names the analyzers are registered under with bleve.
const (
	analyzerName     = "panjereh"
	nameAnalyzerName = "panjereh-name"
)

func init() {
	// Bleve finds analyzers by name in its registry; registering is the
	// only way to give a field mapping one of our own.
	// Bleve builds the analyzers once for each index mapping: each index
	// has its own word cache.
	err := registry.RegisterAnalyzer(analyzerName, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) {
		return &textAnalyzer{words: &wordCache{}}, nil
	})
	if err == nil {
		err = registry.RegisterAnalyzer(nameAnalyzerName, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) {
			return nameAnalyzer{}, nil
		})
	}
	if err != nil {
		panic(err)
	}
}

// nameAnalyzer indexes a title or an alias whole, as one token: its
// words' keys written together. A query that is exactly a document's name
// finds it by that token, whatever the spaces and inflexions.
type nameAnalyzer struct{}

// Analyze implements analysis.Analyzer.
func (nameAnalyzer) Analyze(input []byte) analysis.TokenStream {
	name := nameKey(analyze(string(input)))
	if name == "" {
		return nil
	}
	return analysis.TokenStream{{Term: []byte(name), Start: 0, End: len(input), Position: 1, Type: analysis.AlphaNumeric}}
}

// nameKey is the key of a name made of words: the keys of its searchable
// words written together.
func nameKey(words []word) string {
	var b strings.Builder
	for _, w := range words {
		if !w.stop {
			b.WriteString(key(w))
		}
	}
	return b.String()
}

// textAnalyzer is the bleve analyzer of every text field, Persian or
// English. At each word's position it emits the folded word, its stems
// and its compound parts; and between two adjacent words of the same
// script, the shingle of both joined without a space, so that the spaced
// گواهی نامه is also indexed as گواهینامه.
type textAnalyzer struct {
	words *wordCache
}

// Analyze implements analysis.Analyzer.
func (a *textAnalyzer) Analyze(input []byte) analysis.TokenStream {
	words := a.words.analyze(string(input))
	ts := make(analysis.TokenStream, 0, 2*len(words))
	for i, w := range words {
		if w.stop {
			continue
		}
		add := func(term string, start int, typ analysis.TokenType) {
			ts = append(ts, &analysis.Token{Term: []byte(term), Start: start, End: w.end, Position: i + 1, Type: typ})
		}
		add(w.form, w.start, analysis.AlphaNumeric)
		for _, s := range w.stems {
			add(s, w.start, analysis.Single)
		}
		for _, p := range w.parts {
			add(p, w.start, analysis.Single)
		}
		if i > 0 && joinable(words[i-1], w) {
			add(words[i-1].form+w.form, words[i-1].start, analysis.Shingle)
		}
	}
	return ts
}

// joinable reports whether two adjacent words may form a shingle: both
// searchable and in the same script.
func joinable(a, b word) bool {
	return !a.stop && !b.stop && a.latin == b.latin
}
