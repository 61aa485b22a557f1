package iran

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// idCase is one row of an identifier table: the input, and either the
// canonical form or the ValidationError code expected.
type idCase struct {
	name     string
	in       string
	want     string
	wantCode string
}

// runIDCases runs normalize over the rows and checks kind, code and both
// reasons of every rejection.
func runIDCases(t *testing.T, kind Kind, normalize func(string) (string, error), cases []idCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := normalize(tc.in)
			if tc.wantCode == "" {
				if err != nil {
					t.Fatalf("%q: unexpected error: %v", tc.in, err)
				}
				if got != tc.want {
					t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
				}
				return
			}
			ve := asValidationError(t, err)
			if got != "" {
				t.Errorf("%q: got %q alongside an error", tc.in, got)
			}
			if ve.Kind != kind || ve.Code != tc.wantCode {
				t.Errorf("%q: got %s/%s (%s), want %s/%s", tc.in, ve.Kind, ve.Code, ve.En, kind, tc.wantCode)
			}
			checkReasons(t, ve)
		})
	}
}

func asValidationError(t *testing.T, err error) *ValidationError {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got error %v (%T), want a *ValidationError", err, err)
	}
	return ve
}

// checkReasons checks that both reasons are present, that the Persian one
// is written with Persian digits, and that Error carries the English one.
func checkReasons(t *testing.T, ve *ValidationError) {
	t.Helper()
	if ve.En == "" || ve.Fa == "" {
		t.Errorf("missing reason: %+v", ve)
	}
	if strings.ContainsAny(stripQuoted(ve.Fa), "0123456789") {
		t.Errorf("Persian reason has ASCII digits: %q", ve.Fa)
	}
	if want := string(ve.Kind) + ": " + ve.En; ve.Error() != want {
		t.Errorf("Error() = %q, want %q", ve.Error(), want)
	}
}

// stripQuoted removes the «quoted» user input from a Persian reason, which
// is shown as it was typed.
func stripQuoted(s string) string {
	for {
		i := strings.Index(s, "«")
		j := strings.Index(s, "»")
		if i < 0 || j < i {
			return s
		}
		s = s[:i] + s[j+len("»"):]
	}
}

func TestNormalizeNationalCode(t *testing.T) {
	runIDCases(t, KindNationalCode, NormalizeNationalCode, []idCase{
		{name: "canonical", in: "0499370899", want: "0499370899"},
		{name: "persian digits", in: "۰۴۹۹۳۷۰۸۹۹", want: "0499370899"},
		{name: "arabic-indic digits", in: "٠٤٩٩٣٧٠٨٩٩", want: "0499370899"},
		{name: "dashes and spaces", in: " 049-937089-9 ", want: "0499370899"},
		{name: "direction marks", in: "\u200f0499370899\u200e", want: "0499370899"},
		{name: "check digit zero or one", in: "0000000019", want: "0000000019"},
		{name: "empty", in: "", wantCode: CodeEmpty},
		{name: "only separators", in: " - ", wantCode: CodeEmpty},
		{name: "latin letter", in: "04993708a9", wantCode: CodeNonDigit},
		{name: "slash", in: "049/9370899", wantCode: CodeNonDigit},
		{name: "nine digits", in: "499370899", wantCode: CodeLength},
		{name: "eight digits", in: "99370899", wantCode: CodeLength},
		{name: "eleven digits", in: "04993708990", wantCode: CodeLength},
		{name: "zeros", in: "0000000000", wantCode: CodeSameDigits},
		{name: "ones", in: "1111111111", wantCode: CodeSameDigits},
		{name: "nines persian", in: "۹۹۹۹۹۹۹۹۹۹", wantCode: CodeSameDigits},
		{name: "wrong check digit", in: "0499370898", wantCode: CodeChecksum},
		{name: "swapped digits", in: "4099370899", wantCode: CodeChecksum},
	})
}

