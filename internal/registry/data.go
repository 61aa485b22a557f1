package registry

import (
	"bufio"
	"embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// data holds the name and place tables. They are facts about Iran, kept as
// text so that they are easy to review and extend.
//
//go:embed data/*.tsv data/*.txt
var data embed.FS

// province is one of the 31 provinces.
type province struct {
	Code   string   // two digits, the order of the table
	Fa, En string   // names
	Postal []string // first two digits of its postal codes
	Plates []string // two-digit plate region codes
}

// county is a county (شهرستان) and the city at its centre, which shares
// its name.
type county struct {
	Index    int // position in tables.counties
	Province *province
	Fa, En   string
	// Prefixes are the first three digits of the national codes its civil
	// registration offices issue.
	Prefixes []string
	Weight   int // population in thousands
}

// tables is the parsed content of data.
type tables struct {
	provinces []*province
	counties  []*county
	male      []string
	female    []string
	surnames  []string
	// countyPick draws a county weighted by population.
	countyPick *weighted
}

// loadTables parses the embedded tables once; the result is never modified.
var loadTables = sync.OnceValues(func() (*tables, error) {
	t := &tables{}
	byCode := map[string]*province{}
	err := eachRecord("data/provinces.tsv", 5, func(f []string) error {
		p := &province{Code: f[0], Fa: f[1], En: f[2], Postal: strings.Split(f[3], ","), Plates: strings.Split(f[4], ",")}
		t.provinces = append(t.provinces, p)
		byCode[p.Code] = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	var weights []int
	err = eachRecord("data/counties.tsv", 5, func(f []string) error {
		p := byCode[f[0]]
		if p == nil {
			return fmt.Errorf("unknown province %q", f[0])
		}
		w, err := strconv.Atoi(f[4])
		if err != nil {
			return err
		}
		c := &county{Index: len(t.counties), Province: p, Fa: f[1], En: f[2], Prefixes: strings.Split(f[3], ","), Weight: w}
		t.counties = append(t.counties, c)
		weights = append(weights, w)
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.countyPick = newWeighted(weights)
	for _, l := range []struct {
		file string
		dst  *[]string
	}{{"data/male.txt", &t.male}, {"data/female.txt", &t.female}, {"data/surnames.txt", &t.surnames}} {
		if err := eachRecord(l.file, 1, func(f []string) error {
			*l.dst = append(*l.dst, f[0])
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return t, nil
})

// eachRecord calls fn with the tab-separated fields of every line of file
// that is neither blank nor a comment.
func eachRecord(file string, fields int, fn func([]string) error) error {
	f, err := data.Open(file)
	if err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		rec := strings.Split(s, "\t")
		if len(rec) != fields {
			return fmt.Errorf("registry: %s:%d: %d fields, want %d", file, line, len(rec), fields)
		}
		if err := fn(rec); err != nil {
			return fmt.Errorf("registry: %s:%d: %w", file, line, err)
		}
	}
	return sc.Err()
}
