package registry

import (
	"time"

	"github.com/panjereh/panjereh/internal/iran"
)

// day is a calendar date as days since 1970-01-01. Registry dates are
// stored as "YYYY-MM-DD" text, which sorts and compares the same way on
// SQLite and PostgreSQL.
type day int32

// noDay marks an absent date.
const noDay day = -1 << 30

// dayOf returns the date of t in Tehran.
func dayOf(t time.Time) day {
	y, m, d := t.In(iran.Tehran()).Date()
	return ymd(y, int(m), d)
}

// ymd returns the day of a Gregorian date.
func ymd(y, m, d int) day {
	return day(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// jalaliDay returns the day of a Jalali date; it panics on an invalid date,
// which only fixed tables pass.
func jalaliDay(y, m, d int) day {
	t, err := iran.FromJalali(y, m, d, time.UTC)
	if err != nil {
		panic(err)
	}
	return day(t.Unix() / 86400)
}

// civil returns the Gregorian year, month and day (Hinnant's algorithm,
// which avoids time.Time in the generator's hot loop).
func (d day) civil() (y, m, dd int) {
	z := int(d) + 719468
	era := z / 146097
	if z < 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, dd
}

// String returns "YYYY-MM-DD", or "" for noDay.
func (d day) String() string {
	if d == noDay {
		return ""
	}
	y, m, dd := d.civil()
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + dd/10), byte('0' + dd%10)}
	return string(b[:])
}

// value returns the date for a nullable column.
func (d day) value() any {
	if d == noDay {
		return nil
	}
	return d.String()
}

// time returns midnight UTC of d.
func (d day) time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// jalali returns the Jalali date of d.
func (d day) jalali() iran.JalaliDate { return iran.ToJalali(d.time()) }

// parseDay parses "YYYY-MM-DD".
func parseDay(s string) (day, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return noDay, false
	}
	return day(t.Unix() / 86400), true
}

// addYears returns d moved by n years (29 February becomes 1 March).
func (d day) addYears(n int) day {
	y, m, dd := d.civil()
	return ymd(y+n, m, dd)
}

// ageOn returns the age in whole years on date on of a person born on d.
func (d day) ageOn(on day) int {
	y1, m1, d1 := d.civil()
	y2, m2, d2 := on.civil()
	a := y2 - y1
	if m2 < m1 || m2 == m1 && d2 < d1 {
		a--
	}
	return a
}
