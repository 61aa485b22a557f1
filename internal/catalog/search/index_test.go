package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/panjereh/panjereh/internal/catalog"
)

func text(fa, en string) catalog.Text { return catalog.Text{Fa: fa, En: en} }

// testDocs are a few documents with distinct facets.
func testDocs() []Doc {
	return []Doc{
		{ID: "1", Kind: KindService, Agency: "police", Title: text("تمدید گذرنامه", "Renewing a passport"),
			Audiences: []string{"people"}, LifeEvents: []string{"travel"}, Categories: []string{"passport"},
			Channels: []string{"national-window", "counter"}, Electronic: true, Uses: 1000, Rating: 4},
		{ID: "2", Kind: KindService, Agency: "police", Title: text("صدور گذرنامه", "Getting a passport"),
			Audiences: []string{"people"}, LifeEvents: []string{"travel"}, Categories: []string{"passport"},
			Channels: []string{"counter"}, Uses: 5000, Rating: 4.5},
		{ID: "3", Kind: KindLicence, Agency: "police", Title: text("گذرنامهٔ عادی", "Ordinary passport"),
			Audiences: []string{"people", "foreigners"}, Categories: []string{"passport"}},
		{ID: "4", Kind: KindService, Agency: "tax", Title: text("صدور کد اقتصادی", "Getting an economic code"),
			Audiences: []string{"businesses"}, LifeEvents: []string{"business"}, Categories: []string{"tax"},
			Channels: []string{"national-window"}, Electronic: true, Uses: 20, Rating: 3},
		{ID: "5", Kind: KindService, Agency: "tax", Title: text("اظهارنامهٔ مالیات اجاره", "Rental income tax return"),
			Audiences: []string{"people", "businesses"}, Categories: []string{"tax", "property"},
			Channels: []string{"national-window"}, Electronic: true, Uses: 300, Rating: 2},
	}
}

func newTestIndex(t *testing.T, docs []Doc) *Index {
	t.Helper()
	ix, err := New(docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	return ix
}

// ids returns the IDs of hits, in order.
func ids(hits []Hit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, h.ID)
	}
	return out
}

func find(t *testing.T, ix *Index, q Query) (int, []string) {
	t.Helper()
	total, hits, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return total, ids(hits)
}

func TestFilters(t *testing.T) {
	ix := newTestIndex(t, testDocs())
	yes, no := true, false
	tests := []struct {
		name string
		q    Query
		want []string // in any order
	}{
		{"text only", Query{Text: "گذرنامه"}, []string{"1", "2", "3"}},
		{"kind", Query{Text: "گذرنامه", Kind: KindLicence}, []string{"3"}},
		{"agency", Query{Text: "صدور", Agency: "tax"}, []string{"4"}},
		{"audience", Query{Audience: "businesses"}, []string{"4", "5"}},
		{"life event", Query{LifeEvent: "travel"}, []string{"1", "2"}},
		{"category", Query{Category: "tax"}, []string{"4", "5"}},
		{"second category", Query{Category: "property"}, []string{"5"}},
		{"channel", Query{Channel: "counter"}, []string{"1", "2"}},
		{"electronic", Query{Electronic: &yes}, []string{"1", "4", "5"}},
		{"not electronic", Query{Electronic: &no, Text: "passport"}, []string{"2", "3"}},
		{"several filters", Query{Category: "passport", Electronic: &yes, Audience: "people"}, []string{"1"}},
		{"no match", Query{Text: "گذرنامه", Agency: "tax"}, []string{}},
		{"unknown value", Query{Category: "space-travel"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			total, got := find(t, ix, tt.q)
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Search(%+v) (-want +got):\n%s", tt.q, diff)
			}
			if total != len(tt.want) {
				t.Errorf("total = %d, want %d", total, len(tt.want))
			}
		})
	}
}

