package exchange

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/panjereh/panjereh/nix"
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
		if sub, err := nix.ParseSubsystem(s); err != nil || sub.String() != s {
			t.Errorf("nix.ParseSubsystem(%q) = %v, %v", s, sub, err)
		}
	}
	bad := []string{"", "IR/GOV/x", "ir/GOV/x/y", "IR/XXX/x/y", "IR/GOV/x/y/z", "IR/GOV/x/..", "IR/GOV/ک/y", "IRN/GOV/x/y"}
	for _, s := range bad {
		if _, err := nix.ParseSubsystem(s); err == nil {
			t.Errorf("nix.ParseSubsystem(%q) accepted", s)
		} else if e, ok := err.(*IDError); !ok || e.Fa == "" || e.En == "" {
			t.Errorf("nix.ParseSubsystem(%q): %v lacks Persian and English reasons", s, err)
		}
	}
	id, err := nix.ParseService("IR/GOV/10380284790/civil/identity")
	if err != nil || id.Service != "identity" || id.MemberID() != "IR/GOV/10380284790" {
		t.Errorf("ParseService = %+v, %v", id, err)
	}
	if _, err := nix.ParseService("IR/GOV/10380284790/civil"); err == nil {
		t.Error("a subsystem parsed as a service")
	}
	if m, err := nix.ParseMember("IR/GOV/10380284790"); err != nil || m != "IR/GOV/10380284790" {
		t.Errorf("ParseMember = %q, %v", m, err)
	}
}

// filterCases are answers and grants on which filterFast must agree with
// filterDecoded, the seeds of FuzzFilterFast.
var filterCases = []string{
	`{"name":"علی","family":"رضایی","nin":"0012345679","big":12345678901234567890}`,
	` {"b":1, "a" : [1, {"x": "y"}, null, true, false, -0.5e+10] , "c":{"z":1,"y":{},"x":[]}} `,
	`{"name":"a","name":"b","address":{"postCode":"1","postCode":{"q":1}}}`,
	`{"name":{"first":"a","last":"b"},"address":[{"postCode":1},{"street":2},3,null,[{"postCode":4}]]}`,
	`[{"name":1},{"nin":2},"x"]`,
	`"just a string"`, `42`, `null`, `{}`, `[]`,
	`{"n\u0061me":"x"}`, `{"name":"a\"b"}`, `{"name":"\u2028"}`, `{"name":"` + "\u2028" + `"}`,
	`{"name":"` + "\xff" + `"}`, `{"` + "\xff" + `":1}`, `{"name":1} trailing`, `{"name":`, `<html>`, ``,
	`{"address":{"postCode":"x","street":"y","z":{"b":1,"a":2}},"signatories":[{"nationalCode":"1","role":"CEO"}]}`,
	`{"name":"<&>","nin":"` + "\x7f" + `"}`,
}

var filterGrants = []Items{
	{"name"}, {"name", "nin"}, {"address"}, {"address.postCode"}, {"address", "address.street"},
	{"signatories.nationalCode"}, {"nothing"}, {"name.first", "big", "a", "c.z"}, {""},
}

func checkFilterFast(t *testing.T, body []byte, items Items) {
	t.Helper()
	got, ok := filterFast(body, items.grant())
	if !ok {
		return
	}
	want, err := filterDecoded(body, items.grant())
	if err != nil {
		t.Fatalf("filterFast(%q, %q) = %s, but encoding/json fails: %v", body, items, got, err)
	}
	if string(got) != string(want) {
		t.Fatalf("filterFast(%q, %q) = %s, want %s", body, items, got, want)
	}
}

func TestFilterFastAgrees(t *testing.T) {
	fast := 0
	for _, body := range filterCases {
		for _, items := range filterGrants {
			checkFilterFast(t, []byte(body), items)
			if _, ok := filterFast([]byte(body), items.grant()); ok {
				fast++
			}
		}
	}
	if fast == 0 {
		t.Error("filterFast never took an answer")
	}
}

func FuzzFilterFast(f *testing.F) {
	for _, body := range filterCases {
		for g := range filterGrants {
			f.Add([]byte(body), uint8(g))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, g uint8) {
		checkFilterFast(t, body, filterGrants[int(g)%len(filterGrants)])
	})
}
