package registry

import (
	"testing"

	"github.com/panjereh/panjereh/internal/iran"
)

// TestProvincesAgreeWithIran: the provinces the simulated registries give
// addresses in are Iran's, under the English names package iran gives
// them, so that the window shows a registered person's province in
// English on English pages.
func TestProvincesAgreeWithIran(t *testing.T) {
	tb, err := loadTables()
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.provinces) != 31 {
		t.Errorf("%d provinces, want 31", len(tb.provinces))
	}
	for _, p := range tb.provinces {
		if en, ok := iran.ProvinceEnglish(p.Fa); !ok || en != p.En {
			t.Errorf("province %s (%s): iran.ProvinceEnglish gives %q, %v", p.Fa, p.En, en, ok)
		}
	}
}
