package iran_test

import (
	"strings"
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
		// A province written in any of these ways is still known, so its
		// cities match and another province's do not.
		{"province with a zero-width non-joiner", "آذربایجان\u200cشرقی", "تبریز", "Tabriz", true},
		{"province with a zero-width non-joiner, another's city", "آذربایجان\u200cشرقی", "ارومیه", "", false},
		{"province written together", "آذربایجانشرقی", "مراغه", "Maragheh", true},
		{"province written together, another's city", "آذربایجانشرقی", "مشهد", "", false},
		{"province's first word apart", "چهار محال و بختیاری", "شهرکرد", "Shahrekord", true},
		{"province's first word apart, another's city", "چهار محال و بختیاری", "اصفهان", "", false},
		{"province's last word apart", "کهگیلویه و بویر احمد", "بویراحمد", "Boyer-Ahmad", true},
		{"province's last word apart, another's city", "کهگیلویه و بویر احمد", "شیراز", "", false},
		{"province's conjunction joined", "سیستان وبلوچستان", "زاهدان", "Zahedan", true},
		{"province's conjunction joined, another's city", "سیستان وبلوچستان", "کرمان", "", false},
		{"province with Arabic yeh and a zero-width non-joiner", "آذربايجان\u200cغربى", "خوی", "Khoy", true},
		{"province with Arabic yeh and a zero-width non-joiner, another's city", "آذربايجان\u200cغربى", "تبریز", "", false},
		// Cities of the same name in two provinces with one English name
		// need no province.
		{"same name and English in two provinces", "", "نورآباد", "Nurabad", true},
		{"same name and English in two provinces, one given", "لرستان", "نورآباد", "Nurabad", true},
		{"same name and English in two provinces, unknown province", "پارس", "اردکان", "Ardakan", true},
		{"same name and English in three provinces", "", "حاجی آباد", "Hajjiabad", true},
		{"a county with its seat's name", "تهران", "پردیس", "Pardis", true},
		{"a county seat under its own name", "خراسان رضوی", "طرقبه", "Torqabeh", true},
		{"a county under its former name", "خراسان رضوی", "بینالود", "Binalud", true},
		{"a county in its new province", "یزد", "طبس", "Tabas", true},
		{"a county in its former province", "خراسان جنوبی", "طبس", "Tabas", true},
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

// minCities is how many places the gazetteer's table holds: 433 county
// rows and 85 county seats under names of their own. A table that holds
// fewer has lost some.
const minCities = 518

// TestCitiesCount: the gazetteer keeps at least the places it has.
func TestCitiesCount(t *testing.T) {
	if got := len(iran.Cities()); got < minCities {
		t.Errorf("%d places in the gazetteer, want at least %d", got, minCities)
	}
}

// TestCitiesAreFound: every place of the gazetteer is found by its own
// names with its province, and without it unless another province has a
// place of that name under another English name.
func TestCitiesAreFound(t *testing.T) {
	key := func(s string) string { return strings.ReplaceAll(iran.Fold(s), " ", "") }
	names := map[string]map[string]bool{} // English names by key
	for _, c := range iran.Cities() {
		k := key(c.Fa)
		if names[k] == nil {
			names[k] = map[string]bool{}
		}
		names[k][c.En] = true
	}
	for _, c := range iran.Cities() {
		if _, ok := iran.ProvinceEnglish(c.Province); !ok {
			t.Errorf("%s: unknown province %q", c.Fa, c.Province)
		}
		if en, ok := iran.CityEnglish(c.Province, c.Fa); !ok || en != c.En {
			t.Errorf("CityEnglish(%q, %q) = %q, %v; want %q", c.Province, c.Fa, en, ok, c.En)
		}
		want, wantOK := c.En, true
		if len(names[key(c.Fa)]) > 1 {
			want, wantOK = "", false
		}
		if en, ok := iran.CityEnglish("", c.Fa); ok != wantOK || en != want {
			t.Errorf("CityEnglish(\"\", %q) = %q, %v; want %q, %v", c.Fa, en, ok, want, wantOK)
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
