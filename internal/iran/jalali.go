package iran

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The Jalali calendar here follows the official Iranian calendar, whose
// leap years are set by the astronomical vernal equinox. From 1207 to 1629
// (March 1828 to March 2251) those leap years follow exactly the 33-year
// pattern used below: a year is leap when its remainder by 33 is one of 1,
// 5, 9, 13, 17, 22, 26 and 30. Outside that range the pattern drifts from
// the astronomical calendar, so FromJalali and ParseJalali reject such
// years and ToJalali extends the pattern, which may be a day off.
const (
	MinJalaliYear = 1207 // first year that FromJalali and ParseJalali accept
	MaxJalaliYear = 1629 // last year that FromJalali and ParseJalali accept
)

// anchorYear started on anchorDays, counted in days since 1970-01-01:
// 1 Farvardin 1403 was 20 March 2024.
const (
	anchorYear = 1403
	anchorDays = 19802
	daysIn33   = 33*365 + 8
)

// JalaliDate is a date of the Jalali (Solar Hijri) calendar.
type JalaliDate struct{ Year, Month, Day int }

// String returns the date as "1403/09/28", with ASCII digits.
func (d JalaliDate) String() string {
	var b [16]byte
	out := strconv.AppendInt(b[:0], int64(d.Year), 10)
	out = append(out, '/')
	out = appendTwoDigits(out, d.Month)
	out = append(out, '/')
	out = appendTwoDigits(out, d.Day)
	return string(out)
}

// Compact returns the date as "14030928", the form the civil registry's
// inquiries use.
func (d JalaliDate) Compact() string {
	return strings.ReplaceAll(d.String(), "/", "")
}

// Valid reports whether d is a date of the calendar within the supported
// years.
func (d JalaliDate) Valid() bool { return d.check() == nil }

