package iran

import "fmt"

// NormalizeNationalCode validates a national code (کد ملی) and returns it
// as 10 ASCII digits.
//
// Persian and Arabic-Indic digits are accepted, and spaces, dashes and
// direction marks anywhere are dropped. Shorter input is not left-padded:
// a code typed without its leading zeros ("499370899" for "0499370899") is
// rejected with Code "length", and the reason asks for the zeros, because
// padding silently could turn a mistyped code into someone else's.
//
// The last digit is the check digit: with s = Σ d[i]·(10−i) for i = 0..8,
// mod 11, it must be s when s < 2 and 11 − s otherwise. Codes of ten
// identical digits pass that check but are never issued and are rejected
// with Code "same-digits".
func NormalizeNationalCode(s string) (string, error) {
	if len(s) == 10 && allASCIIDigits(s) {
		if err := checkNationalCode(s); err != nil {
			return "", err
		}
		return s, nil
	}
	var buf [10]byte
	sc := scanDigits(s, buf[:])
	if err := digitsError(KindNationalCode, sc, len(buf)); err != nil {
		if err.Code == CodeLength && sc.n >= 7 && sc.n < 10 {
			err.En += "; include the leading zeros"
			err.Fa += " صفرهای ابتدای کد را هم وارد کنید."
		}
		return "", err
	}
	d := string(buf[:])
	if err := checkNationalCode(d); err != nil {
		return "", err
	}
	return d, nil
}

// checkNationalCode checks ten ASCII digits.
func checkNationalCode(d string) *ValidationError {
	if sameDigits(d) {
		return invalid(KindNationalCode, CodeSameDigits,
			"a national code cannot be ten identical digits",
			"کد ملی نمی‌تواند از ده رقم یکسان تشکیل شده باشد.")
	}
	if int(d[9]-'0') != NationalCodeCheckDigit(d[:9]) {
		return invalid(KindNationalCode, CodeChecksum,
			"the check digit of the national code does not match; a digit may be mistyped",
			"رقم کنترل کد ملی درست نیست؛ احتمالاً یکی از رقم‌ها اشتباه وارد شده است.")
	}
	return nil
}

// NationalCodeCheckDigit returns the check digit that completes the nine
// ASCII digits first9 into a national code, or -1 when first9 is not nine
// ASCII digits. It is meant for generating test data.
func NationalCodeCheckDigit(first9 string) int {
	if len(first9) != 9 || !allASCIIDigits(first9) {
		return -1
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(first9[i]-'0') * (10 - i)
	}
	if r := sum % 11; r >= 2 {
		return 11 - r
	} else {
		return r
	}
}

// digitsError reports, for an identifier made of want digits, the reasons
// shared by all kinds: empty, a non-digit character, the wrong number of
// digits. It returns nil when sc holds exactly want digits.
func digitsError(k Kind, sc digitScan, want int) *ValidationError {
	en, fa := enName(k), k.FaName()
	switch {
	case sc.has:
		c := showRune(sc.bad)
		return invalid(k, CodeNonDigit,
			fmt.Sprintf("a %s may contain only digits; %q is not a digit", en, c),
			fmt.Sprintf("%s فقط از رقم تشکیل می‌شود؛ «%s» رقم نیست.", fa, c))
	case sc.n == 0:
		return invalid(k, CodeEmpty,
			fmt.Sprintf("no %s was given", en),
			fmt.Sprintf("%s وارد نشده است.", fa))
	case sc.n != want:
		return invalid(k, CodeLength,
			fmt.Sprintf("a %s must have %d digits; %s given", en, want, countGiven(sc.n)),
			fmt.Sprintf("%s باید %s رقم باشد؛ %s رقم وارد شده است.", fa, faNumber(want), faNumber(sc.n)))
	}
	return nil
}

// countGiven says "1 was" or "n were" for the English length reasons.
func countGiven(n int) string {
	if n == 1 {
		return "1 was"
	}
	return fmt.Sprintf("%d were", n)
}

// enName is the English name of a kind inside a sentence.
func enName(k Kind) string {
	switch k {
	case KindNationalCode:
		return "national code"
	case KindLegalID:
		return "legal ID"
	case KindPostalCode:
		return "postal code"
	case KindMobile:
		return "mobile number"
	case KindSheba:
		return "Sheba number"
	case KindFIDA:
		return "foreign national identifier (FIDA)"
	}
	return string(k)
}
