package identity

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is the kind of an account (A9: all three are first-class).
type Kind string

// Account kinds.
const (
	KindNatural Kind = "natural" // an Iranian, by national code
	KindForeign Kind = "foreign" // a foreign national, by the 12-digit FIDA
	KindLegal   Kind = "legal"   // a legal person, by legal national ID, acting through its signatory
)

// Roles an account may hold besides being a person.
const (
	RoleOverseer = "overseer" // may use the ministry's console
)

// Account is a registered user of the national window. For a legal
// person the names, birth date and national code are the signatory's.
type Account struct {
	ID            string
	Kind          Kind
	LoginID       string // what they log in with: national code, FIDA or legal ID
	NationalCode  string // the person's, or for a legal person the signatory's
	LegalID       string
	ForeignID     string
	Mobile        string // verified with Shahkar; codes go here only
	BirthDate     time.Time
	FirstName     string
	LastName      string
	FatherName    string
	Gender        string // "MALE" or "FEMALE"
	CompanyName   string
	SignatoryRole string
	// The legal residence (C5): the civil registry's postal code and the
	// Post's province and city for it; empty when the registry had none.
	PostalCode, Province, City string
	Roles                      []string
	// Source names, for each attribute, the registry service that gave
	// it, so the account page can say where each datum comes from.
	Source  map[string]string
	Created time.Time
	Updated time.Time
	// CodesLocked, when after now, is until when no one-time code is
	// sent to the account or checked, after too many wrong ones.
	CodesLocked time.Time
	// formerSignatory, on a registration that takes over a legal
	// person's account, is the national code of the signatory it was
	// registered by, who is no longer one.
	formerSignatory string
}

// HasRole reports whether the account holds role.
func (a Account) HasRole(role string) bool {
	for _, r := range a.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// FullName is the first and last name.
func (a Account) FullName() string { return strings.TrimSpace(a.FirstName + " " + a.LastName) }

// personID is who the account's person is in the audit log: the national
// code, or a foreign national's FIDA.
func (a Account) personID() string {
	if a.NationalCode != "" {
		return a.NationalCode
	}
	return a.ForeignID
}

// MaskMobile hides the middle of a mobile number: 0912***4567.
func MaskMobile(m string) string {
	if len(m) != 11 {
		return "***"
	}
	return m[:4] + "***" + m[7:]
}

// clip shortens s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
