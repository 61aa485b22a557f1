package iran

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// The UTF-8 encodings of the Persian digits ۰-۹ (U+06F0-U+06F9) are
// 0xDB 0xB0-0xB9, and those of the Arabic-Indic digits ٠-٩ (U+0660-U+0669)
// are 0xD9 0xA0-0xA9. The digit functions work on bytes with these facts so
// that they never alter anything else, not even invalid UTF-8.
const (
	persianLead = 0xDB
	persianZero = 0xB0
	arabicLead  = 0xD9
	arabicZero  = 0xA0
)

// ToASCIIDigits replaces the Persian digits ۰-۹ and the Arabic-Indic digits
// ٠-٩ in s with 0-9 and leaves everything else unchanged.
func ToASCIIDigits(s string) string {
	first := -1
	for i := 0; i+1 < len(s); i++ {
		if isWideDigitAt(s, i) {
			first = i
			break
		}
	}
	if first < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:first]...)
	for i := first; i < len(s); i++ {
		if i+1 < len(s) && isWideDigitAt(s, i) {
			b = append(b, '0'+wideDigitValue(s[i], s[i+1]))
			i++
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// ToPersianDigits replaces the ASCII digits 0-9 in s with the Persian digits
// ۰-۹ and leaves everything else unchanged, including Arabic-Indic digits.
func ToPersianDigits(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if isASCIIDigit(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isASCIIDigit(c) {
			b = append(b, persianLead, persianZero+(c-'0'))
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

func isASCIIDigit(c byte) bool { return '0' <= c && c <= '9' }

// isWideDigitAt reports whether s[i:i+2] encodes a Persian or Arabic-Indic
// digit. The caller guarantees i+1 < len(s).
func isWideDigitAt(s string, i int) bool {
	switch s[i] {
	case persianLead:
		return persianZero <= s[i+1] && s[i+1] <= persianZero+9
	case arabicLead:
		return arabicZero <= s[i+1] && s[i+1] <= arabicZero+9
	}
	return false
}

func wideDigitValue(lead, cont byte) byte {
	if lead == persianLead {
		return cont - persianZero
	}
	return cont - arabicZero
}

// digitValue returns the value of an ASCII, Persian or Arabic-Indic digit.
func digitValue(r rune) (byte, bool) {
	switch {
	case '0' <= r && r <= '9':
		return byte(r - '0'), true
	case '۰' <= r && r <= '۹':
		return byte(r - '۰'), true
	case '٠' <= r && r <= '٩':
		return byte(r - '٠'), true
	}
	return 0, false
}

// allASCIIDigits reports whether s is non-empty and made only of 0-9.
func allASCIIDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isASCIIDigit(s[i]) {
			return false
		}
	}
	return true
}

// isSeparator reports whether r may appear between the digit groups of an
// identifier and is dropped: white space, dashes and the invisible
// direction marks that copying from right-to-left text tends to bring along.
func isSeparator(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212',
		'\uFEFF':
		return true
	}
	return isBidiMark(r) || unicode.IsSpace(r)
}

// isBidiMark reports whether r is an invisible bidirectional formatting
// character: LRM, RLM, the embeddings and overrides, and the isolates.
func isBidiMark(r rune) bool {
	return r == '\u200E' || r == '\u200F' ||
		('\u202A' <= r && r <= '\u202E') ||
		('\u2066' <= r && r <= '\u2069')
}

// digitScan is what scanDigits found in an identifier.
type digitScan struct {
	n   int  // digits seen, which may exceed the buffer
	bad rune // first rune that is neither a digit nor a separator
	has bool // whether bad is set
}

// scanDigits copies the digits of s, as ASCII, into buf and skips
// separators. It stops at the first rune that is neither.
func scanDigits(s string, buf []byte) digitScan {
	var sc digitScan
	for _, r := range s {
		if v, ok := digitValue(r); ok {
			if sc.n < len(buf) {
				buf[sc.n] = '0' + v
			}
			sc.n++
			continue
		}
		if isSeparator(r) {
			continue
		}
		sc.bad, sc.has = r, true
		return sc
	}
	return sc
}

// sameDigits reports whether every byte of s equals the first.
func sameDigits(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

// showRune renders r for a message: the character itself when it is
// visible, its code point otherwise.
func showRune(r rune) string {
	if r == utf8.RuneError || !unicode.IsGraphic(r) || unicode.IsSpace(r) || unicode.Is(unicode.Mn, r) {
		return fmt.Sprintf("U+%04X", r)
	}
	return string(r)
}

// faNumber formats n with Persian digits for Persian messages.
func faNumber(n int) string { return ToPersianDigits(strconv.Itoa(n)) }
