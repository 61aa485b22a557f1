package search

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/catalog"
)

func TestScratch(t *testing.T) {
	qs := os.Getenv("Q")
	if qs == "" {
		t.Skip()
	}
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	docs := DocsFrom(c)
	start := time.Now()
	ix, err := New(docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d docs in %v", len(docs), time.Since(start))
	titles := map[string]string{}
	for _, d := range docs {
		titles[d.ID] = d.Title.Fa + " / " + d.Title.En
	}
	for _, q := range strings.Split(qs, ";") {
		start := time.Now()
		n, hits, err := ix.Search(context.Background(), Query{Text: q, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%q: %d in %v", q, n, time.Since(start))
		for _, h := range hits {
			t.Logf("   %s %.3f %s", h.ID, h.Score, titles[h.ID])
		}
	}
}
