package nix_test

import (
	"net/http"
	"testing"

	"github.com/panjereh/panjereh/nix"
)

// The gateway sets and deletes its headers in the header maps directly,
// which holds only for canonical names.
func TestHeadersAreCanonical(t *testing.T) {
	for _, h := range []string{nix.HeaderClient, nix.HeaderUser, nix.HeaderAssurance, nix.HeaderSubject,
		nix.HeaderTrackingCode, nix.HeaderMessageID, nix.HeaderRequestHash, nix.HeaderService} {
		if got := http.CanonicalHeaderKey(h); got != h {
			t.Errorf("%s is not canonical: %s", h, got)
		}
	}
}