func appendTwoDigits(b []byte, n int) []byte {
	if 0 <= n && n < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// IsJalaliLeap reports whether the Jalali year has 366 days, its Esfand
// thirty.
func IsJalaliLeap(year int) bool {
	switch floorMod(year, 33) {
	case 1, 5, 9, 13, 17, 22, 26, 30:
		return true
	}
	return false
}

// JalaliMonthDays returns the number of days in the month of the year:
// 31 for the first six months, 30 for the next five, and 29 or, in a leap
// year, 30 for Esfand. It returns 0 for a month outside 1..12.
func JalaliMonthDays(year, month int) int {
	switch {
	case 1 <= month && month <= 6:
		return 31
	case 7 <= month && month <= 11:
		return 30
	case month == 12 && IsJalaliLeap(year):
		return 30
	case month == 12:
		return 29
	}
	return 0
}

// JalaliMonthName returns the Persian name of month m, فروردین for 1 to
// اسفند for 12, or "" for any other m.
func JalaliMonthName(m int) string {
	switch m {
	case 1:
		return "فروردین"
	case 2:
		return "اردیبهشت"
	case 3:
		return "خرداد"
	case 4:
		return "تیر"
	case 5:
		return "مرداد"
	case 6:
		return "شهریور"
	case 7:
		return "مهر"
	case 8:
		return "آبان"
	case 9:
		return "آذر"
	case 10:
		return "دی"
	case 11:
		return "بهمن"
	case 12:
		return "اسفند"
	}
	return ""
}

// ToJalali returns the Jalali date of t in t's location. Convert t with
// t.In(Tehran()) first for the date in Iran.
func ToJalali(t time.Time) JalaliDate {
	y, m, d := t.Date()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	return jalaliFromDays(int(days))
}

// jalaliFromDays converts days since 1970-01-01.
func jalaliFromDays(days int) JalaliDate {
	year := anchorYear + floorDiv((days-anchorDays)*33, daysIn33)
	for yearStart(year+1) <= days {
		year++
	}
	for yearStart(year) > days {
		year--
	}
	doy := days - yearStart(year)
	if doy < 186 {
		return JalaliDate{year, doy/31 + 1, doy%31 + 1}
	}
	doy -= 186
	return JalaliDate{year, doy/30 + 7, doy%30 + 1}
}

// yearStart returns the day of 1 Farvardin of year, in days since
// 1970-01-01.
func yearStart(year int) int {
	return anchorDays + 365*(year-anchorYear) + leapsBefore(year) - leapsBefore(anchorYear)
}

// leapsBefore counts the leap years in [0, year), negative for negative
// years, so that differences count the leap years in between.
func leapsBefore(year int) int {
	// leapsIn[r] counts the leap remainders below r.
	leapsIn := [33]int{0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5,
		5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 8, 8}
	return 8*floorDiv(year, 33) + leapsIn[floorMod(year, 33)]
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }

// DateError says why a Jalali date was rejected.
type DateError struct {
	Input  string // the text given to ParseJalali, or the date given to FromJalali
	Code   string // stable machine code: "empty", "format", "year", "month", "day", "location"
	Fa, En string // human reasons: Persian and English
}

// Error returns the English reason with the input.
func (e *DateError) Error() string {
	return fmt.Sprintf("jalali date %q: %s", e.Input, e.En)
}

// check validates d and returns a DateError without Input.
func (d JalaliDate) check() *DateError {
	switch {
	case d.Year < MinJalaliYear || d.Year > MaxJalaliYear:
		return &DateError{Code: "year",
			En: fmt.Sprintf("the year must be between %d and %d", MinJalaliYear, MaxJalaliYear),
			Fa: fmt.Sprintf("سال باید بین %s و %s باشد.", faNumber(MinJalaliYear), faNumber(MaxJalaliYear))}
	case d.Month < 1 || d.Month > 12:
		return &DateError{Code: "month",
			En: "the month must be between 1 and 12",
			Fa: "ماه باید بین ۱ و ۱۲ باشد."}
	case d.Day < 1 || d.Day > JalaliMonthDays(d.Year, d.Month):
		n := JalaliMonthDays(d.Year, d.Month)
		e := &DateError{Code: "day",
			En: fmt.Sprintf("%s %d has %d days", jalaliMonthEn(d.Month), d.Year, n),
			Fa: fmt.Sprintf("%s %s %s روز دارد.", JalaliMonthName(d.Month), faNumber(d.Year), faNumber(n))}
		if d.Month == 12 && d.Day == 30 {
			e.En += fmt.Sprintf("; %d is not a leap year", d.Year)
			e.Fa = fmt.Sprintf("%s %s ۲۹ روز دارد؛ سال %s کبیسه نیست.", JalaliMonthName(12), faNumber(d.Year), faNumber(d.Year))
		}
		return e
	}
	return nil
}

// jalaliMonthEn returns the transliterated name of month m for English
// messages.
func jalaliMonthEn(m int) string {
	names := [...]string{"Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
		"Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand"}
	if 1 <= m && m <= 12 {
		return names[m-1]
	}
	return strconv.Itoa(m)
}

// FromJalali returns midnight at the start of the Jalali date in loc. It
// returns a *DateError when the month is outside 1..12, the day outside the
// month (Esfand has 30 days only in leap years), the year outside
// MinJalaliYear..MaxJalaliYear, or loc is nil.
func FromJalali(year, month, day int, loc *time.Location) (time.Time, error) {
	d := JalaliDate{year, month, day}
	if err := d.check(); err != nil {
		err.Input = d.String()
		return time.Time{}, err
	}
	if loc == nil {
		return time.Time{}, &DateError{Input: d.String(), Code: "location",
			En: "no time zone was given", Fa: "منطقهٔ زمانی مشخص نشده است."}
	}
	days := yearStart(year) + (month-1)*31 + day - 1
	if month > 6 {
		days = yearStart(year) + 186 + (month-7)*30 + day - 1
	}
	u := time.Unix(int64(days)*86400, 0).UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, loc), nil
}

