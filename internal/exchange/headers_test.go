package exchange_test

import (
	"net/http"
	"testing"

	"github.com/panjereh/panjereh/internal/exchange"
)

// The gateway sets and deletes its headers in the header maps directly,
// which holds only for canonical names.
func TestHeadersAreCanonical(t *testing.T) {
	for _, h := range []string{exchange.HeaderClient, exchange.HeaderUser, exchange.HeaderAssurance, exchange.HeaderSubject,
		exchange.HeaderTrackingCode, exchange.HeaderMessageID, exchange.HeaderRequestHash, exchange.HeaderService} {
		if got := http.CanonicalHeaderKey(h); got != h {
			t.Errorf("%s is not canonical: %s", h, got)
		}
	}
}
