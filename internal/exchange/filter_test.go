package exchange

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFilterJSON(t *testing.T) {
	body := `{"name":"علی","family":"رضایی","nin":"0012345679","big":12345678901234567890,
		"address":{"province":"تهران","street":"آزادی","postCode":"1315734567"},
		"signatories":[{"nationalCode":"0021122334","role":"CEO","mobile":"0912"},{"nationalCode":"0012345679","role":"member"}]}`
	tests := []struct {
		name  string
		items Items
		want  string
	}{
		{"everything when no items", nil, body},
		{"top-level fields", Items{"name", "family"}, `{"family":"رضایی","name":"علی"}`},
		{"nested field", Items{"address.postCode"}, `{"address":{"postCode":"1315734567"}}`},
		{"a prefix grants its subtree", Items{"address", "address.street"}, `{"address":{"postCode":"1315734567","province":"تهران","street":"آزادی"}}`},
		{"through arrays", Items{"signatories.nationalCode"}, `{"signatories":[{"nationalCode":"0021122334"},{"nationalCode":"0012345679"}]}`},
		{"numbers keep their text", Items{"big"}, `{"big":12345678901234567890}`},
		{"unknown items grant nothing", Items{"salary"}, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FilterJSON([]byte(body), tt.items)
			if err != nil {
				t.Fatal(err)
			}
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("output is not JSON: %s", got)
			}
			json.Unmarshal([]byte(tt.want), &w)
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if tt.name == "numbers keep their text" && string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := FilterJSON([]byte("<html>"), Items{"name"}); err == nil {
		t.Error("a non-JSON answer filtered without error")
	}
}

func TestParseIDs(t *testing.T) {
	good := []string{"IR/GOV/10380284790/civil", "IR/COM/abc-1/sub_2.x"}
	for _, s := range good {
		if sub, err := ParseSubsystem(s); err != nil || sub.String() != s {
			t.Errorf("ParseSubsystem(%q) = %v, %v", s, sub, err)
		}
	}
	bad := []string{"", "IR/GOV/x", "ir/GOV/x/y", "IR/XXX/x/y", "IR/GOV/x/y/z", "IR/GOV/x/..", "IR/GOV/ک/y", "IRN/GOV/x/y"}
	for _, s := range bad {
		if _, err := ParseSubsystem(s); err == nil {
			t.Errorf("ParseSubsystem(%q) accepted", s)
		} else if e, ok := err.(*IDError); !ok || e.Fa == "" || e.En == "" {
			t.Errorf("ParseSubsystem(%q): %v lacks Persian and English reasons", s, err)
		}
	}
	id, err := ParseService("IR/GOV/10380284790/civil/identity")
	if err != nil || id.Service != "identity" || id.MemberID() != "IR/GOV/10380284790" {
		t.Errorf("ParseService = %+v, %v", id, err)
	}
	if _, err := ParseService("IR/GOV/10380284790/civil"); err == nil {
		t.Error("a subsystem parsed as a service")
	}
	if m, err := ParseMember("IR/GOV/10380284790"); err != nil || m != "IR/GOV/10380284790" {
		t.Errorf("ParseMember = %q, %v", m, err)
	}
}
