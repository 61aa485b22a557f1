package iran

import "fmt"

// NormalizePostalCode validates a postal code (کد پستی) and returns it as
// 10 ASCII digits.
//
// Persian and Arabic-Indic digits are accepted, and spaces and dashes
// between the groups ("13145-12345", "13145 12345") are dropped. The rule
// is the Post's current one: no 0 and no 2 among the first five digits, the
// first four digits not all the same, the last five free. Whether the code
// exists is a question for the Post's registry, not for the pattern.
func NormalizePostalCode(s string) (string, error) {
	if len(s) == 10 && allASCIIDigits(s) {
		if err := checkPostalCode(s); err != nil {
			return "", err
		}
		return s, nil
	}
	var buf [10]byte
	sc := scanDigits(s, buf[:])
	if err := digitsError(KindPostalCode, sc, len(buf)); err != nil {
		return "", err
	}
	d := string(buf[:])
	if err := checkPostalCode(d); err != nil {
		return "", err
	}
	return d, nil
}

// checkPostalCode checks ten ASCII digits.
func checkPostalCode(d string) *ValidationError {
	for i := 0; i < 5; i++ {
		if c := d[i]; c == '0' || c == '2' {
			return invalid(KindPostalCode, CodeForbiddenDigit,
				fmt.Sprintf("the first five digits of a postal code contain no 0 or 2, but digit %d is %c", i+1, c),
				fmt.Sprintf("در پنج رقم اول کد پستی رقم ۰ یا ۲ نمی‌آید، اما رقم %s آن %s است.",
					faOrdinal(i+1), ToPersianDigits(string(c))))
		}
	}
	if sameDigits(d[:4]) {
		return invalid(KindPostalCode, CodeRepeatedStart,
			"a postal code cannot start with four identical digits",
			"کد پستی نمی‌تواند با چهار رقم یکسان شروع شود.")
	}
	return nil
}

// faOrdinal names the positions one to five in Persian.
func faOrdinal(n int) string {
	switch n {
	case 1:
		return "اول"
	case 2:
		return "دوم"
	case 3:
		return "سوم"
	case 4:
		return "چهارم"
	case 5:
		return "پنجم"
	}
	return faNumber(n)
}
