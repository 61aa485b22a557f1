// Package search is the catalog's search engine (requirement D5): Persian
// and English full-text search over the services and licences, with
// filters by agency, audience, life event, category, channel, kind and
// electronic delivery.
//
// It keeps a bleve in-memory index whose text fields go through one
// analyzer of our own: words are folded with iran.Fold (Arabic letter
// forms, harakat, tatweel, direction marks, Persian digits), compounds
// are indexed joined (گواهی‌نامه as گواهینامه) with their parts, adjacent
// words also as a shingle joined without a space (گواهی نامه as
// گواهینامه), Persian plurals with their stems and English words with
// their Porter2 stems. A query's words are expanded with the maintained
// synonym list (synonyms.txt), with corrections of typos and, for the last
// word, completions, all taken from the index's own vocabulary; the
// documents are ranked by relevance and, among near-equals, by use and
// rating.
package search