func TestListingByUseAndRating(t *testing.T) {
	ix := newTestIndex(t, testDocs())
	_, got := find(t, ix, Query{Category: "passport"})
	// 2 is used most; 1 next; 3, a licence, has no use and no rating.
	if diff := cmp.Diff([]string{"2", "1", "3"}, got); diff != "" {
		t.Errorf("listing (-want +got):\n%s", diff)
	}
	if !ix.SetUse("3", 2_000_000, 5) {
		t.Fatal("SetUse(3) = false")
	}
	_, got = find(t, ix, Query{Category: "passport"})
	if diff := cmp.Diff([]string{"3", "2", "1"}, got); diff != "" {
		t.Errorf("listing after SetUse (-want +got):\n%s", diff)
	}
	if ix.SetUse("nope", 1, 1) {
		t.Error("SetUse of an unknown document = true")
	}
	total, got := find(t, ix, Query{})
	if total != 5 || len(got) != 5 {
		t.Errorf("empty query lists %d of %d documents, want all 5", len(got), total)
	}
}

func TestUseBreaksNearTies(t *testing.T) {
	docs := []Doc{
		{ID: "a", Kind: KindService, Title: text("قبض برق", "Electricity bill")},
		{ID: "b", Kind: KindService, Title: text("قبض برق", "Electricity bill")},
		{ID: "c", Kind: KindService, Title: text("قبض", "Bill"), Uses: 10_000_000, Rating: 5},
	}
	ix := newTestIndex(t, docs)
	_, got := find(t, ix, Query{Text: "قبض برق"})
	if diff := cmp.Diff([]string{"a", "b", "c"}, got); diff != "" {
		t.Errorf("before SetUse (-want +got):\n%s", diff)
	}
	ix.SetUse("b", 50_000, 4.5)
	_, got = find(t, ix, Query{Text: "قبض برق"})
	// b now ranks above its twin a; c, popular but matching one word of
	// two, stays last: relevance dominates.
	if diff := cmp.Diff([]string{"b", "a", "c"}, got); diff != "" {
		t.Errorf("after SetUse (-want +got):\n%s", diff)
	}
}

func TestPutAndDelete(t *testing.T) {
	ix := newTestIndex(t, testDocs())
	ctx := context.Background()

	// A new document is found at once, by its words and their typos.
	d := Doc{ID: "6", Kind: KindService, Agency: "abfa", Title: text("انشعاب فاضلاب", "Sewer connection"), Uses: 7}
	if err := ix.Put(d); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"فاضلاب", "فاضلاپ", "sewer", "فاضل"} {
		if _, got := find(t, ix, Query{Text: q}); !slices.Contains(got, "6") {
			t.Errorf("after Put, Search(%q) = %v, want 6", q, got)
		}
	}

	// A replaced document is found by its new words only, and keeps its
	// use and rating.
	ix.SetUse("6", 999, 4)
	d.Title = text("انشعاب آب", "Water connection")
	d.Uses = 0
	if err := ix.Put(d); err != nil {
		t.Fatal(err)
	}
	if _, got := find(t, ix, Query{Text: "فاضلاب"}); slices.Contains(got, "6") {
		t.Errorf("after replacing, the old title still finds 6: %v", got)
	}
	if _, got := find(t, ix, Query{Text: "آب"}); !slices.Contains(got, "6") {
		t.Errorf("after replacing, the new title does not find 6: %v", got)
	}
	if sig := ix.docs["6"].signals.Load(); sig.uses != 999 || sig.rating != 4 {
		t.Errorf("after replacing, uses and rating = %d, %v; want 999, 4", sig.uses, sig.rating)
	}
	if ix.Len() != 6 {
		t.Errorf("Len() = %d, want 6", ix.Len())
	}

	// A deleted document is gone, and so are the words only it had.
	if err := ix.Delete("6"); err != nil {
		t.Fatal(err)
	}
	if _, got := find(t, ix, Query{Text: "آب"}); len(got) != 0 {
		t.Errorf("after Delete, Search(آب) = %v, want nothing", got)
	}
	if docs, _ := ix.vocabulary().has("اب"); docs != 0 {
		t.Errorf("after Delete, the vocabulary still has آب in %d documents", docs)
	}
	if err := ix.Delete("6"); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
	if total, _, _ := ix.Search(ctx, Query{}); total != 5 {
		t.Errorf("after Delete, %d documents, want 5", total)
	}
}

