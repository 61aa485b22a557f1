package iran

import (
	"fmt"
	"unicode/utf8"
)

// shebaLen is the length of a canonical Sheba number: "IR" and 24 digits.
const shebaLen = 26

// NormalizeSheba validates a Sheba number (شماره شبا, the Iranian IBAN)
// and returns it as "IR" followed by 24 ASCII digits.
//
// The country code may be typed in lower case, the digits in Persian or
// Arabic-Indic, and spaces and dashes between the groups are dropped. The
// check is ISO 7064 mod 97: with the first four characters moved to the
// end and I = 18, R = 27, the number must leave 1 when divided by 97.
func NormalizeSheba(s string) (string, error) {
	if len(s) == shebaLen && s[0] == 'I' && s[1] == 'R' && allASCIIDigits(s[2:]) {
		if err := checkSheba(s); err != nil {
			return "", err
		}
		return s, nil
	}
	var buf [shebaLen]byte
	buf[0], buf[1] = 'I', 'R'
	// The country code comes first, after any leading separators.
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isSeparator(r) {
			break
		}
		i += size
	}
	rest := s[i:]
	if rest == "" {
		return "", digitsError(KindSheba, digitScan{}, 24)
	}
	if len(rest) < 2 || (rest[0] != 'I' && rest[0] != 'i') || (rest[1] != 'R' && rest[1] != 'r') {
		return "", invalid(KindSheba, CodeCountry,
			"a Sheba number starts with the country code IR",
			"شماره شبا باید با IR شروع شود.")
	}
	sc := scanDigits(rest[2:], buf[2:])
	if sc.has {
		c := showRune(sc.bad)
		return "", invalid(KindSheba, CodeNonDigit,
			fmt.Sprintf("only digits may follow IR in a Sheba number; %q is not a digit", c),
			fmt.Sprintf("در شماره شبا پس از IR فقط رقم می‌آید؛ «%s» رقم نیست.", c))
	}
	if sc.n != 24 {
		return "", invalid(KindSheba, CodeLength,
			fmt.Sprintf("a Sheba number is IR followed by 24 digits; %s given", countGiven(sc.n)),
			fmt.Sprintf("شماره شبا از IR و ۲۴ رقم پس از آن تشکیل می‌شود؛ %s رقم وارد شده است.", faNumber(sc.n)))
	}
	d := string(buf[:])
	if err := checkSheba(d); err != nil {
		return "", err
	}
	return d, nil
}

// checkSheba checks "IR" and 24 ASCII digits.
func checkSheba(d string) *ValidationError {
	// Rearranged: the 22 digits of the BBAN, I = 18, R = 27, the two
	// check digits.
	m := mod97(0, d[4:])
	m = mod97(m, "1827")
	m = mod97(m, d[2:4])
	if m != 1 {
		return invalid(KindSheba, CodeChecksum,
			"the check digits of the Sheba number do not match; a digit may be mistyped",
			"رقم‌های کنترل شماره شبا درست نیست؛ احتمالاً یکی از رقم‌ها اشتباه وارد شده است.")
	}
	return nil
}

// mod97 continues the remainder m by 97 of a decimal number with the
// ASCII digits of s appended.
func mod97(m int, s string) int {
	// Nine digits at a time: m < 97, so m·10⁹ + 999999999 fits in an int64.
	for len(s) > 0 {
		n := min(len(s), 9)
		chunk, scale := 0, 1
		for i := 0; i < n; i++ {
			chunk = chunk*10 + int(s[i]-'0')
			scale *= 10
		}
		m = (m*scale + chunk) % 97
		s = s[n:]
	}
	return m
}

// ShebaCheckDigits returns the two check digits that make "IR" + check
// digits + bban a valid Sheba number, where bban is the 22 ASCII digits of
// the basic bank account number. It returns "" when bban is not 22 ASCII
// digits. It is meant for generating test data.
func ShebaCheckDigits(bban string) string {
	if len(bban) != 22 || !allASCIIDigits(bban) {
		return ""
	}
	c := 98 - mod97(mod97(0, bban), "182700")
	return string([]byte{'0' + byte(c/10), '0' + byte(c%10)})
}

// ShebaBankCode returns the bank code of a canonical Sheba number, its
// characters 5 to 7 ("IR06 296…" → "296"), or "" when normalized is too
// short or those characters are not digits.
func ShebaBankCode(normalized string) string {
	if len(normalized) < 7 || !allASCIIDigits(normalized[4:7]) {
		return ""
	}
	return normalized[4:7]
}
