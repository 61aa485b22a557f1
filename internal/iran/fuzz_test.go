package iran

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// identifierSeeds are inputs for every identifier fuzzer: valid ones of
// each kind in their many written forms, and near misses.
var identifierSeeds = []string{
	"", " ", "-", "+", "0499370899", "۰۴۹۹۳۷۰۸۹۹", "٠٤٩٩٣٧٠٨٩٩", "049-937089-9", "499370899", "1111111111",
	"10380284790", "۱۰۳۸۰۲۸۴۷۹۰", "00000000000", "1314512345", "13145-12345", "۱۳۱۴۵ ۱۲۳۴۵", "1111512345",
	"09123456789", "9123456789", "+989123456789", "00989123456789", "989123456789", "+98 (912) 345-6789",
	"+98 0912 345 6789", "09701234567", "+447700900123", "IR062960000000100324200001",
	"ir06 2960 0000 0010 0324 2000 01", "IR۰۶۲۹۶۰۰۰۰۰۰۰۱۰۰۳۲۴۲۰۰۰۰۱", "DE89370400440532013000",
	"\u200f0499370899\u200e", "\xff\xfe", "IR", "ir\u200c",
}

// fuzzNormalizer checks that normalize never panics, that its output is
// canonical, and that normalising the output gives it back unchanged.
func fuzzNormalizer(f *testing.F, kind Kind, normalize func(string) (string, error), canonical func(string) bool) {
	for _, s := range identifierSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := normalize(s)
		if err != nil {
			ve, ok := err.(*ValidationError)
			if !ok || ve.Kind != kind || ve.Code == "" || ve.Fa == "" || ve.En == "" {
				t.Fatalf("%q: bad error %#v", s, err)
			}
			if out != "" {
				t.Fatalf("%q: output %q alongside an error", s, out)
			}
			return
		}
		if !canonical(out) {
			t.Fatalf("%q: output %q is not canonical", s, out)
		}
		again, err := normalize(out)
		if err != nil || again != out {
			t.Fatalf("%q: normalised %q, then %q, %v", s, out, again, err)
		}
		// Only mobile and Sheba numbers have shapes of their own: a legal ID
		// may start with 09, and national and postal codes share a shape.
		if k, ok := InferKind(out); (kind == KindMobile || kind == KindSheba) && (!ok || k != kind) {
			t.Fatalf("%q: InferKind(%q) = %q, %v", s, out, k, ok)
		}
	})
}

func digitsOfLen(n int) func(string) bool {
	return func(s string) bool { return len(s) == n && allASCIIDigits(s) }
}

func FuzzNormalizeNationalCode(f *testing.F) {
	fuzzNormalizer(f, KindNationalCode, NormalizeNationalCode, digitsOfLen(10))
}

func FuzzNormalizeLegalID(f *testing.F) {
	fuzzNormalizer(f, KindLegalID, NormalizeLegalID, digitsOfLen(11))
}

func FuzzNormalizePostalCode(f *testing.F) {
	fuzzNormalizer(f, KindPostalCode, NormalizePostalCode, digitsOfLen(10))
}

func FuzzNormalizeMobile(f *testing.F) {
	fuzzNormalizer(f, KindMobile, NormalizeMobile, func(s string) bool {
		_, ok := MobileOperator(s)
		return ok && strings.HasPrefix(s, "09") && digitsOfLen(11)(s)
	})
}

func FuzzNormalizeSheba(f *testing.F) {
	fuzzNormalizer(f, KindSheba, NormalizeSheba, func(s string) bool {
		return strings.HasPrefix(s, "IR") && digitsOfLen(24)(s[2:]) && ShebaBankCode(s) == s[4:7]
	})
}

// FuzzInferKind checks that InferKind never panics and that a kind it
// guesses can be validated.
func FuzzInferKind(f *testing.F) {
	for _, s := range identifierSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, ok := InferKind(s)
		if !ok {
			if k != "" {
				t.Fatalf("%q: kind %q without ok", s, k)
			}
			return
		}
		if _, err := ParseKind(string(k)); err != nil {
			t.Fatalf("%q: inferred unknown kind %q", s, k)
		}
		if _, err := Normalize(k, s); err != nil {
			if ve, ok := err.(*ValidationError); !ok || ve.Code == CodeKind {
				t.Fatalf("%q: %v", s, err)
			}
		}
	})
}

func FuzzParseKind(f *testing.F) {
	for _, s := range []string{"national-code", "LEGAL_ID", " sheba ", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKind(s)
		if err == nil {
			if again, err := ParseKind(string(k)); err != nil || again != k {
				t.Fatalf("%q: %q then %q, %v", s, k, again, err)
			}
		}
	})
}

