package registry

import (
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
)

// BenchmarkGeneratePersons measures the civil registry generator alone,
// without a database.
func BenchmarkGeneratePersons(b *testing.B) {
	t, err := loadTables()
	if err != nil {
		b.Fatal(err)
	}
	g := newGenerator(t, 1, dayOf(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)), int64(b.N), nil, 0)
	n := 0
	b.ResetTimer()
	for h := g.next(); h != nil; h = g.next() {
		for i := range h.members {
			p := &h.members[i]
			_ = p.birth.String()
			p.certificate()
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "persons/s")
}

func TestTablesComplete(t *testing.T) {
	tb, err := loadTables()
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.provinces) != 31 || len(tb.counties) < 300 || len(tb.male) < 100 || len(tb.female) < 100 || len(tb.surnames) < 300 {
		t.Fatalf("tables too small: %d provinces, %d counties, %d+%d first names, %d surnames",
			len(tb.provinces), len(tb.counties), len(tb.male), len(tb.female), len(tb.surnames))
	}
	seenPrefix, seenPlate := map[string]string{}, map[string]string{}
	perProvince := map[string]int{}
	for _, c := range tb.counties {
		perProvince[c.Province.Code]++
		for _, p := range c.Prefixes {
			if len(p) != 3 || seenPrefix[p] != "" {
				t.Errorf("%s: prefix %q bad or also used by %s", c.En, p, seenPrefix[p])
			}
			seenPrefix[p] = c.En
		}
	}
	for _, p := range tb.provinces {
		if perProvince[p.Code] < 2 {
			t.Errorf("%s has %d counties", p.En, perProvince[p.Code])
		}
		for _, r := range p.Plates {
			if seenPlate[r] != "" {
				t.Errorf("plate region %s in %s and %s", r, p.En, seenPlate[r])
			}
			seenPlate[r] = p.En
		}
		for _, pp := range p.Postal {
			if _, err := iran.NormalizePostalCode(pp + "13579999"); err != nil {
				t.Errorf("%s: postal prefix %s: %v", p.En, pp, err)
			}
		}
	}
	hyphenated := 0
	for _, s := range tb.surnames {
		if iran.NormalizeText(s) != s {
			t.Errorf("surname %q is not normalised", s)
		}
		for _, r := range s {
			if r == '\u200c' {
				hyphenated++
				break
			}
		}
	}
	if hyphenated < 30 {
		t.Errorf("only %d compound surnames with ZWNJ", hyphenated)
	}
}

func TestPlates(t *testing.T) {
	for v := int64(0); v < plateSpace; v += 997 {
		ascii, fa := plate(v, "46")
		got, ok := ParsePlate(fa)
		if !ok || got != ascii {
			t.Fatalf("%d: %s / %s parsed as %q %v", v, ascii, fa, got, ok)
		}
		if got, ok := ParsePlate(ascii); !ok || got != ascii {
			t.Fatalf("%s parsed as %q", ascii, got)
		}
	}
	for _, bad := range []string{"", "12", "12X34567", "ab B 345 ایران 67", "12 ب ۳۴ ایران ۶۷"} {
		if got, ok := ParsePlate(bad); ok {
			t.Errorf("%q parsed as %q", bad, got)
		}
	}
}

func TestDayCivil(t *testing.T) {
	for d := ymd(1900, 1, 1); d < ymd(2100, 1, 1); d += 37 {
		if got, want := d.String(), d.time().Format(time.DateOnly); got != want {
			t.Fatalf("%d: %s, want %s", d, got, want)
		}
	}
}
