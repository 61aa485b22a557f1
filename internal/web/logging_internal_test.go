package web

import "testing"

func TestMaskIdentifiers(t *testing.T) {
	for in, want := range map[string]string{
		"/registry/residence/0012345679":                "/registry/residence/001*****79",
		"/r1/IR/GOV/police/persons/0012345679/licences": "/r1/IR/GOV/police/persons/001*****79/licences",
		"/registry/legal-persons/10101234565":           "/registry/legal-persons/101******65",
		"/dev/sms/09121234567/and/198712345601":         "/dev/sms/091******67/and/198*******01",
		"/catalog/services/123456789":                   "/catalog/services/123456789", // nine digits: not masked
		"/account":                                      "/account",
		"/x/0012345679":                                 "/x/001*****79",
	} {
		if got := maskIdentifiers(in); got != want {
			t.Errorf("maskIdentifiers(%q) = %q, want %q", in, got, want)
		}
	}
}
