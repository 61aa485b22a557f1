package pki

import (
	"errors"
	"testing"
)

func TestParseMemberID(t *testing.T) {
	tests := []struct {
		name, in string
		want     MemberID
		wantErr  bool
	}{
		{"government agency", "IR/GOV/10380284790", MemberID{"IR", "GOV", "10380284790"}, false},
		{"company with dash", "IR/COM/acme-1", MemberID{"IR", "COM", "acme-1"}, false},
		{"organisation", "IR/ORG/X", MemberID{"IR", "ORG", "X"}, false},
		{"lower-case instance", "ir/GOV/1", MemberID{}, true},
		{"three-letter instance", "IRN/GOV/1", MemberID{}, true},
		{"unknown class", "IR/EDU/1", MemberID{}, true},
		{"empty code", "IR/GOV/", MemberID{}, true},
		{"code too long", "IR/GOV/123456789012345678901234567890123", MemberID{}, true},
		{"underscore in code", "IR/GOV/a_b", MemberID{}, true},
		{"subsystem, not member", "IR/GOV/1/civil", MemberID{}, true},
		{"too short", "IR/GOV", MemberID{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMemberID(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidMemberID) {
					t.Fatalf("ParseMemberID(%q) error = %v, want ErrInvalidMemberID", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMemberID(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseMemberID(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestClaimMatches(t *testing.T) {
	cert := MemberID{"IR", "GOV", "10380284790"}
	tests := []struct {
		name, claimed string
		want          error
	}{
		{"own subsystem", "IR/GOV/10380284790/civil", nil},
		{"own subsystem with dots", "IR/GOV/10380284790/civil.v2_a", nil},
		{"another member's subsystem", "IR/GOV/10101234565/portal", ErrWrongMember},
		{"same code, other class", "IR/COM/10380284790/civil", ErrWrongMember},
		{"code differs in case only", "IR/GOV/10380284790X/civil", ErrWrongMember},
		{"member without subsystem", "IR/GOV/10380284790", ErrMalformedClaim},
		{"empty", "", ErrMalformedClaim},
		{"bad class", "IR/XXX/10380284790/civil", ErrMalformedClaim},
		{"bad subsystem", "IR/GOV/10380284790/..", ErrMalformedClaim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ClaimMatches(cert, tt.claimed)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("ClaimMatches(%q) = %v, want nil", tt.claimed, err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("ClaimMatches(%q) = %v, want %v", tt.claimed, err, tt.want)
			}
			if p := ProblemFor(err); p.Status != tt.want.(*AuthError).Status || p.DetailFa == "" {
				t.Errorf("ProblemFor(%v) = status %d, detail_fa %q", err, p.Status, p.DetailFa)
			}
		})
	}
}
