package iran

// NormalizeLegalID validates the national ID of a legal person (شناسه ملی
// اشخاص حقوقی) and returns it as 11 ASCII digits.
//
// Persian and Arabic-Indic digits are accepted, and spaces, dashes and
// direction marks are dropped. The last digit is the check digit: with
// d = digit[9] + 2 and r = Σ (digit[i] + d)·w[i] mod 11 over the weights
// 29, 27, 23, 19, 17, 29, 27, 23, 19, 17, where r = 10 counts as 0, it must
// equal r. Eleven zeros pass that check and are rejected with Code
// "all-zero".
func NormalizeLegalID(s string) (string, error) {
	if len(s) == 11 && allASCIIDigits(s) {
		if err := checkLegalID(s); err != nil {
			return "", err
		}
		return s, nil
	}
	var buf [11]byte
	sc := scanDigits(s, buf[:])
	if err := digitsError(KindLegalID, sc, len(buf)); err != nil {
		return "", err
	}
	d := string(buf[:])
	if err := checkLegalID(d); err != nil {
		return "", err
	}
	return d, nil
}

// checkLegalID checks eleven ASCII digits.
func checkLegalID(d string) *ValidationError {
	if d == "00000000000" {
		return invalid(KindLegalID, CodeAllZero,
			"a legal ID cannot be all zeros",
			"شناسه ملی نمی‌تواند فقط از صفر تشکیل شده باشد.")
	}
	if int(d[10]-'0') != LegalIDCheckDigit(d[:10]) {
		return invalid(KindLegalID, CodeChecksum,
			"the check digit of the legal ID does not match; a digit may be mistyped",
			"رقم کنترل شناسه ملی درست نیست؛ احتمالاً یکی از رقم‌ها اشتباه وارد شده است.")
	}
	return nil
}

// LegalIDCheckDigit returns the check digit that completes the ten ASCII
// digits first10 into a legal ID, or -1 when first10 is not ten ASCII
// digits. It is meant for generating test data.
func LegalIDCheckDigit(first10 string) int {
	if len(first10) != 10 || !allASCIIDigits(first10) {
		return -1
	}
	weights := [10]int{29, 27, 23, 19, 17, 29, 27, 23, 19, 17}
	d := int(first10[9]-'0') + 2
	sum := 0
	for i, w := range weights {
		sum += (int(first10[i]-'0') + d) * w
	}
	r := sum % 11
	if r == 10 {
		r = 0
	}
	return r
}
