package iran_test

import (
	"errors"
	"testing"

	"github.com/panjereh/panjereh/internal/iran"
)

func TestNormalizeFIDA(t *testing.T) {
	for _, c := range []struct {
		in, want, code, fa string
	}{
		{in: "198712345601", want: "198712345601"},
		{in: "۱۹۸۷-۱۲۳۴-۵۶۰۱", want: "198712345601"},
		{in: " 1987 1234 5601 ", want: "198712345601"},
		{in: "", code: iran.CodeEmpty, fa: "شناسهٔ فراگیر اتباع خارجی وارد نشده است."},
		{in: "19871234560", code: iran.CodeLength, fa: "شناسهٔ فراگیر اتباع خارجی باید ۱۲ رقم باشد؛ ۱۱ رقم وارد شده است."},
		{in: "1987123456012", code: iran.CodeLength},
		{in: "19871234560x", code: iran.CodeNonDigit},
	} {
		got, err := iran.NormalizeFIDA(c.in)
		var ve *iran.ValidationError
		switch {
		case c.code == "" && (err != nil || got != c.want):
			t.Errorf("NormalizeFIDA(%q) = %q, %v; want %q", c.in, got, err, c.want)
		case c.code != "" && (!errors.As(err, &ve) || ve.Code != c.code || c.fa != "" && ve.Fa != c.fa || ve.En == ""):
			t.Errorf("NormalizeFIDA(%q) = %q, %v; want the %s reason %q", c.in, got, err, c.code, c.fa)
		}
	}
}
