package iran

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	jalaali "github.com/jalaali/go-jalaali"
)

func TestKnownDates(t *testing.T) {
	cases := []struct {
		name      string
		gregorian time.Time
		want      JalaliDate
	}{
		{name: "yalda 1403", gregorian: date(2024, 12, 18), want: JalaliDate{1403, 9, 28}},
		{name: "tir 1401", gregorian: date(2022, 7, 17), want: JalaliDate{1401, 4, 26}},
		{name: "nowruz 1403", gregorian: date(2024, 3, 20), want: JalaliDate{1403, 1, 1}},
		{name: "nowruz 1404", gregorian: date(2025, 3, 21), want: JalaliDate{1404, 1, 1}},
		{name: "leap esfand 1399", gregorian: date(2021, 3, 20), want: JalaliDate{1399, 12, 30}},
		{name: "leap esfand 1403", gregorian: date(2025, 3, 20), want: JalaliDate{1403, 12, 30}},
		{name: "last day of shahrivar", gregorian: date(2024, 9, 21), want: JalaliDate{1403, 6, 31}},
		{name: "first day of mehr", gregorian: date(2024, 9, 22), want: JalaliDate{1403, 7, 1}},
		{name: "unix epoch", gregorian: date(1970, 1, 1), want: JalaliDate{1348, 10, 11}},
		{name: "revolution", gregorian: date(1979, 2, 11), want: JalaliDate{1357, 11, 22}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ToJalali(tc.gregorian); got != tc.want {
				t.Errorf("ToJalali(%s) = %v, want %v", tc.gregorian.Format(time.DateOnly), got, tc.want)
			}
			got, err := FromJalali(tc.want.Year, tc.want.Month, tc.want.Day, time.UTC)
			if err != nil || !got.Equal(tc.gregorian) {
				t.Errorf("FromJalali(%v) = %v, %v; want %v", tc.want, got, err, tc.gregorian)
			}
		})
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestEveryDay round-trips every day from 1900 to 2100 and compares each
// with an independent implementation of the calendar.
func TestEveryDay(t *testing.T) {
	for day := date(1900, 1, 1); day.Year() <= 2100; day = day.AddDate(0, 0, 1) {
		j := ToJalali(day)
		back, err := FromJalali(j.Year, j.Month, j.Day, time.UTC)
		if err != nil || !back.Equal(day) {
			t.Fatalf("%s → %v → %v, %v", day.Format(time.DateOnly), j, back, err)
		}
		oy, om, od, err := jalaali.ToJalaali(day.Year(), day.Month(), day.Day())
		if err != nil {
			t.Fatal(err)
		}
		if want := (JalaliDate{oy, int(om), od}); j != want {
			t.Fatalf("%s: got %v, the reference implementation says %v", day.Format(time.DateOnly), j, want)
		}
	}
}

// TestSupportedRange checks every year start and leap year of the
// supported range against the reference implementation.
func TestSupportedRange(t *testing.T) {
	for y := MinJalaliYear; y <= MaxJalaliYear; y++ {
		leap, err := jalaali.IsLeapYear(y)
		if err != nil {
			t.Fatal(err)
		}
		if IsJalaliLeap(y) != leap {
			t.Errorf("%d: leap %v, reference says %v", y, IsJalaliLeap(y), leap)
		}
		for _, m := range []int{1, 7, 12} {
			got, err := FromJalali(y, m, JalaliMonthDays(y, m), time.UTC)
			if err != nil {
				t.Fatalf("%d/%d: %v", y, m, err)
			}
			gy, gm, gd, err := jalaali.ToGregorian(y, jalaali.Month(m), JalaliMonthDays(y, m))
			if err != nil {
				t.Fatal(err)
			}
			if want := date(gy, gm, gd); !got.Equal(want) {
				t.Errorf("%d/%d/%d: got %v, reference says %v", y, m, JalaliMonthDays(y, m), got, want)
			}
		}
	}
	for _, y := range []int{MinJalaliYear - 1, MaxJalaliYear + 1} {
		if _, err := FromJalali(y, 1, 1, time.UTC); dateCode(t, err) != "year" {
			t.Errorf("year %d accepted", y)
		}
	}
}

func TestToJalaliOutsideRange(t *testing.T) {
	// Far outside the supported range ToJalali still answers, and the
	// answer is a well-formed date.
	for _, tm := range []time.Time{{}, date(9999, 12, 31), date(-5000, 6, 1), time.Unix(1<<50, 0)} {
		d := ToJalali(tm)
		if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > JalaliMonthDays(d.Year, d.Month) {
			t.Errorf("ToJalali(%v) = %+v", tm, d)
		}
	}
}

func TestToJalaliUsesLocation(t *testing.T) {
	// 21:00 UTC on 17 December 2024 is already 18 December in Tehran.
	utc := time.Date(2024, 12, 17, 21, 0, 0, 0, time.UTC)
	if got, want := ToJalali(utc), (JalaliDate{1403, 9, 27}); got != want {
		t.Errorf("in UTC: got %v, want %v", got, want)
	}
	if got, want := ToJalali(utc.In(Tehran())), (JalaliDate{1403, 9, 28}); got != want {
		t.Errorf("in Tehran: got %v, want %v", got, want)
	}
}

func TestFromJalaliInTehran(t *testing.T) {
	got, err := FromJalali(1403, 9, 28, Tehran())
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 12, 17, 20, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("got %v, want %v", got.UTC(), want)
	}
	if _, err := FromJalali(1403, 1, 1, nil); dateCode(t, err) != "location" {
		t.Errorf("nil location: %v", err)
	}
}

