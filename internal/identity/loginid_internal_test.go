package identity

import (
	"strings"
	"testing"
)

// TestNormalizeLoginID: the login form takes any of the three kinds of
// identifier, told apart by the number of digits typed, whatever
// separators and digits (Persian, Arabic-Indic) came with them.
func TestNormalizeLoginID(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{in: "0012345679", want: "0012345679"},
		{in: " 001 234 5679 ", want: "0012345679"},
		{in: "001-234567-9", want: "0012345679"},
		{in: "۰۰۱-۲۳۴۵۶۷-۹", want: "0012345679"},
		{in: "10101234565", want: "10101234565"},
		{in: "1010-123-4565", want: "10101234565"},
		{in: "198712345601", want: "198712345601"},
		{in: "1987-1234-5601", want: "198712345601"},
		{in: "001-234567-8", err: "check digit"},
		{in: "0012345", err: "10 digits"},
		// Too long for any: the reason names all three, not the
		// national code's ten digits alone.
		{in: "1987123456012", err: "a national code has 10 digits, a legal national ID 11 and a foreign national identifier (FIDA) 12; 13 were given"},
		{in: "۱۹۸۷-۱۲۳۴-۵۶۰۱-۲۳", err: "14 were given"},
		{in: "ABCDEFGHIJ", err: "not a digit"},
	} {
		got, err := normalizeLoginID(c.in)
		switch {
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("normalizeLoginID(%q) = %q, %v; want %q", c.in, got, err, c.want)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("normalizeLoginID(%q) = %q, %v; want an error saying %q", c.in, got, err, c.err)
		}
	}
}