func TestBadInput(t *testing.T) {
	if _, err := New([]Doc{{Kind: KindService}}); !errors.Is(err, errNoID) {
		t.Errorf("New with a document without ID: %v", err)
	}
	if _, err := New([]Doc{{ID: "1", Kind: "form"}}); err == nil {
		t.Error("New with an unknown kind: no error")
	}
	if _, err := New([]Doc{{ID: "1", Kind: KindService}, {ID: "1", Kind: KindService}}); err == nil {
		t.Error("New with a duplicate ID: no error")
	}
	ix := newTestIndex(t, testDocs())
	if err := ix.Put(Doc{ID: "9"}); err == nil {
		t.Error("Put without a kind: no error")
	}
	if _, _, err := ix.Search(context.Background(), Query{Text: "گذرنامه", Limit: -1}); err == nil {
		t.Error("negative limit: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := ix.Search(ctx, Query{Text: "گذرنامه"}); err == nil {
		t.Error("Search with a cancelled context: no error")
	}
	for _, q := range []string{"؟!", "و در به", "   "} {
		total, hits, err := ix.Search(context.Background(), Query{Text: q, Category: "tax"})
		if err != nil {
			t.Errorf("Search(%q): %v", q, err)
		}
		if q == "   " && total != 2 {
			t.Errorf("blank text lists %d documents, want 2", total)
		}
		if q != "   " && (total != 0 || len(hits) != 0) {
			t.Errorf("Search(%q) = %d %v, want nothing", q, total, hits)
		}
	}
}

func TestPagination(t *testing.T) {
	var docs []Doc
	for i := range 60 {
		docs = append(docs, Doc{
			ID: fmt.Sprintf("%03d", i), Kind: KindService,
			Title:   text(fmt.Sprintf("پرداخت قبض %d", i), fmt.Sprintf("Paying bill %d", i)),
			Summary: text(string([]rune("برق آب گاز تلفن")[:i%12]), ""),
			Uses:    int64(i * i * 100), Rating: float64(i % 5),
		})
	}
	ix := newTestIndex(t, docs)
	for _, q := range []Query{{Text: "قبض برق"}, {Text: "paying"}, {}} {
		total, all := find(t, ix, Query{Text: q.Text, Limit: MaxLimit})
		var paged []string
		for off := 0; off < total; off += 7 {
			n, page := find(t, ix, Query{Text: q.Text, Limit: 7, Offset: off})
			if n != total {
				t.Errorf("%q: total %d on the page at %d, %d on the whole", q.Text, n, off, total)
			}
			paged = append(paged, page...)
		}
		if diff := cmp.Diff(all, paged); diff != "" {
			t.Errorf("%q: pages differ from the whole (-whole +pages):\n%s", q.Text, diff)
		}
		if _, past := find(t, ix, Query{Text: q.Text, Offset: total + 5}); len(past) != 0 {
			t.Errorf("%q: a page past the end has %v", q.Text, past)
		}
	}
}

func TestSuggest(t *testing.T) {
	docs := []Doc{
		{ID: "1", Kind: KindService, Title: text("تمدید گواهی‌نامهٔ رانندگی", "Renewing a driving licence")},
		{ID: "2", Kind: KindService, Title: text("تمدید گذرنامه", "Renewing a passport")},
		{ID: "3", Kind: KindService, Title: text("صدور کارت هوشمند ملی", "Issuing the smart national card")},
		{ID: "4", Kind: KindService, Title: text("گواهی فوت", "Death certificate"), Summary: text("رانندگی", "")},
	}
	ix := newTestIndex(t, docs)
	tests := []struct {
		prefix string
		want   []string // in order
	}{
		{"تمد", []string{"2", "1"}}, // the shorter title first
		{"تمدید گذ", []string{"2"}},
		{"تمدید گواهی ن", []string{"1"}},
		{"کارت م", []string{"3"}},
		{"كارت ملي", []string{"3"}},
		{"renewing pass", []string{"2"}},
		{"رانندگی", []string{"1"}}, // in the title, not the summary
		{"گ", nil},
		{"", nil},
	}
	for _, tt := range tests {
		hits, err := ix.Suggest(context.Background(), tt.prefix, "fa", 5)
		if err != nil {
			t.Fatal(err)
		}
		got := ids(hits)
		if tt.want == nil {
			tt.want = []string{}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Suggest(%q) (-want +got):\n%s", tt.prefix, diff)
		}
	}
}

func TestDocsFrom(t *testing.T) {
	c := &catalog.Content{
		Agencies:   []catalog.Agency{{Code: "police", Name: text("فراجا", "FARAJA")}},
		LifeEvents: []catalog.Term{{Key: "travel", Title: text("سفر", "Travel")}},
		Categories: []catalog.Term{{Key: "passport", Title: text("گذرنامه", "Passports")}},
		Services: []catalog.Service{{ID: "1020008", Agency: "police", Title: text("صدور گذرنامه", "Getting a passport"),
			Audiences: []string{"people"}, LifeEvents: []string{"travel"}, Categories: []string{"passport"},
			Channels: []string{"counter"}, Electronic: true}},
		Licences: []catalog.Licence{{ID: "L102005", Issuer: "police", Title: text("گذرنامهٔ عادی", "Ordinary passport"),
			Audience: []string{"people"}, Services: []string{"1020008"}}},
	}
	got := DocsFrom(c)
	want := []Doc{
		{ID: "1020008", Kind: KindService, Agency: "police", Title: text("صدور گذرنامه", "Getting a passport"),
			AgencyName: text("فراجا", "FARAJA"),
			Audiences:  []string{"people"}, LifeEvents: []string{"travel"}, Categories: []string{"passport"},
			Channels: []string{"counter"}, Electronic: true},
		{ID: "L102005", Kind: KindLicence, Agency: "police", Title: text("گذرنامهٔ عادی", "Ordinary passport"),
			AgencyName: text("فراجا", "FARAJA"),
			Audiences:  []string{"people"}, LifeEvents: []string{"travel"}, Categories: []string{"passport"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DocsFrom (-want +got):\n%s", diff)
	}
}

// TestConcurrentUse searches, suggests, edits and rates at once; run with
// -race.
func TestConcurrentUse(t *testing.T) {
	ix := newTestIndex(t, testDocs())
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				switch (g + i) % 4 {
				case 0:
					if _, _, err := ix.Search(ctx, Query{Text: "گذرنامه"}); err != nil {
						t.Error(err)
					}
				case 1:
					if _, err := ix.Suggest(ctx, "گذر", "fa", 5); err != nil {
						t.Error(err)
					}
				case 2:
					id := fmt.Sprintf("new-%d-%d", g, i)
					if err := ix.Put(Doc{ID: id, Kind: KindService, Title: text("گذرنامهٔ جدید", "New passport")}); err != nil {
						t.Error(err)
					}
					if err := ix.Delete(id); err != nil {
						t.Error(err)
					}
				case 3:
					ix.SetUse("1", int64(i), 3)
				}
			}
		})
	}
	wg.Wait()
	if ix.Len() != 5 {
		t.Errorf("Len() = %d after the edits, want 5", ix.Len())
	}
}