func TestNationalCodeReasons(t *testing.T) {
	cases := []struct {
		name, in, wantFa, wantEn string
	}{
		{
			name:   "missing leading zeros",
			in:     "99370899",
			wantFa: "کد ملی باید ۱۰ رقم باشد؛ ۸ رقم وارد شده است. صفرهای ابتدای کد را هم وارد کنید.",
			wantEn: "a national code must have 10 digits; 8 were given; include the leading zeros",
		},
		{
			name:   "too long",
			in:     "049937089912",
			wantFa: "کد ملی باید ۱۰ رقم باشد؛ ۱۲ رقم وارد شده است.",
			wantEn: "a national code must have 10 digits; 12 were given",
		},
		{
			name:   "names the character",
			in:     "0499x70899",
			wantFa: "کد ملی فقط از رقم تشکیل می‌شود؛ «x» رقم نیست.",
			wantEn: `a national code may contain only digits; "x" is not a digit`,
		},
		{
			name:   "invisible character shown by code point",
			in:     "0499\u200d370899",
			wantFa: "کد ملی فقط از رقم تشکیل می‌شود؛ «U+200D» رقم نیست.",
			wantEn: `a national code may contain only digits; "U+200D" is not a digit`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NormalizeNationalCode(tc.in)
			ve := asValidationError(t, err)
			if diff := cmp.Diff([]string{tc.wantFa, tc.wantEn}, []string{ve.Fa, ve.En}); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNationalCodeGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		first9 := fmt.Sprintf("%09d", rng.IntN(1_000_000_000))
		cd := NationalCodeCheckDigit(first9)
		code := first9 + fmt.Sprint(cd)
		got, err := NormalizeNationalCode(code)
		if sameDigits(code) {
			if err == nil {
				t.Errorf("%s: accepted ten identical digits", code)
			}
			continue
		}
		if err != nil || got != code {
			t.Fatalf("%s: got %q, %v", code, got, err)
		}
		wrong := first9 + fmt.Sprint((cd+1+rng.IntN(9))%10)
		if _, err := NormalizeNationalCode(wrong); asValidationError(t, err).Code != CodeChecksum {
			t.Errorf("%s: got %v, want a checksum error", wrong, err)
		}
	}
}

func TestCheckDigitsRejectBadInput(t *testing.T) {
	for _, in := range []string{"", "12345678", "1234567890", "12345678x", "۱۲۳۴۵۶۷۸۹"} {
		if got := NationalCodeCheckDigit(in); got != -1 {
			t.Errorf("NationalCodeCheckDigit(%q) = %d, want -1", in, got)
		}
	}
	for _, in := range []string{"", "123456789", "12345678901", "123456789x"} {
		if got := LegalIDCheckDigit(in); got != -1 {
			t.Errorf("LegalIDCheckDigit(%q) = %d, want -1", in, got)
		}
	}
	for _, in := range []string{"", "296000000010032420000", "29600000001003242000011", "296000000010032420000x"} {
		if got := ShebaCheckDigits(in); got != "" {
			t.Errorf("ShebaCheckDigits(%q) = %q, want \"\"", in, got)
		}
	}
}

func TestNormalizeLegalID(t *testing.T) {
	runIDCases(t, KindLegalID, NormalizeLegalID, []idCase{
		{name: "canonical", in: "10380284790", want: "10380284790"},
		{name: "persian digits", in: "۱۰۳۸۰۲۸۴۷۹۰", want: "10380284790"},
		{name: "arabic-indic digits", in: "١٠٣٨٠٢٨٤٧٩٠", want: "10380284790"},
		{name: "spaces", in: "103 802 847 90", want: "10380284790"},
		{name: "empty", in: "   ", wantCode: CodeEmpty},
		{name: "letter", in: "1038028479O", wantCode: CodeNonDigit},
		{name: "ten digits", in: "1038028479", wantCode: CodeLength},
		{name: "twelve digits", in: "103802847901", wantCode: CodeLength},
		{name: "all zero", in: "00000000000", wantCode: CodeAllZero},
		{name: "wrong check digit", in: "10380284791", wantCode: CodeChecksum},
	})
}

func TestLegalIDGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 2000; i++ {
		first10 := fmt.Sprintf("%010d", rng.Int64N(10_000_000_000))
		cd := LegalIDCheckDigit(first10)
		id := first10 + fmt.Sprint(cd)
		if id == "00000000000" {
			continue
		}
		if got, err := NormalizeLegalID(id); err != nil || got != id {
			t.Fatalf("%s: got %q, %v", id, got, err)
		}
		wrong := first10 + fmt.Sprint((cd+1+rng.IntN(9))%10)
		if _, err := NormalizeLegalID(wrong); asValidationError(t, err).Code != CodeChecksum {
			t.Errorf("%s: got %v, want a checksum error", wrong, err)
		}
	}
}

