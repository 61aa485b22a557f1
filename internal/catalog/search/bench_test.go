package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/catalog"
)

// benchSize is the number of documents of the benchmarks' catalog: many
// more services than Iran has, so that the numbers hold with room to
// spare.
const benchSize = 10_000

var provinces = []struct{ fa, en string }{
	{"تهران", "Tehran"}, {"اصفهان", "Isfahan"}, {"فارس", "Fars"}, {"خراسان رضوی", "Razavi Khorasan"},
	{"آذربایجان شرقی", "East Azerbaijan"}, {"خوزستان", "Khuzestan"}, {"مازندران", "Mazandaran"},
	{"گیلان", "Gilan"}, {"کرمان", "Kerman"}, {"البرز", "Alborz"}, {"یزد", "Yazd"}, {"قم", "Qom"},
	{"همدان", "Hamadan"}, {"کردستان", "Kurdistan"}, {"سیستان و بلوچستان", "Sistan and Baluchestan"},
	{"هرمزگان", "Hormozgan"}, {"لرستان", "Lorestan"}, {"زنجان", "Zanjan"}, {"گلستان", "Golestan"},
	{"بوشهر", "Bushehr"}, {"اردبیل", "Ardabil"}, {"مرکزی", "Markazi"}, {"قزوین", "Qazvin"},
	{"سمنان", "Semnan"}, {"ایلام", "Ilam"}, {"کرمانشاه", "Kermanshah"}, {"چهارمحال و بختیاری", "Chaharmahal and Bakhtiari"},
	{"کهگیلویه و بویراحمد", "Kohgiluyeh and Boyer-Ahmad"}, {"خراسان شمالی", "North Khorasan"},
	{"خراسان جنوبی", "South Khorasan"}, {"آذربایجان غربی", "West Azerbaijan"},
}

// bigDocs returns n documents: the shipped catalog's, then clones of its
// services with new IDs, titles that name a province and a district, and
// random use and rating.
func bigDocs(tb testing.TB, n int) []Doc {
	tb.Helper()
	c, err := catalog.Embedded()
	if err != nil {
		tb.Fatal(err)
	}
	base := DocsFrom(c)
	rnd := rand.New(rand.NewPCG(1, 2))
	docs := slices.Clone(base)
	for i := len(docs); i < n; i++ {
		d := base[i%len(base)]
		p := provinces[(i/len(base))%len(provinces)]
		district := i/(len(base)*len(provinces)) + 1
		d.ID = fmt.Sprintf("9%06d", i)
		d.Title.Fa = fmt.Sprintf("%s در %s منطقهٔ %d", d.Title.Fa, p.fa, district)
		d.Title.En = fmt.Sprintf("%s in %s, district %d", d.Title.En, p.en, district)
		d.Aliases = slices.Clone(d.Aliases)
		d.Uses = int64(rnd.ExpFloat64() * 50_000)
		d.Rating = 1 + 4*rnd.Float64()
		docs = append(docs, d)
	}
	return docs
}

// benchQueries are what people type: whole queries, typos, half-typed
// words, other names, English.
var benchQueries = []Query{
	{Text: "گواهی نامه"},
	{Text: "تمدید گذرنامه"},
	{Text: "پاسپورت"},
	{Text: "خلافی ماشین"},
	{Text: "كارت ملي"},
	{Text: "گذرنامع"},
	{Text: "معافیت پزشگی"},
	{Text: "کارت پایان خد"},
	{Text: "انشعاب گا"},
	{Text: "قبض برق تهران"},
	{Text: "سوء پیشینه"},
	{Text: "ثبت نام کنکور ۱۴۰۵"},
	{Text: "مالیات خودرو"},
	{Text: "بیمه بیکاری"},
	{Text: "چک برگشتی"},
	{Text: "ثبت شرکت"},
	{Text: "پروانه کسب اصفهان"},
	{Text: "passport renewal", Lang: "en"},
	{Text: "driving licnce", Lang: "en"},
	{Text: "company reg", Lang: "en"},
	{Text: "criminal record certificate", Lang: "en"},
	{Text: "قبض", Category: "utilities"},
	{Text: "", Category: "driving", Lang: "fa"},
}

var bench struct {
	once sync.Once
	docs []Doc
	ix   *Index
	err  error
}

// benchIndex returns the benchmarks' index, built once.
func benchIndex(b *testing.B) *Index {
	b.Helper()
	bench.once.Do(func() {
		bench.docs = bigDocs(b, benchSize)
		bench.ix, bench.err = New(bench.docs)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.ix
}

// reportLatency reports the median and 95th percentile of ds.
func reportLatency(b *testing.B, ds []time.Duration) {
	b.Helper()
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(ds[len(ds)/2]), "p50-ms")
	b.ReportMetric(ms(ds[len(ds)*95/100]), "p95-ms")
}

// BenchmarkSearch runs the mix of benchQueries on a catalog of benchSize
// documents and reports each query's latency.
func BenchmarkSearch(b *testing.B) {
	ix := benchIndex(b)
	ctx := context.Background()
	var ds []time.Duration
	i := 0
	for b.Loop() {
		q := benchQueries[i%len(benchQueries)]
		i++
		start := time.Now()
		if _, _, err := ix.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	reportLatency(b, ds)
}

// BenchmarkSuggest types titles one letter at a time and reports each
// completion's latency.
func BenchmarkSuggest(b *testing.B) {
	ix := benchIndex(b)
	ctx := context.Background()
	var prefixes []string
	for _, s := range []string{"گواهینامه موتور", "تمدید گذرنامه", "کارت ملی", "استعلام خلافی", "passport", "driving licence"} {
		rs := []rune(s)
		for n := 1; n <= len(rs); n++ {
			prefixes = append(prefixes, string(rs[:n]))
		}
	}
	var ds []time.Duration
	i := 0
	for b.Loop() {
		p := prefixes[i%len(prefixes)]
		i++
		start := time.Now()
		if _, err := ix.Suggest(ctx, p, "", 8); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	reportLatency(b, ds)
}

// BenchmarkBuild indexes benchSize documents and reports the time and the
// heap the index holds, its vocabulary included.
func BenchmarkBuild(b *testing.B) {
	docs := bigDocs(b, benchSize)
	var heap uint64
	for b.Loop() {
		before := heapAlloc()
		ix, err := New(docs)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := ix.Search(context.Background(), Query{Text: "گذرنامه"}); err != nil {
			b.Fatal(err)
		}
		heap = heapAlloc() - before
		runtime.KeepAlive(ix)
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "build-ms")
}

func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
