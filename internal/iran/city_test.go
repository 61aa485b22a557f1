package iran_test

import (
	"testing"

	"github.com/panjereh/panjereh/internal/iran"
)

func TestCityEnglish(t *testing.T) {
	for _, tt := range []struct {
		name, province, city string
		en                   string
		ok                   bool
	}{
		{"city", "خراسان رضوی", "مشهد", "Mashhad", true},
		{"capital", "تهران", "تهران", "Tehran", true},
		{"Arabic kaf and yeh", "كرمانشاه", "اسلام آباد غرب", "Eslamabad-e Gharb", true},
		{"Arabic yeh in the city", "یزد", "ميبد", "Meybod", true},
		{"written apart", "هرمزگان", "بندر عباس", "Bandar Abbas", true},
		{"written together", "گیلان", "بندرانزلی", "Bandar-e Anzali", true},
		{"zero-width non-joiner", "آذربایجان شرقی", "بستان\u200cآباد", "Bostanabad", true},
		{"no zero-width non-joiner", "آذربایجان شرقی", "بستان آباد", "Bostanabad", true},
		{"hamza", "قزوین", "بویین زهرا", "Buin Zahra", true},
		{"extra spaces", " خراسان   رضوی ", "  تربت   حیدریه ", "Torbat-e Heydarieh", true},
		{"direction marks", "فارس", "\u200fشیراز\u200f", "Shiraz", true},
		{"no province", "", "مشهد", "Mashhad", true},
		{"unknown province", "ناکجاآباد", "بندرعباس", "Bandar Abbas", true},
		{"province in English", "Razavi Khorasan", "مشهد", "Mashhad", true},
		{"another province's city", "تهران", "مشهد", "", false},
		{"not a county", "تهران", "لواسان", "", false},
		{"not a county, no province", "", "لواسان", "", false},
		{"a province, not a city", "", "خراسان رضوی", "", false},
		{"empty", "تهران", "", "", false},
		{"spaces", "", " \u200c ", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			en, ok := iran.CityEnglish(tt.province, tt.city)
			if en != tt.en || ok != tt.ok {
				t.Errorf("CityEnglish(%q, %q) = %q, %v; want %q, %v", tt.province, tt.city, en, ok, tt.en, tt.ok)
			}
		})
	}
}

// TestCitiesAreFound: every place of the gazetteer is found by its own
// names, with its province and without it.
func TestCitiesAreFound(t *testing.T) {
	list := iran.Cities()
	if len(list) < 300 {
		t.Fatalf("%d cities", len(list))
	}
	names := map[string]int{}
	for _, c := range list {
		names[iran.Fold(c.Fa)]++
	}
	for _, c := range list {
		if _, ok := iran.ProvinceEnglish(c.Province); !ok {
			t.Errorf("%s: unknown province %q", c.Fa, c.Province)
		}
		if en, ok := iran.CityEnglish(c.Province, c.Fa); !ok || en != c.En {
			t.Errorf("CityEnglish(%q, %q) = %q, %v; want %q", c.Province, c.Fa, en, ok, c.En)
		}
		if names[iran.Fold(c.Fa)] > 1 {
			continue
		}
		if en, ok := iran.CityEnglish("", c.Fa); !ok || en != c.En {
			t.Errorf("CityEnglish(\"\", %q) = %q, %v; want %q", c.Fa, en, ok, c.En)
		}
	}
}

// TestCitiesIsACopy: what Cities returns is the caller's own.
func TestCitiesIsACopy(t *testing.T) {
	list := iran.Cities()
	want := list[0]
	list[0].En = "changed"
	if got := iran.Cities()[0]; got != want {
		t.Errorf("Cities()[0] = %+v after a caller's change, want %+v", got, want)
	}
}
