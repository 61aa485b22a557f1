package agency_test

import (
	"context"
	"testing"
)

// TestConsentWithdrawnLogsOut: when the person withdraws the agency's
// consent at the national window, the provider's logout token, which
// names the person and no session, ends every session the agency has for
// them, from every window session; the window's own sessions go on.
func TestConsentWithdrawnLogsOut(t *testing.T) {
	e := newEnv(t, nil, nil)
	ctx := context.Background()
	b := e.browser()
	e.login(b)
	other := e.browser() // the same person in another window session
	e.login(other)

	if err := e.provider.RevokeConsent(ctx, subject, "rahvar"); err != nil {
		t.Fatal(err)
	}
	if n, err := e.provider.DeliverPending(ctx); n != 1 || err != nil {
		t.Fatalf("delivered %d, %v; want the agency to accept one logout token", n, err)
	}
	mustBeLoggedOut(t, e, b)
	mustBeLoggedOut(t, e, other)
	if !e.window.has(e.window.first()) || !e.window.has(e.window.last()) {
		t.Error("withdrawing an agency's consent ended a window session")
	}
}
