package registry

// person is one natural person as the generator makes it.
type person struct {
	ordinal     int64 // position in the civil registry, for the per-person streams
	code        string
	first, last string
	father      string // father's first name
	gender      int    // 1 male, 2 female, as the civil registry codes it
	birth       day
	death       day // noDay while alive
	place       *county
	fatherCode  string
	motherCode  string
	spouseCode  string
}

// alive reports whether p is alive on the reference date.
func (p *person) alive() bool { return p.death == noDay }

// household is people who share a legal residence.
type household struct {
	index   int64
	members []person
	county  *county // where they live
	urban   bool
	postal  string
	since   day
	persona bool // a fixed demo household
}

// Gender codes of the civil registry.
const (
	male   = 1
	female = 2
)

// shenasnameCutoff is 1368/01/01: people born since have a birth
// certificate number equal to their national code.
var shenasnameCutoff = ymd(1989, 3, 21)

// seriLetters are the letters that open a birth certificate's series.
var seriLetters = []string{"الف", "ب", "ج", "د", "ه", "و", "ی", "ح", "ط", "ک", "ل", "م"}

// certificate returns the birth certificate fields of p: number, series,
// serial, issuing office code and name, book number and row. They are a
// pure function of the person, so no column needs storing them twice.
func (p *person) certificate() (no, seri, serial, officeCode, officeName string, book, row int) {
	h := mix(p.ordinal, p.code)
	if p.birth >= shenasnameCutoff {
		no = p.code
	} else {
		no = string(pad(nil, int64(1+h%8000), 1))
	}
	seri = seriLetters[h>>8%uint64(len(seriLetters))] + "/" + string(pad(nil, int64(10+h>>16%80), 2))
	serial = string(pad(nil, int64(h>>24%1000000), 6))
	officeCode = string(pad(nil, int64(100+p.place.Index*3+int(h>>44%3)), 4))
	officeName = "اداره ثبت احوال " + p.place.Fa
	return no, seri, serial, officeCode, officeName, int(1 + h>>48%400), int(1 + h>>56%200)
}