// TestCompaction edits more than compactAfter times, so that the index is
// rebuilt, while searches go on.
func TestCompaction(t *testing.T) {
	ix := newTestIndex(t, testDocs())
	ctx := context.Background()
	words := []string{"الف", "باران", "تابستان", "ثریا", "جنگل", "چمن", "حیاط"}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, _, err := ix.Search(ctx, Query{Text: "گذرنامه"}); err != nil {
				t.Error(err)
				return
			}
		}
	})
	n := 2*compactAfter + 3
	for i := range n {
		d := Doc{ID: fmt.Sprintf("x%d", i), Kind: KindService, Title: text(words[i%len(words)]+" سند", "")}
		if err := ix.Put(d); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if err := ix.Delete(d.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(stop)
	wg.Wait()
	if ix.edits >= compactAfter {
		t.Errorf("%d edits since the last rebuild, want fewer than %d", ix.edits, compactAfter)
	}
	total, _ := find(t, ix, Query{Text: "سند"})
	if want := n - (n+2)/3; total != want {
		t.Errorf("Search(سند) finds %d documents, want %d", total, want)
	}
	if total, _ := find(t, ix, Query{Text: "گذرنامه"}); total != 3 {
		t.Errorf("Search(گذرنامه) finds %d documents, want 3", total)
	}
}