func TestTehran(t *testing.T) {
	loc := Tehran()
	if loc != Tehran() {
		t.Error("Tehran returns a new location on each call")
	}
	_, offset := time.Date(2024, 6, 1, 12, 0, 0, 0, loc).Zone()
	if offset != 3*3600+1800 {
		t.Errorf("offset %d, want +03:30", offset)
	}
	// Iran kept daylight saving time until 2022.
	if _, offset := time.Date(2021, 6, 1, 12, 0, 0, 0, loc).Zone(); offset != 4*3600+1800 {
		t.Errorf("2021 summer offset %d, want +04:30 (is the time zone database loaded?)", offset)
	}
}

func TestFromJalaliInvalid(t *testing.T) {
	cases := []struct {
		name             string
		year, month, day int
		wantCode         string
	}{
		{name: "non-leap esfand 30", year: 1400, month: 12, day: 30, wantCode: "day"},
		{name: "month zero", year: 1403, month: 0, day: 1, wantCode: "month"},
		{name: "month thirteen", year: 1403, month: 13, day: 1, wantCode: "month"},
		{name: "day zero", year: 1403, month: 1, day: 0, wantCode: "day"},
		{name: "mehr 31", year: 1403, month: 7, day: 31, wantCode: "day"},
		{name: "farvardin 32", year: 1403, month: 1, day: 32, wantCode: "day"},
		{name: "year too early", year: 1000, month: 1, day: 1, wantCode: "year"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromJalali(tc.year, tc.month, tc.day, time.UTC)
			if got := dateCode(t, err); got != tc.wantCode {
				t.Errorf("code %q, want %q", got, tc.wantCode)
			}
		})
	}
	if _, err := FromJalali(1399, 12, 30, time.UTC); err != nil {
		t.Errorf("1399/12/30 is a leap day: %v", err)
	}
	_, err := FromJalali(1400, 12, 30, time.UTC)
	var de *DateError
	errors.As(err, &de)
	want := &DateError{
		Input: "1400/12/30",
		Code:  "day",
		En:    "Esfand 1400 has 29 days; 1400 is not a leap year",
		Fa:    "اسفند ۱۴۰۰ ۲۹ روز دارد؛ سال ۱۴۰۰ کبیسه نیست.",
	}
	if diff := cmp.Diff(want, de); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

func dateCode(t *testing.T, err error) string {
	t.Helper()
	var de *DateError
	if !errors.As(err, &de) {
		t.Fatalf("got %v (%T), want a *DateError", err, err)
	}
	if de.Fa == "" || de.En == "" || de.Error() == "" {
		t.Errorf("incomplete error %+v", de)
	}
	return de.Code
}

func TestParseJalali(t *testing.T) {
	cases := []parseCase{
		{name: "slashes", in: "1403/09/28", want: JalaliDate{1403, 9, 28}},
		{name: "dashes short", in: "1403-9-28", want: JalaliDate{1403, 9, 28}},
		{name: "dots", in: "1403.9.8", want: JalaliDate{1403, 9, 8}},
		{name: "compact", in: "14030928", want: JalaliDate{1403, 9, 28}},
		{name: "persian digits", in: "۱۴۰۳/۰۹/۲۸", want: JalaliDate{1403, 9, 28}},
		{name: "arabic-indic digits", in: "١٤٠٣/٩/٢٨", want: JalaliDate{1403, 9, 28}},
		{name: "persian compact with spaces", in: " ۱۴۰۳۰۹۲۸ ", want: JalaliDate{1403, 9, 28}},
		{name: "leap day", in: "1399/12/30", want: JalaliDate{1399, 12, 30}},
		{name: "empty", in: "  ", wantCode: "empty"},
		{name: "two-digit year", in: "03/09/28", wantCode: "format"},
		{name: "mixed separators", in: "1403/09-28", wantCode: "format"},
		{name: "four parts", in: "1403/09/28/1", wantCode: "format"},
		{name: "words", in: "۲۸ آذر ۱۴۰۳", wantCode: "format"},
		{name: "seven digits", in: "1403092", wantCode: "format"},
		{name: "three-digit day", in: "1403/09/028", wantCode: "format"},
		{name: "sign", in: "1403/+9/28", wantCode: "format"},
		{name: "month 13", in: "1403/13/01", wantCode: "month"},
		{name: "non-leap esfand 30", in: "1400/12/30", wantCode: "day"},
		{name: "out of range", in: "0999/01/01", wantCode: "year"},
	}
	checkParse(t, "ParseJalali", ParseJalali, cases)
}

