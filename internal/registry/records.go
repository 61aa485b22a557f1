package registry

// The records of the agency registries, as the generator makes them and the
// demo personas fix them.

type mobileLine struct {
	number, code, operator string
	since                  day
}

type licence struct {
	number, code, class string
	issued, expires     day
}

type vehicle struct {
	plate, plateFa, vin, maker, model, colour, owner string
	year                                             int
}

type policy struct {
	number, insurer, plate, code string
	starts, ends                 day
}

type passport struct {
	number, code    string
	issued, expires day
}

type certificate struct {
	number, code, level, field, institution string
	graduated                               day
}

type signatory struct {
	code, role string
	from, to   day
}

type company struct {
	legalID, name, kind, regNo, office, city, status, postal string
	registered, since                                        day
	county                                                   *county
	signatories                                              []signatory
}

type foreigner struct {
	fida, nationality, first, last, firstEn, lastEn, father string
	gender                                                  int
	birth                                                   day
	permitNo                                                string
	permitExpires                                           day
	postal                                                  string
}

// Licence classes.
const (
	classGrade1     = "پایه یک"
	classGrade2     = "پایه دو"
	classMotorcycle = "موتورسیکلت"
)
