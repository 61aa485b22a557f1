// Package search is the catalog's search engine (requirement D5): Persian
// and English full-text search over the services and licences, with
// filters by agency, audience, life event, category, channel, kind and
// electronic delivery.
//
// It keeps a bleve index in memory. Its text fields go through one
// analyzer of our own, registered with bleve's registry: words are folded
// with iran.Fold (Arabic letter forms, harakat, tatweel, direction marks,
// Persian digits); a compound written with a zero-width non-joiner is
// indexed joined (گواهی‌نامه as گواهینامه) and by its parts; two adjacent
// words are also indexed as a shingle joined without a space (گواهی نامه
// as گواهینامه); Persian plurals are indexed with their stems and English
// words with their Porter2 stems. A query's words are expanded with the
// maintained synonym list (synonyms.txt), with corrections of typos and,
// for the last word, with completions, all taken from the index's own
// vocabulary. Documents are ranked by relevance and, among near-equals,
// by use and rating.
package search
