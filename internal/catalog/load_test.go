package catalog

import (
	"testing"
	"testing/fstest"
)

// TestEmbeddedContent checks the catalog shipped in the binary: every
// record complete in both languages, every reference resolved.
func TestEmbeddedContent(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Agencies) == 0 || len(c.Services) == 0 || len(c.Licences) == 0 {
		t.Fatalf("empty catalog: %d agencies, %d services, %d licences", len(c.Agencies), len(c.Services), len(c.Licences))
	}
	t.Logf("%d agencies, %d services, %d licences", len(c.Agencies), len(c.Services), len(c.Licences))
}

// TestCheckFindsProblems shows that a broken record is refused with a
// message naming it.
func TestCheckFindsProblems(t *testing.T) {
	fsys := fstest.MapFS{
		"agencies.yaml": {Data: []byte(`- {code: x1, number: 101, name: {fa: "الف", en: "A"}, about: {fa: "ب", en: "B"}, website: "https://a.example", window: "https://a.example/w"}`)},
		"taxonomy.yaml": {Data: []byte("life_events: []\ncategories: [{key: id, title: {fa: \"هویت\", en: Identity}}]\n")},
		"services/x.yaml": {Data: []byte(`- id: "1020001"
  agency: x1
  title: {fa: "كارت", en: "Card"}
  summary: {fa: "خلاصه", en: ""}
  audiences: [aliens]
  categories: [nope]
  assurance: loa9
  evaluation: survey-after-completion
  channels: [counter]
  counter: false
  days: 3
  availability: 24x7
  maturity: informational
  stage: define
  electronic: true
  steps: [{title: {fa: "یک", en: One}, body: {fa: "یک", en: One}}]
  reviewed: "2026-13-01"
`)},
	}
	_, err := Load(fsys)
	probs, ok := err.(Problems)
	if !ok {
		t.Fatalf("Load: %v, want Problems", err)
	}
	want := []string{
		`service 1020001: ID must start with x1's number 101`,
		`service 1020001: title.fa has an Arabic yeh or kaf; write ی and ک`,
		`service 1020001: summary needs both fa and en`,
		`service 1020001: audience "aliens" is not one of people, households, businesses, foreigners`,
		`service 1020001: category "nope" is not in taxonomy.yaml`,
		`service 1020001: assurance "loa9" is not one of loa1, loa2, loa3`,
		`service 1020001: counter must be true exactly when the channels include "counter"`,
		`service 1020001: electronic must be true exactly for transactional and smart services`,
		`service 1020001: a guide needs at least two steps`,
		`service 1020001: start_url is required`,
		`service 1020001: reviewed "2026-13-01" is not a date YYYY-MM-DD`,
	}
	for _, w := range want {
		found := false
		for _, p := range probs {
			found = found || p == w
		}
		if !found {
			t.Errorf("missing problem %q in:\n%v", w, probs)
		}
	}
}
