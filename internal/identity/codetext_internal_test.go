package identity

import (
	"strings"
	"testing"

	"github.com/panjereh/panjereh/internal/notify/smpp"
)

// TestCodeTextIsOneSMS: a code's SMS, the longest code in it, is sent as
// one SMS, not two, and carries the code in both of its languages' lines.
func TestCodeTextIsOneSMS(t *testing.T) {
	for _, purpose := range []string{PurposeLogin, PurposeMobile} {
		text := codeText(purpose, "123456")
		parts, err := smpp.EncodeUCS2(text, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != 1 {
			t.Errorf("%s: %q is %d SMS", purpose, text, len(parts))
		}
		if strings.Count(text, "123456") != 2 || !strings.Contains(text, "دولت من") || !strings.Contains(text, "my.gov.ir") {
			t.Errorf("%s: %q", purpose, text)
		}
	}
}