type parseCase struct {
	name, in string
	want     JalaliDate
	wantCode string
}

// checkParse runs parse, named name, on each case.
func checkParse(t *testing.T, name string, parse func(string) (JalaliDate, error), cases []parseCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parse(tc.in)
			if tc.wantCode != "" {
				if code := dateCode(t, err); code != tc.wantCode {
					t.Errorf("%s(%q): code %q, want %q", name, tc.in, code, tc.wantCode)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("%s(%q) = %v, %v; want %v", name, tc.in, got, err, tc.want)
			}
		})
	}
}

func TestFormatJalali(t *testing.T) {
	tm := time.Date(2024, 12, 18, 10, 0, 0, 0, Tehran())
	got := []string{
		FormatJalali(tm), FormatJalaliLong(tm), ToJalali(tm).String(), ToJalali(tm).Compact(),
		FormatJalaliLong(time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC)),
	}
	want := []string{"۱۴۰۳/۰۹/۲۸", "۲۸ آذر ۱۴۰۳", "1403/09/28", "14030928", "۱ فروردین ۱۴۰۳"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("formats (-want +got):\n%s", diff)
	}
}

func TestJalaliMonthName(t *testing.T) {
	got := make([]string, 0, 14)
	for m := 0; m <= 13; m++ {
		got = append(got, JalaliMonthName(m))
	}
	want := []string{"", "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
		"مهر", "آبان", "آذر", "دی", "بهمن", "اسفند", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("month names (-want +got):\n%s", diff)
	}
}

func TestJalaliDateValid(t *testing.T) {
	if !(JalaliDate{1403, 12, 30}).Valid() || (JalaliDate{1404, 12, 30}).Valid() || (JalaliDate{}).Valid() {
		t.Error("Valid disagrees with the calendar")
	}
}

// TestParseDate: a date written in either calendar, told apart by the
// year, comes back as the Jalali date of that day.
func TestParseDate(t *testing.T) {
	cases := []parseCase{
		{name: "jalali", in: "1370/05/12", want: JalaliDate{1370, 5, 12}},
		{name: "gregorian", in: "1991-08-03", want: JalaliDate{1370, 5, 12}},
		{name: "gregorian slashes short", in: "1991/8/3", want: JalaliDate{1370, 5, 12}},
		{name: "gregorian compact persian digits", in: "۱۹۹۱۰۸۰۳", want: JalaliDate{1370, 5, 12}},
		{name: "gregorian leap day", in: "2024-02-29", want: JalaliDate{1402, 12, 10}},
		{name: "gregorian nowruz", in: "2025-03-21", want: JalaliDate{1404, 1, 1}},
		{name: "gregorian not a leap year", in: "2023-02-29", wantCode: "day"},
		{name: "gregorian april 31", in: "1934-04-31", wantCode: "day"},
		{name: "gregorian month 13", in: "1991-13-01", wantCode: "month"},
		{name: "between the calendars", in: "1700/01/01", wantCode: "year"},
		{name: "before both", in: "0999/01/01", wantCode: "year"},
		{name: "after both", in: "2300/01/01", wantCode: "year"},
		{name: "jalali day error stays", in: "1400/12/30", wantCode: "day"},
		{name: "format", in: "3 Aug 1991", wantCode: "format"},
	}
	checkParse(t, "ParseDate", ParseDate, cases)
	// Every Gregorian day of a span comes back as the day ToJalali names.
	for g := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); g.Year() < 2100; g = g.AddDate(0, 0, 1) {
		if got, err := ParseDate(g.Format(time.DateOnly)); err != nil || got != ToJalali(g) {
			t.Fatalf("ParseDate(%s) = %v, %v; want %v", g.Format(time.DateOnly), got, err, ToJalali(g))
		}
	}
}