// TestLegalIDAlgorithm recomputes the well-known example by hand, so that
// the table above does not rest on the implementation alone.
func TestLegalIDAlgorithm(t *testing.T) {
	// 10380284790: d = 9 + 2 = 11.
	digits := []int{1, 0, 3, 8, 0, 2, 8, 4, 7, 9}
	weights := []int{29, 27, 23, 19, 17, 29, 27, 23, 19, 17}
	sum := 0
	for i := range digits {
		sum += (digits[i] + 11) * weights[i]
	}
	if r := sum % 11; r != 0 {
		t.Fatalf("hand computation gives %d, want the check digit 0", r)
	}
	if got := LegalIDCheckDigit("1038028479"); got != 0 {
		t.Errorf("LegalIDCheckDigit = %d, want 0", got)
	}
	// 0499370899: 0·10+4·9+9·8+9·7+3·6+7·5+0·4+8·3+9·2 = 266, 266 mod 11 = 2, 11 − 2 = 9.
	if got := NationalCodeCheckDigit("049937089"); got != 9 {
		t.Errorf("NationalCodeCheckDigit = %d, want 9", got)
	}
}

func TestNormalizePostalCode(t *testing.T) {
	runIDCases(t, KindPostalCode, NormalizePostalCode, []idCase{
		{name: "canonical", in: "1314512345", want: "1314512345"},
		{name: "dash between groups", in: "13145-12345", want: "1314512345"},
		{name: "space between groups", in: "13145 12345", want: "1314512345"},
		{name: "persian digits and dash", in: "۱۳۱۴۵-۱۲۳۴۵", want: "1314512345"},
		{name: "arabic-indic digits", in: "١٣١٤٥١٢٣٤٥", want: "1314512345"},
		{name: "zero and two in the last five", in: "1314520200", want: "1314520200"},
		{name: "three identical at the start", in: "1113512345", want: "1113512345"},
		{name: "empty", in: "", wantCode: CodeEmpty},
		{name: "letter", in: "13145-1234a", wantCode: CodeNonDigit},
		{name: "nine digits", in: "131451234", wantCode: CodeLength},
		{name: "zero in first five", in: "1304512345", wantCode: CodeForbiddenDigit},
		{name: "two in first five", in: "1314212345", wantCode: CodeForbiddenDigit},
		{name: "four identical at the start", in: "1111512345", wantCode: CodeRepeatedStart},
	})
}

