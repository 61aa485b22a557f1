package iran

// NormalizeFIDA returns the foreign national identifier (FIDA, شناسهٔ
// فراگیر اتباع خارجی) in s as twelve ASCII digits. Persian and
// Arabic-Indic digits are accepted, and spaces, hyphens and other
// separators skipped, as for the other identifiers. A FIDA has no
// published check digit, so only its digits and their number are
// checked.
func NormalizeFIDA(s string) (string, error) {
	var buf [12]byte
	if err := digitsError(KindFIDA, scanDigits(s, buf[:]), len(buf)); err != nil {
		return "", err
	}
	return string(buf[:]), nil
}
