package iran

import (
	"fmt"
)

// Operator is a mobile network operator, identified by the prefix of its
// numbers.
type Operator struct {
	Code string // stable machine name: "mci", "irancell", "rightel", "taliya", "shatel", "aptel"
	Fa   string // Persian name
	En   string // English name
}

// operatorOf returns the operator that owns the three digits after the
// leading 0 of a mobile number, given as the number 900..999.
func operatorOf(prefix int) (Operator, bool) {
	switch {
	case 910 <= prefix && prefix <= 919, 990 <= prefix && prefix <= 996:
		return Operator{"mci", "همراه اول", "MCI (Hamrah-e Avval)"}, true
	case 900 <= prefix && prefix <= 905, prefix == 930, prefix == 933,
		935 <= prefix && prefix <= 939, prefix == 941:
		return Operator{"irancell", "ایرانسل", "Irancell"}, true
	case 920 <= prefix && prefix <= 923:
		return Operator{"rightel", "رایتل", "RighTel"}, true
	case prefix == 932:
		return Operator{"taliya", "تالیا", "Taliya"}, true
	case prefix == 998:
		return Operator{"shatel", "شاتل موبایل", "Shatel Mobile"}, true
	case prefix == 999:
		return Operator{"aptel", "آپتل", "Aptel"}, true
	}
	return Operator{}, false
}

// MobileOperator returns the operator of a mobile number in the canonical
// form "09XXXXXXXXX" that NormalizeMobile returns. It reports false for
// any other string and for a prefix that belongs to no operator.
func MobileOperator(normalized string) (Operator, bool) {
	if len(normalized) != 11 || normalized[0] != '0' || normalized[1] != '9' || !allASCIIDigits(normalized) {
		return Operator{}, false
	}
	return operatorOf(threeDigits(normalized[1:4]))
}

func threeDigits(s string) int {
	return int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0')
}

// NormalizeMobile validates an Iranian mobile number and returns it in the
// form "09XXXXXXXXX".
//
// It accepts "09123456789", "9123456789", "+989123456789",
// "00989123456789" and "989123456789", with Persian or Arabic-Indic
// digits, and with spaces, dashes and parentheses anywhere ("+98 (912)
// 345-6789"); after a country code a trunk 0 is tolerated ("+98 0912…").
// A well-formed number whose prefix belongs to no operator is rejected with
// Code "prefix"; the operators and their prefixes are those of
// MobileOperator.
func NormalizeMobile(s string) (string, error) {
	if len(s) == 11 && s[0] == '0' && s[1] == '9' && allASCIIDigits(s) {
		if err := checkMobilePrefix(s); err != nil {
			return "", err
		}
		return s, nil
	}
	// The longest accepted form is 0098 + 0 + 10 digits.
	var buf [15]byte
	n, plus, bad, ok := phoneDigits(s, buf[:])
	if !ok {
		return "", digitsError(KindMobile, digitScan{bad: bad, has: true}, 11)
	}
	if n == 0 {
		return "", digitsError(KindMobile, digitScan{}, 11)
	}
	if n > len(buf) {
		return "", mobileLengthError(n)
	}
	d := buf[:n]
	intl := false
	switch {
	case plus:
		if !hasPrefix(d, "98") {
			return "", mobileCountryError()
		}
		d, intl = d[2:], true
	case hasPrefix(d, "0098"):
		d, intl = d[4:], true
	case hasPrefix(d, "00"):
		return "", mobileCountryError()
	case hasPrefix(d, "98") && (n == 12 || n == 13):
		d, intl = d[2:], true
	}
	// The trunk 0 of the national form, which people also keep after the
	// country code.
	if len(d) > 0 && d[0] == '0' {
		d = d[1:]
	}
	if len(d) > 0 && d[0] != '9' {
		return "", invalid(KindMobile, CodeFormat,
			"a mobile number must start with 09",
			"شماره همراه باید با ۰۹ شروع شود.")
	}
	if len(d) != 10 {
		if intl {
			return "", invalid(KindMobile, CodeLength,
				fmt.Sprintf("after the country code 98 a mobile number has 10 digits starting with 9; %s given", countGiven(len(d))),
				fmt.Sprintf("شماره همراه پس از کد کشور ۹۸ باید ۱۰ رقم باشد و با ۹ شروع شود؛ %s رقم وارد شده است.", faNumber(len(d))))
		}
		return "", mobileLengthError(n)
	}
	var out [11]byte
	out[0] = '0'
	copy(out[1:], d)
	m := string(out[:])
	if err := checkMobilePrefix(m); err != nil {
		return "", err
	}
	return m, nil
}

func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}

func mobileLengthError(n int) *ValidationError {
	return invalid(KindMobile, CodeLength,
		fmt.Sprintf("a mobile number has 11 digits starting with 09; %s given", countGiven(n)),
		fmt.Sprintf("شماره همراه باید ۱۱ رقم باشد و با ۰۹ شروع شود؛ %s رقم وارد شده است.", faNumber(n)))
}

func mobileCountryError() *ValidationError {
	return invalid(KindMobile, CodeCountry,
		"only Iranian mobile numbers (country code +98) are accepted",
		"فقط شماره‌های همراه ایران با کد کشور ۹۸ پذیرفته می‌شود.")
}

// checkMobilePrefix checks that the canonical number m belongs to an
// operator.
func checkMobilePrefix(m string) *ValidationError {
	if _, ok := operatorOf(threeDigits(m[1:4])); ok {
		return nil
	}
	return invalid(KindMobile, CodePrefix,
		fmt.Sprintf("no mobile operator uses the prefix %s", m[:4]),
		fmt.Sprintf("پیش‌شمارهٔ %s به هیچ اپراتور تلفن همراهی تعلق ندارد.", ToPersianDigits(m[:4])))
}

// phoneDigits collects the digits of a number written as people write
// phone numbers (Persian, Arabic-Indic or ASCII digits, one leading '+',
// parentheses and separators) into buf as ASCII. n counts every digit,
// also those beyond len(buf). Any other character stops the scan with
// ok false and that character in bad.
func phoneDigits(s string, buf []byte) (n int, plus bool, bad rune, ok bool) {
	for _, r := range s {
		if v, ok := digitValue(r); ok {
			if n < len(buf) {
				buf[n] = '0' + v
			}
			n++
			continue
		}
		switch {
		case r == '+' && n == 0 && !plus:
			plus = true
		case r == '(' || r == ')' || isSeparator(r):
		default:
			return n, plus, r, false
		}
	}
	return n, plus, 0, true
}
