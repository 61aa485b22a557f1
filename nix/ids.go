package nix

import (
	"fmt"
	"strings"
)

// MemberClasses are the classes of members the exchange knows: government
// agencies, companies and other organisations.
var memberClasses = map[string]bool{"GOV": true, "COM": true, "ORG": true}

// Subsystem identifies a member's subsystem: INSTANCE/CLASS/MEMBER/SUBSYSTEM.
type Subsystem struct {
	Instance, Class, Member, Code string
}

// String formats s as INSTANCE/CLASS/MEMBER/SUBSYSTEM.
func (s Subsystem) String() string {
	return s.Instance + "/" + s.Class + "/" + s.Member + "/" + s.Code
}

// MemberID returns the member part, INSTANCE/CLASS/MEMBER.
func (s Subsystem) MemberID() string { return s.Instance + "/" + s.Class + "/" + s.Member }

// ServiceID identifies a service: its provider subsystem and a code.
type ServiceID struct {
	Subsystem
	Service string
}

// String formats id as INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE.
func (id ServiceID) String() string { return id.Subsystem.String() + "/" + id.Service }

// IDError says which part of an exchange identifier is wrong, in English
// and Persian.
type IDError struct {
	Input  string
	En, Fa string
}

func (e *IDError) Error() string { return fmt.Sprintf("nix: identifier %q: %s", e.Input, e.En) }

// splitInto splits s at every '/' into parts, which it must fill
// exactly. It is strings.Split without the allocation: identifiers are
// parsed several times on every call through the gateway.
func splitInto(s string, parts []string) bool {
	for i := range len(parts) - 1 {
		j := strings.IndexByte(s, '/')
		if j < 0 {
			return false
		}
		parts[i], s = s[:j], s[j+1:]
	}
	if strings.IndexByte(s, '/') >= 0 {
		return false
	}
	parts[len(parts)-1] = s
	return true
}

// ParseMember parses INSTANCE/CLASS/MEMBER.
func ParseMember(s string) (string, error) {
	var a [3]string
	parts := a[:]
	if !splitInto(s, parts) {
		return "", &IDError{s, "a member is INSTANCE/CLASS/MEMBER, e.g. IR/GOV/10380284790",
			"شناسهٔ عضو به شکل INSTANCE/CLASS/MEMBER است، مانند IR/GOV/10380284790"}
	}
	if err := checkParts(s, parts); err != nil {
		return "", err
	}
	return s, nil
}

// ParseSubsystem parses INSTANCE/CLASS/MEMBER/SUBSYSTEM.
func ParseSubsystem(s string) (Subsystem, error) {
	var a [4]string
	parts := a[:]
	if !splitInto(s, parts) {
		return Subsystem{}, &IDError{s, "a subsystem is INSTANCE/CLASS/MEMBER/SUBSYSTEM, e.g. IR/GOV/10380284790/civil",
			"شناسهٔ زیرسامانه به شکل INSTANCE/CLASS/MEMBER/SUBSYSTEM است، مانند IR/GOV/10380284790/civil"}
	}
	if err := checkParts(s, parts); err != nil {
		return Subsystem{}, err
	}
	return Subsystem{parts[0], parts[1], parts[2], parts[3]}, nil
}

// ParseService parses INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE.
func ParseService(s string) (ServiceID, error) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return ServiceID{}, &IDError{s, "a service is INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE",
			"شناسهٔ سرویس به شکل INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE است"}
	}
	sub, err := ParseSubsystem(s[:i])
	if err != nil {
		return ServiceID{}, &IDError{s, "a service is INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE",
			"شناسهٔ سرویس به شکل INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE است"}
	}
	if !validCode(s[i+1:]) {
		return ServiceID{}, &IDError{s, "the service code must be 1 to 64 letters, digits, '-', '_' or '.'",
			"کد سرویس باید ۱ تا ۶۴ حرف لاتین، رقم، «-»، «_» یا «.» باشد"}
	}
	return ServiceID{Subsystem: sub, Service: s[i+1:]}, nil
}

func checkParts(s string, parts []string) error {
	if len(parts[0]) != 2 || strings.ToUpper(parts[0]) != parts[0] || !isLetters(parts[0]) {
		return &IDError{s, "the instance must be two capital letters, such as IR", "نمونه باید دو حرف بزرگ لاتین باشد، مانند IR"}
	}
	if !memberClasses[parts[1]] {
		return &IDError{s, "the member class must be GOV, COM or ORG", "ردهٔ عضو باید GOV، COM یا ORG باشد"}
	}
	for _, p := range parts[2:] {
		if !validCode(p) {
			return &IDError{s, "member and subsystem codes must be 1 to 64 letters, digits, '-', '_' or '.'",
				"کد عضو و زیرسامانه باید ۱ تا ۶۴ حرف لاتین، رقم، «-»، «_» یا «.» باشد"}
		}
	}
	return nil
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func validCode(s string) bool {
	if s == "" || len(s) > 64 || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}
