package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/panjereh/panjereh/internal/catalog"
)

// relevanceQuery is one item of a testdata/queries-*.yaml file: a query
// and the document a person who typed it is looking for.
type relevanceQuery struct {
	Q    string `yaml:"q"`
	Lang string `yaml:"lang"`
	Want string `yaml:"want"`
	Kind string `yaml:"kind"`

	where string // file:line
}

// minPassRate is the share of queries whose wanted document must be in the
// first three hits.
const minPassRate = 0.95

// TestRelevance runs every query of the catalog's query files against the
// shipped catalog. A query passes when its wanted document is among the
// first three hits. The test logs the pass rate and each failing query
// with what ranked instead, and fails below minPassRate or when a query
// wants a document the catalog does not have.
func TestRelevance(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	docs := DocsFrom(c)
	ix, err := New(docs)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Doc{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	queries := loadQueries(t, "../testdata/queries-*.yaml")

	type tally struct{ pass, total int }
	byKind := map[string]*tally{}
	var failed []string
	pass, first, total := 0, 0, 0
	for _, q := range queries {
		if _, ok := byID[q.Want]; !ok {
			t.Errorf("%s: query %q wants %q, which is not a service or licence of the catalog", q.where, q.Q, q.Want)
			continue
		}
		_, hits, err := ix.Search(context.Background(), Query{Text: q.Q, Lang: q.Lang, Limit: 3})
		if err != nil {
			t.Fatalf("%s: Search(%q): %v", q.where, q.Q, err)
		}
		k := byKind[q.Kind]
		if k == nil {
			k = &tally{}
			byKind[q.Kind] = k
		}
		total++
		k.total++
		if len(hits) > 0 && hits[0].ID == q.Want {
			first++
		} else if os.Getenv("SEARCH_LOG_SECOND") != "" {
			t.Logf("not first: %q wants %s %q, first %s %q", q.Q, q.Want, title(byID[q.Want], q.Lang), hits[0].ID, title(byID[hits[0].ID], q.Lang))
		}
		if slices.ContainsFunc(hits, func(h Hit) bool { return h.ID == q.Want }) {
			pass++
			k.pass++
			continue
		}
		var got []string
		for _, h := range hits {
			got = append(got, fmt.Sprintf("%s %q (%.2f)", h.ID, title(byID[h.ID], q.Lang), h.Score))
		}
		failed = append(failed, fmt.Sprintf("%s: %q [%s] wants %s %q, got %s",
			q.where, q.Q, q.Kind, q.Want, title(byID[q.Want], q.Lang), strings.Join(got, ", ")))
	}
	if total == 0 {
		t.Fatal("no query to run")
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		t.Logf("kind %-16s %3d/%3d", k, byKind[k].pass, byKind[k].total)
	}
	for _, f := range failed {
		t.Log("FAIL " + f)
	}
	rate := float64(pass) / float64(total)
	t.Logf("pass rate %.1f%%: %d of %d queries find their document in the top 3, %d first", 100*rate, pass, total, first)
	if rate < minPassRate {
		t.Errorf("pass rate %.1f%% is below %.0f%%", 100*rate, 100*minPassRate)
	}
}

func title(d Doc, lang string) string {
	if lang == "en" {
		return d.Title.En
	}
	return d.Title.Fa
}

// loadQueries reads the query files matching pattern.
func loadQueries(t *testing.T, pattern string) []relevanceQuery {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	var out []relevanceQuery
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var nodes []yaml.Node
		if err := yaml.Unmarshal(b, &nodes); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, n := range nodes {
			var q relevanceQuery
			if err := n.Decode(&q); err != nil {
				t.Fatalf("%s:%d: %v", f, n.Line, err)
			}
			q.where = fmt.Sprintf("%s:%d", filepath.Base(f), n.Line)
			if q.Q == "" || q.Want == "" {
				t.Errorf("%s: a query needs q and want", q.where)
				continue
			}
			out = append(out, q)
		}
	}
	return out
}