var textSeeds = []string{
	"", " ", "علي كتابخانة", "خانۀ ما", "می\u200c\u200cروم", "می\u200c روم", "\u200cسلام\u200c", "تهـــران",
	"\u202bسلام\u202c", "ا\u0653ب", "مسي\u0654له", "ی\u200c\u0654", "کِتابٌ ۱۲۳ ٤٥ ABC", "\xff\xdb", "\u0130stanbul",
	" \t\n\u00a0", "ا\u0640\u0653", "ه\u0654\u0654",
}

func FuzzNormalizeText(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := NormalizeText(s)
		if twice := NormalizeText(once); twice != once {
			t.Fatalf("%q: once %q, twice %q", s, once, twice)
		}
		if strings.TrimSpace(once) != once || strings.Contains(once, "  ") {
			t.Fatalf("%q: %q is not trimmed and collapsed", s, once)
		}
		if !utf8.ValidString(once) {
			t.Fatalf("%q: invalid UTF-8 %q", s, once)
		}
	})
}

func FuzzFold(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Fold(s)
		if twice := Fold(once); twice != once {
			t.Fatalf("%q: once %q, twice %q", s, once, twice)
		}
		if viaText := Fold(NormalizeText(s)); viaText != once {
			t.Fatalf("%q: Fold %q, Fold of NormalizeText %q", s, once, viaText)
		}
		if strings.ContainsRune(once, zwnj) {
			t.Fatalf("%q: %q keeps a ZWNJ", s, once)
		}
	})
}

func FuzzDigits(f *testing.F) {
	for _, s := range append(textSeeds, identifierSeeds...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ascii := ToASCIIDigits(s)
		if got := ToASCIIDigits(ToPersianDigits(s)); got != ascii {
			t.Fatalf("%q: via Persian %q, direct %q", s, got, ascii)
		}
		if got := ToASCIIDigits(ascii); got != ascii {
			t.Fatalf("%q: ToASCIIDigits not idempotent: %q, %q", s, ascii, got)
		}
		persian := ToPersianDigits(s)
		if got := ToPersianDigits(persian); got != persian {
			t.Fatalf("%q: ToPersianDigits not idempotent: %q, %q", s, persian, got)
		}
		if strings.ContainsAny(persian, "0123456789") {
			t.Fatalf("%q: ASCII digits left in %q", s, persian)
		}
	})
}

func FuzzParseJalali(f *testing.F) {
	for _, s := range []string{"1403/09/28", "1403-9-28", "14030928", "۱۴۰۳/۰۹/۲۸", "1399/12/30", "1400/12/30",
		"", "1403/9", "9999/99/99", "1403.1.1", "-403/1/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseJalali(s)
		if err != nil {
			if _, ok := err.(*DateError); !ok {
				t.Fatalf("%q: error %T", s, err)
			}
			return
		}
		if again, err := ParseJalali(d.String()); err != nil || again != d {
			t.Fatalf("%q: %v, then %v, %v", s, d, again, err)
		}
		tm, err := FromJalali(d.Year, d.Month, d.Day, Tehran())
		if err != nil {
			t.Fatalf("%q: parsed %v but FromJalali says %v", s, d, err)
		}
		if back := ToJalali(tm); back != d {
			t.Fatalf("%q: %v → %v → %v", s, d, tm, back)
		}
	})
}

// FuzzToJalali checks the conversion both ways for any instant.
func FuzzToJalali(f *testing.F) {
	for _, sec := range []int64{0, 1734480000, -2208988800, 4102444800, -1 << 40, 1 << 40} {
		f.Add(sec)
	}
	f.Fuzz(func(t *testing.T, sec int64) {
		tm := time.Unix(sec, 0).In(Tehran())
		d := ToJalali(tm)
		if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > JalaliMonthDays(d.Year, d.Month) {
			t.Fatalf("%v: malformed %+v", tm, d)
		}
		if d.Year < MinJalaliYear || d.Year > MaxJalaliYear {
			return
		}
		start, err := FromJalali(d.Year, d.Month, d.Day, Tehran())
		if err != nil {
			t.Fatalf("%v: %v: %v", tm, d, err)
		}
		y, m, dd := tm.Date()
		if sy, sm, sd := start.Date(); sy != y || sm != m || sd != dd {
			t.Fatalf("%v: %v starts on %v", tm, d, start)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1991-08-03", "1370/05/12", "19910803", "1991/8/3", "2023-02-29", "9999/99/99", "1800/1/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		var de *DateError
		if err != nil && !errors.As(err, &de) || err == nil && !d.Valid() {
			t.Fatalf("%q: %v, %v", s, d, err)
		}
	})
}
