package iran

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// citiesTSV is the gazetteer's table, kept as text so that it is easy to
// review and extend: one line per county or county seat, with its
// province's Persian name, its Persian name and its English name,
// tab-separated.
//
//go:embed cities.tsv
var citiesTSV string

// City is one place CityEnglish knows: a county (شهرستان) and the city at
// its centre, which mostly shares its name, or such a city under its own
// name where it does not. The Post names a village's
// address by its county, so the county's name is what an address gives
// for it.
type City struct {
	Province string // the province's Persian name, as ProvinceEnglish knows it
	Fa, En   string // the Persian and English names
}

// gazetteer indexes cities by their keys (see cityKey); provinces are
// known by ProvinceEnglish's index, under the same keys.
type gazetteer struct {
	cities []City
	// byProvince holds, for each province's key, the English name of each
	// of its cities by key.
	byProvince map[string]map[string]string
	// anywhere holds the English name of each city by key, or "" for a
	// key that cities of two provinces share under different English
	// names.
	anywhere map[string]string
}

// cities is the gazetteer built from citiesTSV. The table is part of the
// package and its test checks it, so a malformed table is a programming
// error.
var cities = sync.OnceValue(func() *gazetteer {
	list, err := parseCities(citiesTSV)
	if err != nil {
		panic(fmt.Sprintf("iran: cities.tsv: %v", err))
	}
	g, err := newGazetteer(list)
	if err != nil {
		panic(fmt.Sprintf("iran: cities.tsv: %v", err))
	}
	return g
})

// CityEnglish returns the English name of the city named city in Persian,
// in the province named province in Persian, and whether it knows the
// city. Both names match however their letters are written (Arabic ي and
// ك, the zero-width non-joiner, spacing, the parts of a name written
// apart or together). When province is one of Iran's, only its cities
// match, which tells apart cities of the same name; when it is empty or
// unknown, a city matches unless provinces that have one of its name give
// them different English names.
//
// The gazetteer holds most of Iran's counties (about 430 of them) and
// the cities at their centres, under the county's name and, where it
// differs, the city's own. A county it lacks, a smaller city or a village
// is not found, and callers then show the name they were given.
func CityEnglish(province, city string) (string, bool) {
	return cities().english(province, city)
}

// Cities returns the places CityEnglish knows, in the order of its table.
func Cities() []City { return slices.Clone(cities().cities) }

// cityKey is what city and province names are matched by: their folded
// form without spaces, since Persian writes the parts of a place name
// apart, with a zero-width non-joiner or together (بندرعباس, بندر عباس,
// آذربایجان‌شرقی, سیستان وبلوچستان).
func cityKey(s string) string {
	return strings.ReplaceAll(Fold(s), " ", "")
}

func (g *gazetteer) english(province, city string) (string, bool) {
	key := cityKey(city)
	if key == "" {
		return "", false
	}
	p := cityKey(province)
	if _, known := provinceIndex()[p]; known {
		en, ok := g.byProvince[p][key]
		return en, ok
	}
	en := g.anywhere[key]
	return en, en != ""
}

// newGazetteer indexes list. It refuses a city in a province that is not
// one of Iran's, a name missing in either language, and two cities of one
// province with the same key.
func newGazetteer(list []City) (*gazetteer, error) {
	g := &gazetteer{
		cities:     list,
		byProvince: map[string]map[string]string{},
		anywhere:   map[string]string{},
	}
	for _, c := range list {
		p := cityKey(c.Province)
		if _, known := provinceIndex()[p]; !known {
			return nil, fmt.Errorf("%s: unknown province %q", c.Fa, c.Province)
		}
		key := cityKey(c.Fa)
		if key == "" || strings.TrimSpace(c.En) == "" {
			return nil, fmt.Errorf("a city of %s without a Persian or an English name: %q, %q", c.Province, c.Fa, c.En)
		}
		in := g.byProvince[p]
		if in == nil {
			in = map[string]string{}
			g.byProvince[p] = in
		}
		if _, dup := in[key]; dup {
			return nil, fmt.Errorf("%s: two cities of %s with this name", c.Fa, c.Province)
		}
		in[key] = c.En
		// A name that provinces share under one English name (نورآباد
		// of Fars and of Lorestan) is as good without a province; one
		// they give different English names is not, and stays so.
		if en, seen := g.anywhere[key]; !seen {
			g.anywhere[key] = c.En
		} else if en != c.En {
			g.anywhere[key] = ""
		}
	}
	return g, nil
}

// parseCities reads the gazetteer's table: lines of three tab-separated
// fields, blank lines and # comments skipped.
func parseCities(text string) ([]City, error) {
	var list []City
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: %d fields, want 3", i+1, len(f))
		}
		list = append(list, City{Province: f[0], Fa: f[1], En: f[2]})
	}
	return list, nil
}