// ParseJalali parses a Jalali date written as year, month and day:
// "1403/09/28", "1403-9-28" or "14030928", with ASCII, Persian or
// Arabic-Indic digits and surrounding space. The year has four digits, the
// month and day one or two, and the separator is '/', '-' or '.', the same
// twice.
func ParseJalali(s string) (JalaliDate, error) {
	d, err := parseYMD(s)
	if err != nil {
		return JalaliDate{}, err
	}
	if err := d.check(); err != nil {
		err.Input = s
		return JalaliDate{}, err
	}
	return d, nil
}

// parseYMD reads year, month and day as ParseJalali takes them, checking
// the form only.
func parseYMD(s string) (JalaliDate, error) {
	t := strings.TrimSpace(ToASCIIDigits(s))
	if t == "" {
		return JalaliDate{}, &DateError{Input: s, Code: "empty", En: "no date was given", Fa: "تاریخ وارد نشده است."}
	}
	var parts [3]string
	if len(t) == 8 && allASCIIDigits(t) {
		parts = [3]string{t[:4], t[4:6], t[6:]}
	} else {
		sep := strings.IndexAny(t, "/-.")
		if sep < 0 {
			return badDateFormat(s)
		}
		fields := strings.Split(t, t[sep:sep+1])
		if len(fields) != 3 {
			return badDateFormat(s)
		}
		parts = [3]string{fields[0], fields[1], fields[2]}
	}
	if len(parts[0]) != 4 || len(parts[1]) < 1 || len(parts[1]) > 2 || len(parts[2]) < 1 || len(parts[2]) > 2 ||
		!allASCIIDigits(parts[0]) || !allASCIIDigits(parts[1]) || !allASCIIDigits(parts[2]) {
		return badDateFormat(s)
	}
	y, _ := strconv.Atoi(parts[0])
	m, _ := strconv.Atoi(parts[1])
	d, _ := strconv.Atoi(parts[2])
	return JalaliDate{y, m, d}, nil
}

// ParseDate parses a date as ParseJalali does, and also a Gregorian one
// written the same way ("1991-08-03", "1991/8/3", "19910803"), which it
// returns as the Jalali date of that day. The calendar is told by the
// year: a year from 1800 on is Gregorian, since no Jalali year that
// ParseJalali accepts reaches it. It is for forms where a person may
// know a date, a birth date say, only in the Gregorian calendar.
func ParseDate(s string) (JalaliDate, error) {
	ymd, err := parseYMD(s)
	if err != nil || ymd.Year < 1800 {
		return ParseJalali(s)
	}
	y, m, day := ymd.Year, ymd.Month, ymd.Day
	g := time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	switch {
	case m < 1 || m > 12:
		return JalaliDate{}, &DateError{Input: s, Code: "month",
			En: "the month must be between 1 and 12",
			Fa: "ماه باید بین ۱ و ۱۲ باشد."}
	case g.Day() != day:
		n := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
		return JalaliDate{}, &DateError{Input: s, Code: "day",
			En: fmt.Sprintf("%s %d has %d days", time.Month(m), y, n),
			Fa: fmt.Sprintf("ماه %s میلادیِ سال %s، %s روز دارد.", faNumber(m), faNumber(y), faNumber(n))}
	}
	j := ToJalali(g)
	if err := j.check(); err != nil {
		err.Input = s
		return JalaliDate{}, err
	}
	return j, nil
}

func badDateFormat(s string) (JalaliDate, error) {
	return JalaliDate{}, &DateError{Input: s, Code: "format",
		En: "write the date as year/month/day, for example 1403/09/28",
		Fa: "تاریخ را به شکل سال/ماه/روز بنویسید، مثلاً ۱۴۰۳/۰۹/۲۸."}
}

// FormatJalali returns the Jalali date of t in t's location with Persian
// digits, as "۱۴۰۳/۰۹/۲۸".
func FormatJalali(t time.Time) string {
	return ToPersianDigits(ToJalali(t).String())
}

// FormatJalaliLong returns the Jalali date of t in t's location as
// Persian prose, as "۲۸ آذر ۱۴۰۳".
func FormatJalaliLong(t time.Time) string {
	d := ToJalali(t)
	return faNumber(d.Day) + " " + JalaliMonthName(d.Month) + " " + faNumber(d.Year)
}