func TestMobileLengthReasons(t *testing.T) {
	cases := []struct {
		name, in, wantFa, wantEn string
	}{
		{
			name:   "national form",
			in:     "0912345678",
			wantFa: "شماره همراه باید ۱۱ رقم باشد و با ۰۹ شروع شود؛ ۱۰ رقم وارد شده است.",
			wantEn: "a mobile number has 11 digits starting with 09; 10 were given",
		},
		{
			name:   "international form",
			in:     "+98 912 345 678",
			wantFa: "شماره همراه پس از کد کشور ۹۸ باید ۱۰ رقم باشد و با ۹ شروع شود؛ ۹ رقم وارد شده است.",
			wantEn: "after the country code 98 a mobile number has 10 digits starting with 9; 9 were given",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NormalizeMobile(tc.in)
			ve := asValidationError(t, err)
			if diff := cmp.Diff([]string{tc.wantFa, tc.wantEn}, []string{ve.Fa, ve.En}); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPostalCodeReason(t *testing.T) {
	_, err := NormalizePostalCode("13045-12345")
	ve := asValidationError(t, err)
	want := []string{
		"در پنج رقم اول کد پستی رقم ۰ یا ۲ نمی‌آید، اما رقم سوم آن ۰ است.",
		"the first five digits of a postal code contain no 0 or 2, but digit 3 is 0",
	}
	if diff := cmp.Diff(want, []string{ve.Fa, ve.En}); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
}

func TestNormalizeMobile(t *testing.T) {
	runIDCases(t, KindMobile, NormalizeMobile, []idCase{
		{name: "canonical", in: "09123456789", want: "09123456789"},
		{name: "without zero", in: "9123456789", want: "09123456789"},
		{name: "plus 98", in: "+989123456789", want: "09123456789"},
		{name: "0098", in: "00989123456789", want: "09123456789"},
		{name: "98", in: "989123456789", want: "09123456789"},
		{name: "plus 98 with trunk zero", in: "+98 0912 345 6789", want: "09123456789"},
		{name: "98 with trunk zero", in: "9809123456789", want: "09123456789"},
		{name: "grouped with parentheses", in: "+98 (912) 345-6789", want: "09123456789"},
		{name: "persian digits", in: "۰۹۱۲۳۴۵۶۷۸۹", want: "09123456789"},
		{name: "arabic-indic digits", in: "٠٩١٢٣٤٥٦٧٨٩", want: "09123456789"},
		{name: "persian with plus", in: "+۹۸۹۳۵۱۲۳۴۵۶۷", want: "09351234567"},
		{name: "spaces", in: " 0912 345 6789 ", want: "09123456789"},
		{name: "shatel 0998", in: "9981234567", want: "09981234567"},
		{name: "empty", in: "", wantCode: CodeEmpty},
		{name: "only plus", in: "+", wantCode: CodeEmpty},
		{name: "letter", in: "0912345678x", wantCode: CodeNonDigit},
		{name: "plus in the middle", in: "0912+3456789", wantCode: CodeNonDigit},
		{name: "other country", in: "+44 7700 900123", wantCode: CodeCountry},
		{name: "other country 00", in: "0044 7700 900123", wantCode: CodeCountry},
		{name: "landline", in: "02112345678", wantCode: CodeFormat},
		{name: "too short", in: "0912345678", wantCode: CodeLength},
		{name: "too long", in: "091234567890", wantCode: CodeLength},
		{name: "far too long", in: "0912345678901234567890", wantCode: CodeLength},
		{name: "international too short", in: "+98 912 345 678", wantCode: CodeLength},
		{name: "unknown prefix", in: "09701234567", wantCode: CodePrefix},
		{name: "unknown prefix international", in: "+989401234567", wantCode: CodePrefix},
	})
}

// operatorPrefixes is the table of FACTS.md written out independently of
// the implementation.
func operatorPrefixes() map[string][]int {
	span := func(a, b int) []int {
		var s []int
		for i := a; i <= b; i++ {
			s = append(s, i)
		}
		return s
	}
	return map[string][]int{
		"mci":      append(span(910, 919), span(990, 996)...),
		"irancell": append(append(span(900, 905), 930, 933, 941), span(935, 939)...),
		"rightel":  span(920, 923),
		"taliya":   {932},
		"shatel":   {998},
		"aptel":    {999},
	}
}

func TestMobileOperators(t *testing.T) {
	owner := map[int]string{}
	for code, prefixes := range operatorPrefixes() {
		for _, p := range prefixes {
			owner[p] = code
		}
	}
	for p := 900; p <= 999; p++ {
		number := fmt.Sprintf("0%d1234567", p)
		t.Run(number[:4], func(t *testing.T) {
			got, err := NormalizeMobile(number)
			op, ok := MobileOperator(number)
			want, known := owner[p]
			if !known {
				if ok || asValidationError(t, err).Code != CodePrefix {
					t.Errorf("%s: got operator %v, error %v; want a prefix error", number, op, err)
				}
				return
			}
			if err != nil || got != number {
				t.Fatalf("%s: got %q, %v", number, got, err)
			}
			if !ok || op.Code != want || op.Fa == "" || op.En == "" {
				t.Errorf("%s: got %+v, %v; want %s", number, op, ok, want)
			}
		})
	}
}

func TestMobileOperatorNames(t *testing.T) {
	got, _ := MobileOperator("09121234567")
	want := Operator{Code: "mci", Fa: "همراه اول", En: "MCI (Hamrah-e Avval)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MobileOperator (-want +got):\n%s", diff)
	}
	for _, in := range []string{"", "9121234567", "+989121234567", "0912123456x", "19121234567"} {
		if op, ok := MobileOperator(in); ok {
			t.Errorf("MobileOperator(%q) = %+v, want false for a non-canonical number", in, op)
		}
	}
}

func TestNormalizeSheba(t *testing.T) {
	runIDCases(t, KindSheba, NormalizeSheba, []idCase{
		{name: "canonical", in: "IR062960000000100324200001", want: "IR062960000000100324200001"},
		{name: "lower case", in: "ir062960000000100324200001", want: "IR062960000000100324200001"},
		{name: "groups of four", in: "IR06 2960 0000 0010 0324 2000 01", want: "IR062960000000100324200001"},
		{name: "persian digits", in: "IR۰۶۲۹۶۰۰۰۰۰۰۰۱۰۰۳۲۴۲۰۰۰۰۱", want: "IR062960000000100324200001"},
		{name: "arabic-indic digits and spaces", in: " ir٠٦ ٢٩٦٠ ٠٠٠٠ ٠٠١٠ ٠٣٢٤ ٢٠٠٠ ٠١ ", want: "IR062960000000100324200001"},
		{name: "empty", in: " ", wantCode: CodeEmpty},
		{name: "no country code", in: "062960000000100324200001", wantCode: CodeCountry},
		{name: "other country", in: "DE89370400440532013000", wantCode: CodeCountry},
		{name: "letter in the digits", in: "IR06296000000010032420000A", wantCode: CodeNonDigit},
		{name: "too short", in: "IR0629600000001003242000", wantCode: CodeLength},
		{name: "too long", in: "IR0629600000001003242000011", wantCode: CodeLength},
		{name: "wrong check digits", in: "IR072960000000100324200001", wantCode: CodeChecksum},
		{name: "mistyped digit", in: "IR062960000000100324200002", wantCode: CodeChecksum},
	})
}

// TestShebaAlgorithm verifies the example by ISO 7064 mod 97 with big
// arithmetic done digit by digit on the rearranged string.
func TestShebaAlgorithm(t *testing.T) {
	const sheba = "IR062960000000100324200001"
	rearranged := sheba[4:] + "1827" + sheba[2:4]
	rem := 0
	for _, c := range rearranged {
		rem = (rem*10 + int(c-'0')) % 97
	}
	if rem != 1 {
		t.Fatalf("%s: remainder %d, want 1", sheba, rem)
	}
	if got := ShebaCheckDigits(sheba[4:]); got != "06" {
		t.Errorf("ShebaCheckDigits = %q, want 06", got)
	}
	if got := ShebaBankCode(sheba); got != "296" {
		t.Errorf("ShebaBankCode = %q, want 296", got)
	}
	for _, in := range []string{"", "IR06", "IR06ab"} {
		if got := ShebaBankCode(in); got != "" {
			t.Errorf("ShebaBankCode(%q) = %q, want \"\"", in, got)
		}
	}
}

func TestShebaGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 2000; i++ {
		bban := fmt.Sprintf("0%02d%019d", rng.IntN(100), rng.Uint64()%10_000_000_000_000_000_000)
		sheba := "IR" + ShebaCheckDigits(bban) + bban
		if got, err := NormalizeSheba(sheba); err != nil || got != sheba {
			t.Fatalf("%s: got %q, %v", sheba, got, err)
		}
		if got := ShebaBankCode(sheba); got != bban[:3] {
			t.Errorf("%s: bank code %q, want %q", sheba, got, bban[:3])
		}
		// Changing one digit always breaks mod 97.
		pos := 4 + rng.IntN(22)
		wrong := []byte(sheba)
		wrong[pos] = '0' + (wrong[pos]-'0'+1+byte(rng.IntN(9)))%10
		if _, err := NormalizeSheba(string(wrong)); asValidationError(t, err).Code != CodeChecksum {
			t.Errorf("%s: got %v, want a checksum error", wrong, err)
		}
	}
}

func TestNormalizeDispatch(t *testing.T) {
	valid := map[Kind]string{
		KindNationalCode: "0499370899",
		KindLegalID:      "10380284790",
		KindPostalCode:   "1314512345",
		KindMobile:       "09123456789",
		KindSheba:        "IR062960000000100324200001",
	}
	for _, k := range Kinds() {
		t.Run(string(k), func(t *testing.T) {
			got, err := Normalize(k, valid[k])
			if err != nil || got != valid[k] {
				t.Errorf("got %q, %v", got, err)
			}
			_, err = Normalize(k, "")
			if ve := asValidationError(t, err); ve.Kind != k || ve.Code != CodeEmpty {
				t.Errorf("empty: got %+v", ve)
			}
			if k.FaName() == "" {
				t.Errorf("no Persian name")
			}
		})
	}
	_, err := Normalize("passport", "X123")
	if ve := asValidationError(t, err); ve.Code != CodeKind {
		t.Errorf("unknown kind: got %+v", ve)
	}
}

func TestParseKind(t *testing.T) {
	cases := []struct {
		name, in string
		want     Kind
		wantErr  bool
	}{
		{name: "national code", in: "national-code", want: KindNationalCode},
		{name: "upper case and underscore", in: " National_Code ", want: KindNationalCode},
		{name: "legal id", in: "legal-id", want: KindLegalID},
		{name: "postal code", in: "postal-code", want: KindPostalCode},
		{name: "mobile", in: "MOBILE", want: KindMobile},
		{name: "sheba", in: "sheba", want: KindSheba},
		{name: "unknown", in: "passport", wantErr: true},
		{name: "empty", in: "", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseKind(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("ParseKind(%q) = %q, %v", tc.in, got, err)
			}
		})
	}
}

