package nix_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/panjereh/panjereh/nix"
)

// TestCallHeaders: a call carries the person, the subject, the tracking
// code and the caller's request ID to the gateway as its headers, and
// leaves out those it was not given.
func TestCallHeaders(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c := &nix.Client{Gateway: srv.URL, Subsystem: "IR/GOV/ito/portal", HTTP: srv.Client()}
	var out map[string]any
	if _, err := c.JSON(context.Background(), nix.Call{Service: "IR/GOV/sabteahval/registry/identity", Subject: "0012345679",
		User: "0012345679", TrackingCode: "1234", RequestID: "C7QRBDRA3XLLFFPF"}, &out); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{nix.HeaderClient: "IR/GOV/ito/portal", nix.HeaderSubject: "0012345679",
		nix.HeaderUser: "0012345679", nix.HeaderTrackingCode: "1234", "X-Request-Id": "C7QRBDRA3XLLFFPF", nix.HeaderAssurance: ""} {
		if g := got.Get(k); g != want {
			t.Errorf("%s: %q, want %q", k, g, want)
		}
	}
	if _, err := c.JSON(context.Background(), nix.Call{Service: "IR/GOV/sabteahval/registry/identity"}, &out); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["X-Request-Id"]; ok {
		t.Errorf("a call without a request ID sent one: %q", got.Get("X-Request-Id"))
	}
}
