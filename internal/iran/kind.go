package iran

import (
	"fmt"
	"strings"
)

// Kind names an identifier kind.
type Kind string

// The identifier kinds. The values are stable: they appear in URLs, command
// lines and stored data.
const (
	KindNationalCode Kind = "national-code" // کد ملی of a natural person
	KindLegalID      Kind = "legal-id"      // شناسه ملی of a legal person
	KindPostalCode   Kind = "postal-code"   // کد پستی
	KindMobile       Kind = "mobile"        // شماره همراه
	KindSheba        Kind = "sheba"         // شماره شبا, the Iranian IBAN
	// KindFIDA is the foreign national identifier (شناسهٔ فراگیر اتباع
	// خارجی). It names FIDAs in messages, but is not among Kinds, which
	// `panjereh ids` checks and guesses between: a FIDA has no check
	// digit, so any twelve digits would pass for one.
	KindFIDA Kind = "fida"
)

// Kinds returns every identifier kind, in a fixed order.
func Kinds() []Kind {
	return []Kind{KindNationalCode, KindLegalID, KindPostalCode, KindMobile, KindSheba}
}

// FaName returns the Persian name of the kind, for messages and labels, or
// "" for an unknown kind.
func (k Kind) FaName() string {
	switch k {
	case KindNationalCode:
		return "کد ملی"
	case KindLegalID:
		return "شناسه ملی"
	case KindPostalCode:
		return "کد پستی"
	case KindMobile:
		return "شماره همراه"
	case KindSheba:
		return "شماره شبا"
	case KindFIDA:
		return "شناسهٔ فراگیر اتباع خارجی"
	}
	return ""
}

// ParseKind returns the kind named by s. It ignores case and surrounding
// space and accepts '_' in place of '-', so "National_Code" names
// KindNationalCode.
func ParseKind(s string) (Kind, error) {
	name := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "_", "-")
	for _, k := range Kinds() {
		if name == string(k) {
			return k, nil
		}
	}
	names := make([]string, 0, 5)
	for _, k := range Kinds() {
		names = append(names, string(k))
	}
	return "", fmt.Errorf("iran: unknown identifier kind %q (known: %s)", s, strings.Join(names, ", "))
}

// Stable values of ValidationError.Code. Programs may switch on them; the
// wording of Fa and En may change.
const (
	CodeEmpty          = "empty"           // nothing but separators
	CodeNonDigit       = "non-digit"       // a character that is not a digit
	CodeLength         = "length"          // wrong number of digits
	CodeSameDigits     = "same-digits"     // national code of ten identical digits
	CodeChecksum       = "checksum"        // check digit(s) do not match
	CodeAllZero        = "all-zero"        // legal ID of eleven zeros
	CodeForbiddenDigit = "forbidden-digit" // postal code with 0 or 2 in its first five digits
	CodeRepeatedStart  = "repeated-start"  // postal code starting with four identical digits
	CodeCountry        = "country"         // not an Iranian mobile number or Sheba
	CodeFormat         = "format"          // mobile number that does not start with 09
	CodePrefix         = "prefix"          // mobile prefix of no operator
	CodeKind           = "kind"            // Normalize called with an unknown kind
)

// ValidationError says precisely why a value was rejected.
type ValidationError struct {
	Kind   Kind
	Code   string // stable machine code, one of the Code constants
	Fa, En string // human reasons: Persian and English
}

// Error returns the English reason prefixed with the kind.
func (e *ValidationError) Error() string { return string(e.Kind) + ": " + e.En }

func invalid(k Kind, code, en, fa string) *ValidationError {
	return &ValidationError{Kind: k, Code: code, Fa: fa, En: en}
}

// Normalize validates s as an identifier of the given kind and returns its
// canonical form; see the Normalize function of each kind.
func Normalize(kind Kind, s string) (string, error) {
	switch kind {
	case KindNationalCode:
		return NormalizeNationalCode(s)
	case KindLegalID:
		return NormalizeLegalID(s)
	case KindPostalCode:
		return NormalizePostalCode(s)
	case KindMobile:
		return NormalizeMobile(s)
	case KindSheba:
		return NormalizeSheba(s)
	}
	return "", invalid(kind, CodeKind,
		fmt.Sprintf("unknown identifier kind %q", string(kind)),
		fmt.Sprintf("نوع شناسهٔ «%s» شناخته نیست.", string(kind)))
}

// InferKind guesses the kind of s from its shape alone, after Persian and
// Arabic-Indic digits are read as digits and separators are dropped:
//
//   - "IR" or "ir" at the start: a Sheba number;
//   - "+98", "0098" or "98" followed by 9 and ten digits in all, "09" and
//     eleven digits, or ten digits starting with 9: a mobile number;
//   - any other eleven digits: a legal ID;
//   - ten digits: a national code, unless they fail the national code
//     check digit and pass the postal code rules, which makes them a postal
//     code;
//   - eight or nine digits: a national code typed without its leading
//     zeros, so that validation can say so.
//
// Anything else is not guessed and InferKind returns false. The guess is
// only a guess: ten digits starting with 9 may be a postal code in
// Khorasan, and a mistyped national code may pass the postal rules. When
// the kind is known, pass it instead.
func InferKind(s string) (Kind, bool) {
	t := strings.TrimLeftFunc(s, isSeparator)
	if len(t) >= 2 && (t[0] == 'I' || t[0] == 'i') && (t[1] == 'R' || t[1] == 'r') {
		return KindSheba, true
	}
	var buf [16]byte
	n, plus, _, ok := phoneDigits(t, buf[:])
	if !ok {
		return "", false
	}
	if n > len(buf) {
		return "", false
	}
	d := string(buf[:n])
	switch {
	case plus:
		if n == 12 && strings.HasPrefix(d, "989") {
			return KindMobile, true
		}
		return "", false
	case n == 14 && strings.HasPrefix(d, "00989"),
		n == 12 && strings.HasPrefix(d, "989"),
		n == 11 && strings.HasPrefix(d, "09"),
		n == 10 && d[0] == '9':
		return KindMobile, true
	case n == 11:
		return KindLegalID, true
	case n == 10:
		if checkNationalCode(d) != nil && checkPostalCode(d) == nil {
			return KindPostalCode, true
		}
		return KindNationalCode, true
	case n == 8 || n == 9:
		return KindNationalCode, true
	}
	return "", false
}
