package iran

import (
	"strings"
	"testing"
)

// TestCitiesOfTheSameName: where two provinces have a city of the same
// name, the province tells them apart; without a province, a name that
// every province gives one English name matches, and one with two English
// names does not.
func TestCitiesOfTheSameName(t *testing.T) {
	g, err := newGazetteer([]City{
		{"یزد", "اردکان", "Ardakan"},
		{"فارس", "اردکان", "Ardakan (Sepidan)"},
		{"فارس", "شیراز", "Shiraz"},
		{"خراسان شمالی", "شیروان", "Shirvan"},
		{"فارس", "نورآباد", "Nurabad"},
		{"لرستان", "نور آباد", "Nurabad"},
		// Two English names, then the first again: still two.
		{"یزد", "مهرآباد", "Mehrabad"},
		{"فارس", "مهرآباد", "Mehr Abad"},
		{"لرستان", "مهرآباد", "Mehrabad"},
		// One English name twice, then another.
		{"یزد", "حسن‌آباد", "Hasanabad"},
		{"فارس", "حسن‌آباد", "Hasanabad"},
		{"لرستان", "حسن‌آباد", "Hassanabad"},
		// A name of four provinces whose names have several words, to
		// be told apart by however those names are written.
		{"آذربایجان شرقی", "میاندشت", "Miandasht (East Azerbaijan)"},
		{"چهارمحال و بختیاری", "میاندشت", "Miandasht (Chaharmahal)"},
		{"کهگیلویه و بویراحمد", "میاندشت", "Miandasht (Kohgiluyeh)"},
		{"سیستان و بلوچستان", "میاندشت", "Miandasht (Sistan)"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, province, city string
		en                   string
		ok                   bool
	}{
		{"first province", "یزد", "اردکان", "Ardakan", true},
		{"second province", "فارس", "اردكان", "Ardakan (Sepidan)", true},
		{"no province", "", "اردکان", "", false},
		{"unknown province", "پارس", "اردکان", "", false},
		{"a province without it", "خراسان شمالی", "اردکان", "", false},
		{"unique without a province", "", "شيروان", "Shirvan", true},
		{"unique with another province", "یزد", "شیروان", "", false},
		{"one English name, no province", "", "نورآباد", "Nurabad", true},
		{"one English name, unknown province", "پارس", "نور آباد", "Nurabad", true},
		{"one English name, a province without it", "یزد", "نورآباد", "", false},
		{"two English names, then the first again", "", "مهرآباد", "", false},
		{"one English name twice, then another", "", "حسن‌آباد", "", false},
		{"one of three by its province", "لرستان", "حسن آباد", "Hassanabad", true},
		{"province with a zero-width non-joiner", "آذربایجان\u200cشرقی", "میاندشت", "Miandasht (East Azerbaijan)", true},
		{"province written together", "آذربایجانشرقی", "میاندشت", "Miandasht (East Azerbaijan)", true},
		{"province's first word apart", "چهار محال و بختیاری", "میاندشت", "Miandasht (Chaharmahal)", true},
		{"province's last word apart", "کهگیلویه و بویر احمد", "میاندشت", "Miandasht (Kohgiluyeh)", true},
		{"province's conjunction joined", "سیستان وبلوچستان", "میاندشت", "Miandasht (Sistan)", true},
		{"province written otherwise, without the city", "سیستان وبلوچستان", "شیروان", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			en, ok := g.english(tt.province, tt.city)
			if en != tt.en || ok != tt.ok {
				t.Errorf("english(%q, %q) = %q, %v; want %q, %v", tt.province, tt.city, en, ok, tt.en, tt.ok)
			}
		})
	}
}

// TestGazetteerRefusesBadTables: the table's mistakes are found when it
// is read, not by a person who is shown a wrong name.
func TestGazetteerRefusesBadTables(t *testing.T) {
	for _, tt := range []struct {
		name, table string
		list        []City // instead of a table
		want        string
	}{
		{"fields", "تهران\tتهران\n", nil, "line 1: 2 fields, want 3"},
		{"province", "تهرون\tتهران\tTehran\n", nil, "unknown province"},
		{"English", "", []City{{"تهران", "تهران", " "}}, "without a Persian or an English name"},
		{"Persian", "تهران\t\u200c\tTehran\n", nil, "without a Persian or an English name"},
		{"same key", "# comment\n\nهرمزگان\tبندرعباس\tBandar Abbas\nهرمزگان\tبندر عباس\tBandar Abbas\n", nil, "two cities of هرمزگان"},
		{"same key, province written otherwise", "", []City{{"سیستان و بلوچستان", "زابل", "Zabol"}, {"سیستان وبلوچستان", "زابل", "Zabol"}}, "two cities of سیستان وبلوچستان"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			list := tt.list
			var err error
			if list == nil {
				list, err = parseCities(tt.table)
			}
			if err == nil {
				_, err = newGazetteer(list)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one with %q", err, tt.want)
			}
		})
	}
}

// TestCitiesTable: the embedded table is well formed.
func TestCitiesTable(t *testing.T) {
	list, err := parseCities(citiesTSV)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newGazetteer(list); err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.En != strings.TrimSpace(c.En) || strings.Contains(c.En, "  ") {
			t.Errorf("%s: English name %q with stray spaces", c.Fa, c.En)
		}
		if c.Fa != NormalizeText(c.Fa) {
			t.Errorf("%s: Persian name not normalised (%q)", c.Fa, NormalizeText(c.Fa))
		}
	}
}
