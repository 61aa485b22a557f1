package iran

import (
	"strings"
	"testing"
)

// TestCitiesOfTheSameName: where two provinces have a city of the same
// name, the province tells them apart, and without a province neither
// matches.
func TestCitiesOfTheSameName(t *testing.T) {
	g, err := newGazetteer([]City{
		{"یزد", "اردکان", "Ardakan"},
		{"فارس", "اردکان", "Ardakan (Sepidan)"},
		{"فارس", "شیراز", "Shiraz"},
		{"خراسان شمالی", "شیروان", "Shirvan"},
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
