package registry

import (
	"testing"

	"github.com/panjereh/panjereh/internal/iran"
)

// TestCitiesAgreeWithIran: the counties the simulated registries give
// addresses in, whose names the Post's addresses give as cities, are
// among the places package iran knows, under the same English names, so
// that the window shows a registered person's city in English on English
// pages. The gazetteer holds besides the county seats whose names differ
// from their counties'.
func TestCitiesAgreeWithIran(t *testing.T) {
	tb, err := loadTables()
	if err != nil {
		t.Fatal(err)
	}
	known := make(map[iran.City]bool)
	for _, c := range iran.Cities() {
		known[c] = true
	}
	for _, c := range tb.counties {
		if !known[iran.City{Province: c.Province.Fa, Fa: c.Fa, En: c.En}] {
			t.Errorf("county %s of %s (%s) is not in iran.Cities", c.Fa, c.Province.Fa, c.En)
		}
		if en, ok := iran.CityEnglish(c.Province.Fa, c.Fa); !ok || en != c.En {
			t.Errorf("county %s of %s (%s): iran.CityEnglish gives %q, %v", c.Fa, c.Province.Fa, c.En, en, ok)
		}
	}
}