func TestInferKind(t *testing.T) {
	cases := []struct {
		name, in string
		want     Kind
		ok       bool
	}{
		{name: "sheba", in: "IR062960000000100324200001", want: KindSheba, ok: true},
		{name: "sheba lower case with spaces", in: " ir06 2960", want: KindSheba, ok: true},
		{name: "mobile 09", in: "09123456789", want: KindMobile, ok: true},
		{name: "mobile persian", in: "۰۹۱۲۳۴۵۶۷۸۹", want: KindMobile, ok: true},
		{name: "mobile 9", in: "9123456789", want: KindMobile, ok: true},
		{name: "mobile plus", in: "+98 912 345 6789", want: KindMobile, ok: true},
		{name: "mobile 0098", in: "00989123456789", want: KindMobile, ok: true},
		{name: "mobile 98", in: "989123456789", want: KindMobile, ok: true},
		{name: "legal id", in: "10380284790", want: KindLegalID, ok: true},
		{name: "national code", in: "0499370899", want: KindNationalCode, ok: true},
		{name: "national code arabic-indic", in: "٠٤٩٩٣٧٠٨٩٩", want: KindNationalCode, ok: true},
		{name: "national code failing both", in: "0499370898", want: KindNationalCode, ok: true},
		{name: "national code without zeros", in: "499370899", want: KindNationalCode, ok: true},
		{name: "postal code", in: "1314512345", want: KindPostalCode, ok: true},
		{name: "postal code with dash", in: "13145-12345", want: KindPostalCode, ok: true},
		{name: "empty", in: ""},
		{name: "words", in: "hello"},
		{name: "plus other country", in: "+447700900123"},
		{name: "seven digits", in: "1234567"},
		{name: "twenty digits", in: "12345678901234567890"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := InferKind(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("InferKind(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestNormalizeIdempotent(t *testing.T) {
	inputs := []string{
		"۰۴۹۹۳۷۰۸۹۹", "۱۰۳۸۰۲۸۴۷۹۰", "۱۳۱۴۵-۱۲۳۴۵", "+98 (912) 345-6789", "ir06 2960 0000 0010 0324 2000 01",
	}
	for _, in := range inputs {
		k, ok := InferKind(in)
		if !ok {
			t.Fatalf("%q: no kind", in)
		}
		once, err := Normalize(k, in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		twice, err := Normalize(k, once)
		if err != nil || twice != once {
			t.Errorf("%q: once %q, twice %q, %v", in, once, twice, err)
		}
	}
}

func TestValidPathDoesNotAllocate(t *testing.T) {
	cases := map[string]func() (string, error){
		"national code": func() (string, error) { return NormalizeNationalCode("0499370899") },
		"legal id":      func() (string, error) { return NormalizeLegalID("10380284790") },
		"postal code":   func() (string, error) { return NormalizePostalCode("1314512345") },
		"mobile":        func() (string, error) { return NormalizeMobile("09123456789") },
		"sheba":         func() (string, error) { return NormalizeSheba("IR062960000000100324200001") },
	}
	for name, f := range cases {
		if n := testing.AllocsPerRun(100, func() { _, _ = f() }); n != 0 {
			t.Errorf("%s: %v allocations on canonical input, want 0", name, n)
		}
	}
}
