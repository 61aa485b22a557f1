package iran

import (
	"testing"
	"unicode"
)

func TestNormalizeText(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{name: "empty", in: "", want: ""},
		{name: "already normal", in: "کتاب‌های من", want: "کتاب‌های من"},
		{name: "arabic yeh", in: "علي", want: "علی"},
		{name: "alef maksura", in: "موسى", want: "موسی"},
		{name: "arabic kaf", in: "كتاب", want: "کتاب"},
		{name: "teh marbuta", in: "مدرسة", want: "مدرسه"},
		{name: "heh with yeh above", in: "خانۀ ما", want: "خانهٔ ما"},
		{name: "tatweel", in: "تهـــران", want: "تهران"},
		{name: "bidi marks", in: "\u202bسلام\u202c \u200fدنیا\u200e\u2067!\u2069", want: "سلام دنیا!"},
		{name: "byte order mark", in: "\ufeffسلام", want: "سلام"},
		{name: "zwnj kept", in: "می‌روم", want: "می‌روم"},
		{name: "zwnj run collapsed", in: "می\u200c\u200cروم", want: "می‌روم"},
		{name: "zwnj next to space dropped", in: "می\u200c روم \u200cما", want: "می روم ما"},
		{name: "zwnj at the ends dropped", in: "\u200cسلام\u200c", want: "سلام"},
		{name: "zwnj across tatweel", in: "می\u200cـ\u200cروم", want: "می‌روم"},
		{name: "whitespace collapsed and trimmed", in: " \t سلام \n\u00a0 دنیا  ", want: "سلام دنیا"},
		{name: "digits kept", in: "۱۴۰۳ ٢٠ 2024", want: "۱۴۰۳ ٢٠ 2024"},
		{name: "harakat kept", in: "کِتاب", want: "کِتاب"},
		{name: "madda composed", in: "ا\u0653ب", want: "آب"},
		{name: "hamza on waw composed", in: "مو\u0654من", want: "مؤمن"},
		{name: "hamza on yeh composed", in: "مسي\u0654له", want: "مسئله"},
		{name: "hamza below composed", in: "ا\u0655سلام", want: "إسلام"},
		{name: "latin case kept", in: "Panjereh", want: "Panjereh"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := NormalizeText(tc.in); got != tc.want {
				t.Errorf("NormalizeText(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if got := NormalizeText(tc.want); got != tc.want {
				t.Errorf("not idempotent: NormalizeText(%q) = %q", tc.want, got)
			}
		})
	}
}

func TestFold(t *testing.T) {
	cases := []struct {
		name, a, b string
	}{
		{name: "arabic and persian letters", a: "علي كريمي", b: "علی کریمی"},
		{name: "zwnj joined", a: "می‌روم", b: "میروم"},
		{name: "digits", a: "پلاک ۱۲", b: "پلاک 12"},
		{name: "arabic-indic digits", a: "٣٤", b: "34"},
		{name: "harakat", a: "کِتابٌ", b: "کتاب"},
		{name: "superscript alef", a: "رحمٰن", b: "رحمن"},
		{name: "alef variants", a: "آیین أحمد إسلام", b: "ایین احمد اسلام"},
		{name: "waw and yeh with hamza", a: "مؤمن مسئله", b: "مومن مسیله"},
		{name: "heh with hamza", a: "خانۀ", b: "خانه"},
		{name: "latin case", a: "Tehran", b: "TEHRAN"},
		{name: "spacing", a: "  تهران \u200f ", b: "تهران"},
		{name: "decomposed madda", a: "ا\u0653ب", b: "آب"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fa, fb := Fold(tc.a), Fold(tc.b)
			if fa != fb {
				t.Errorf("Fold(%q) = %q, Fold(%q) = %q; want equal", tc.a, fa, tc.b, fb)
			}
			if again := Fold(fa); again != fa {
				t.Errorf("not idempotent: Fold(%q) = %q", fa, again)
			}
		})
	}
	if got, want := Fold(" آیین‌نامهٔ ۱۲۳ ABC "), "اییننامه 123 abc"; got != want {
		t.Errorf("Fold = %q, want %q", got, want)
	}
}

func TestDigits(t *testing.T) {
	cases := []struct {
		name, in, ascii, persian string
	}{
		{name: "empty", in: "", ascii: "", persian: ""},
		{name: "ascii", in: "1403/09/28", ascii: "1403/09/28", persian: "۱۴۰۳/۰۹/۲۸"},
		{name: "persian", in: "۱۴۰۳", ascii: "1403", persian: "۱۴۰۳"},
		{name: "arabic-indic", in: "٠١٢٣٤٥٦٧٨٩", ascii: "0123456789", persian: "٠١٢٣٤٥٦٧٨٩"},
		{name: "mixed text", in: "پلاک ۱۲ و 34", ascii: "پلاک 12 و 34", persian: "پلاک ۱۲ و ۳۴"},
		{name: "invalid utf-8 kept", in: "\xdb1\xff", ascii: "\xdb1\xff", persian: "\xdb۱\xff"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ToASCIIDigits(tc.in); got != tc.ascii {
				t.Errorf("ToASCIIDigits(%q) = %q, want %q", tc.in, got, tc.ascii)
			}
			if got := ToPersianDigits(tc.in); got != tc.persian {
				t.Errorf("ToPersianDigits(%q) = %q, want %q", tc.in, got, tc.persian)
			}
		})
	}
}

func TestTextDoesNotAllocateWhenNormal(t *testing.T) {
	const s = "کتاب‌های من در تهران"
	if n := testing.AllocsPerRun(100, func() { _ = NormalizeText(s) }); n != 0 {
		t.Errorf("NormalizeText: %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = ToASCIIDigits(s) }); n != 0 {
		t.Errorf("ToASCIIDigits: %v allocations, want 0", n)
	}
}

func TestIsSpaceMatchesUnicode(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		if isSpace(r) != unicode.IsSpace(r) {
			t.Errorf("isSpace(%U) = %v", r, isSpace(r))
		}
	}
}
