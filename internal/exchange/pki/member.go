package pki

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidMemberID is returned, wrapped with the reason, when a member
// identifier is malformed.
var ErrInvalidMemberID = errors.New("invalid member identifier")

// MemberID identifies an exchange member: INSTANCE/CLASS/MEMBER-CODE, such
// as IR/GOV/10380284790.
type MemberID struct {
	// Instance is the federation instance, two capital letters (IR).
	Instance string
	// Class is GOV, COM or ORG.
	Class string
	// Code is the member's code, usually its 11-digit legal national ID.
	Code string
}

// ParseMemberID parses and validates INSTANCE/CLASS/MEMBER-CODE.
func ParseMemberID(s string) (MemberID, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return MemberID{}, fmt.Errorf("pki: member %q: want INSTANCE/CLASS/CODE, such as IR/GOV/10380284790: %w", s, ErrInvalidMemberID)
	}
	m := MemberID{Instance: parts[0], Class: parts[1], Code: parts[2]}
	if err := m.Validate(); err != nil {
		return MemberID{}, err
	}
	return m, nil
}

// String formats m as INSTANCE/CLASS/CODE.
func (m MemberID) String() string { return m.Instance + "/" + m.Class + "/" + m.Code }

// IsZero reports whether m is the zero MemberID.
func (m MemberID) IsZero() bool { return m == MemberID{} }

// Validate reports, wrapping ErrInvalidMemberID, what is wrong with m.
func (m MemberID) Validate() error {
	if err := validInstance(m.Instance); err != nil {
		return fmt.Errorf("pki: member %q: %w", m.String(), err)
	}
	switch m.Class {
	case "GOV", "COM", "ORG":
	default:
		return fmt.Errorf("pki: member %q: the class must be GOV, COM or ORG: %w", m.String(), ErrInvalidMemberID)
	}
	if !validCode(m.Code, 32, false) {
		return fmt.Errorf("pki: member %q: the member code must be 1 to 32 letters, digits or '-': %w", m.String(), ErrInvalidMemberID)
	}
	return nil
}

// uriPrefix starts the URI SAN that carries a member's identity.
const uriPrefix = "member:"

// uriScheme is the scheme of that URI: nix:member:IR/GOV/10380284790.
const uriScheme = "nix"

// ClaimMatches checks that a request's claimed client subsystem,
// INSTANCE/CLASS/CODE/SUBSYSTEM as named by the client header, belongs to
// the member whose certificate made the request. It returns ErrWrongMember
// when it belongs to another member and ErrMalformedClaim when it is not a
// subsystem identifier at all.
func ClaimMatches(cert MemberID, claimedClient string) error {
	parts := strings.Split(claimedClient, "/")
	if len(parts) != 4 {
		return fmt.Errorf("pki: claimed client %q: want INSTANCE/CLASS/CODE/SUBSYSTEM: %w", claimedClient, ErrMalformedClaim)
	}
	claimed := MemberID{Instance: parts[0], Class: parts[1], Code: parts[2]}
	if err := claimed.Validate(); err != nil {
		return fmt.Errorf("pki: claimed client %q: %w: %w", claimedClient, ErrMalformedClaim, err)
	}
	if !validCode(parts[3], 64, true) {
		return fmt.Errorf("pki: claimed client %q: the subsystem code must be 1 to 64 letters, digits, '-', '_' or '.': %w",
			claimedClient, ErrMalformedClaim)
	}
	if claimed != cert {
		return fmt.Errorf("pki: claimed client %s does not belong to certificate member %s: %w", claimedClient, cert, ErrWrongMember)
	}
	return nil
}

func validInstance(s string) error {
	if len(s) != 2 || !isUpper(s[0]) || !isUpper(s[1]) {
		return fmt.Errorf("the instance must be two capital letters, such as IR: %w", ErrInvalidMemberID)
	}
	return nil
}

func isUpper(b byte) bool { return b >= 'A' && b <= 'Z' }

// validCode reports whether s is 1 to max letters, digits or '-', and, if
// loose, also '_' or '.' (as subsystem codes may be).
func validCode(s string, max int, loose bool) bool {
	if s == "" || len(s) > max || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-':
		case loose && (c == '_' || c == '.'):
		default:
			return false
		}
	}
	return true
}
