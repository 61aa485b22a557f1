package iran

import (
	"unicode"
	"unicode/utf8"
)

const (
	zwnj        = '\u200C' // zero-width non-joiner, نیم‌فاصله
	hamzaAbove  = '\u0654'
	farsiYeh    = '\u06CC' // ی
	keheh       = '\u06A9' // ک
	heh         = '\u0647' // ه
	alef        = '\u0627' // ا
	textBufSize = 256      // inputs up to this size are checked without allocating
)

// NormalizeText prepares Persian text for storage and display:
//
//   - the Arabic letters ي and ى become the Persian ی, ك becomes ک, ة
//     becomes ه, and ۀ becomes ه followed by the hamza above (هٔ);
//   - a letter followed by a combining madda or hamza that Unicode composes
//     into one character is composed (ا + ٓ → آ, و + ٔ → ؤ, ی + ٔ → ئ),
//     which is what NFC does for Persian text;
//   - the tatweel (ـ), the byte order mark and the invisible direction
//     marks (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) are removed;
//   - the zero-width non-joiner (نیم‌فاصله) is kept, but runs of it become
//     one and it is dropped next to white space and at the ends, where it
//     has no effect;
//   - runs of white space become one space, and the ends are trimmed.
//
// Digits are left as they are: display text keeps the digits its author
// chose. NormalizeText is idempotent.
func NormalizeText(s string) string { return normalizeText(s, false) }

// Fold returns a key for comparing and searching Persian text: two strings
// that a reader would take for the same words fold to the same key. On top
// of NormalizeText it removes the zero-width non-joiner (joining the
// parts), turns Persian and Arabic-Indic digits into ASCII, removes the
// harakat (U+064B–U+065F, U+0670), writes آ, أ and إ as ا, ؤ as و and ئ as
// ی, and lower-cases letters. Fold is idempotent; its result is for
// comparison, not for display.
func Fold(s string) string { return normalizeText(s, true) }

// normalizeText does the work of NormalizeText and Fold in one pass.
// Removed characters are transparent: what surrounds them is treated as
// adjacent, which keeps both functions idempotent.
func normalizeText(s string, fold bool) string {
	var stack [textBufSize]byte
	out := stack[:0]
	pendingSpace, pendingZWNJ := false, false
	for _, r := range s {
		switch {
		case isSpace(r):
			pendingSpace, pendingZWNJ = true, false
			continue
		case r == zwnj:
			if !fold && !pendingSpace && len(out) > 0 {
				pendingZWNJ = true
			}
			continue
		case r == '\u0640' || r == '\uFEFF' || isBidiMark(r):
			continue
		case fold && isHaraka(r):
			continue
		}
		if !fold && !pendingSpace && !pendingZWNJ && len(out) > 0 {
			if composed, ok := compose(out, r); ok {
				out = out[:len(out)-2]
				out = utf8.AppendRune(out, composed)
				continue
			}
		}
		if len(out) > 0 {
			if pendingSpace {
				out = append(out, ' ')
			} else if pendingZWNJ {
				out = utf8.AppendRune(out, zwnj)
			}
		}
		pendingSpace, pendingZWNJ = false, false
		out = appendMapped(out, r, fold)
	}
	if string(out) == s {
		return s
	}
	return string(out)
}

// appendMapped appends the normalised form of r.
func appendMapped(out []byte, r rune, fold bool) []byte {
	switch r {
	case '\u064A', '\u0649': // ي ى
		r = farsiYeh
	case '\u0643': // ك
		r = keheh
	case '\u0629': // ة
		r = heh
	case '\u06C0': // ۀ
		if fold {
			return utf8.AppendRune(out, heh)
		}
		return utf8.AppendRune(utf8.AppendRune(out, heh), hamzaAbove)
	}
	if fold {
		switch r {
		case '\u0622', '\u0623', '\u0625': // آ أ إ
			r = alef
		case '\u0624': // ؤ
			r = '\u0648'
		case '\u0626': // ئ
			r = farsiYeh
		default:
			if v, ok := digitValue(r); ok {
				r = rune('0' + v)
			} else if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			} else if r >= utf8.RuneSelf && !isArabicScript(r) {
				r = unicode.ToLower(r)
			}
		}
	}
	return utf8.AppendRune(out, r)
}

// compose combines the last character of out with the combining mark r
// when Unicode has one character for the pair. All the bases involved are
// two bytes long in UTF-8.
func compose(out []byte, r rune) (rune, bool) {
	if r != '\u0653' && r != hamzaAbove && r != '\u0655' {
		return 0, false
	}
	base, size := utf8.DecodeLastRune(out)
	if size != 2 {
		return 0, false
	}
	switch {
	case base == alef && r == '\u0653':
		return '\u0622', true // آ
	case base == alef && r == hamzaAbove:
		return '\u0623', true // أ
	case base == alef && r == '\u0655':
		return '\u0625', true // إ
	case base == '\u0648' && r == hamzaAbove:
		return '\u0624', true // ؤ
	case base == farsiYeh && r == hamzaAbove:
		return '\u0626', true // ئ
	}
	return 0, false
}

// isHaraka reports whether r is an Arabic diacritic that Fold removes.
func isHaraka(r rune) bool {
	return ('\u064B' <= r && r <= '\u065F') || r == '\u0670'
}

// isArabicScript reports whether r lies in the Arabic blocks, which have no
// letter case; Fold skips the case tables for them.
func isArabicScript(r rune) bool {
	return ('\u0600' <= r && r <= '\u06FF') || ('\uFB50' <= r && r <= '\uFEFF')
}

// isSpace is unicode.IsSpace without the table search: the characters with
// the Unicode White_Space property.
func isSpace(r rune) bool {
	if r < 0x80 {
		return r == ' ' || ('\t' <= r && r <= '\r')
	}
	switch r {
	case '\u0085', '\u00A0', '\u1680', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000':
		return true
	}
	return '\u2000' <= r && r <= '\u200A'
}
