package oidc

import (
	"slices"
	"strings"

	"github.com/panjereh/panjereh/internal/web"
)

// Assurance levels (A5), as acr values.
const (
	ACR1 = "loa1" // identity matched with the civil registry and Shahkar
	ACR2 = "loa2" // biometric match
	ACR3 = "loa3" // electronic signature
)

// acrValues are the levels in increasing order.
var acrValues = []string{ACR1, ACR2, ACR3}

// acrRank returns 1, 2 or 3 for a known level, 0 otherwise.
func acrRank(acr string) int {
	return slices.Index(acrValues, acr) + 1
}

// Scopes the provider knows. Each but openid and offline_access releases
// a set of attributes.
const (
	ScopeOpenID       = "openid"
	ScopeProfile      = "profile"
	ScopeBirthdate    = "birthdate"
	ScopeFatherName   = "father_name"
	ScopeNationalCode = "national_code"
	ScopePhone        = "phone"
	ScopeAddress      = "address"
	ScopeLegal        = "legal"
	ScopeOffline      = "offline_access"
)

// scopeInfo describes a scope to people and agencies.
type scopeInfo struct {
	Name   string
	About  web.Text // what the agency receives, as the consent page says it
	Claims []string // the claims it releases
}

// knownScopes in the order the consent page lists them.
var knownScopes = []scopeInfo{
	{ScopeOpenID, web.Text{}, []string{"sub"}},
	{ScopeNationalCode, web.Text{Fa: "کد ملی (یا شناسهٔ اتباع) و نوع حساب (حقیقی، حقوقی یا اتباع)", En: "National code (or foreign national ID) and the kind of account (natural person, legal person or foreign national)"}, []string{"nationalCode", "foreignId", "accountKind"}},
	{ScopeProfile, web.Text{Fa: "نام، نام خانوادگی و جنسیت", En: "First name, last name and gender"}, []string{"given_name", "family_name", "name", "gender"}},
	{ScopeFatherName, web.Text{Fa: "نام پدر", En: "Father's name"}, []string{"fatherName"}},
	{ScopeBirthdate, web.Text{Fa: "تاریخ تولد", En: "Date of birth"}, []string{"birthdate", "birthDateShamsi"}},
	{ScopePhone, web.Text{Fa: "شمارهٔ همراه", En: "Mobile number"}, []string{"phone_number", "phone_number_verified"}},
	{ScopeAddress, web.Text{Fa: "کد پستی، استان و شهر", En: "Postal code, province and city"}, []string{"address"}},
	{ScopeLegal, web.Text{Fa: "شناسهٔ ملی، نام شرکت و سمت صاحب امضا", En: "The company's legal national ID, name and your signatory role"}, []string{"legal"}},
	{ScopeOffline, web.Text{Fa: "دسترسی ادامه‌دار پس از خروج شما (تا ۳۰ روز)", En: "Continued access after you log out (up to 30 days)"}, nil},
}

func scopeKnown(s string) bool {
	return slices.ContainsFunc(knownScopes, func(i scopeInfo) bool { return i.Name == s })
}

// consentScopes returns the scopes among granted that release something
// to the agency and so need the person's consent, sorted.
func consentScopes(granted []string) []string {
	var out []string
	for _, s := range granted {
		if s != ScopeOpenID && scopeKnown(s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// describeScopes returns what the consent page lists for the scopes.
func describeScopes(scopes []string) []web.Text {
	var out []web.Text
	for _, i := range knownScopes {
		if i.About.Fa != "" && slices.Contains(scopes, i.Name) {
			out = append(out, i.About)
		}
	}
	return out
}

// userClaims returns the claims the scopes release about an account, in
// the ID token and at the standard userinfo endpoint. Standard claims
// are used where OpenID Connect has one; names the national SSO already
// uses (nationalCode, fatherName, birthDateShamsi) elsewhere.
func userClaims(c Claims, scopes []string) map[string]any {
	out := map[string]any{}
	for _, s := range scopes {
		switch s {
		case ScopeProfile:
			putStr(out, "given_name", c.FirstName)
			putStr(out, "family_name", c.LastName)
			putStr(out, "name", strings.TrimSpace(c.FirstName+" "+c.LastName))
			putStr(out, "gender", strings.ToLower(c.Gender))
		case ScopeNationalCode:
			putStr(out, "nationalCode", c.NationalID)
			putStr(out, "foreignId", c.ForeignID)
			putStr(out, "accountKind", c.Kind)
		case ScopeFatherName:
			putStr(out, "fatherName", c.FatherName)
		case ScopeBirthdate:
			if !c.BirthDate.IsZero() {
				out["birthdate"] = c.BirthDate.Format("2006-01-02")
			}
			putStr(out, "birthDateShamsi", c.BirthDateShamsi)
		case ScopePhone:
			if c.Mobile != "" {
				out["phone_number"] = e164(c.Mobile)
				out["phone_number_verified"] = true
			}
		case ScopeAddress:
			if c.PostalCode != "" || c.Province != "" || c.City != "" {
				a := map[string]any{"country": "IR"}
				putStr(a, "postal_code", c.PostalCode)
				putStr(a, "region", c.Province)
				putStr(a, "locality", c.City)
				out["address"] = a
			}
		case ScopeLegal:
			if c.Legal != nil {
				out["legal"] = map[string]any{
					"nationalId":    c.Legal.LegalNationalID,
					"name":          c.Legal.Name,
					"signatoryRole": c.Legal.SignatoryRole,
				}
			}
		}
	}
	return out
}

// compatClaims returns the fields of /api/v1/user/userinfo, named as the
// national SSO names them, limited to what the scopes release.
func compatClaims(subject string, c Claims, scopes []string) map[string]any {
	out := map[string]any{"id": subject}
	for _, s := range scopes {
		switch s {
		case ScopeNationalCode:
			putStr(out, "nationalId", c.NationalID)
		case ScopePhone:
			putStr(out, "mobile", c.Mobile)
		case ScopeProfile:
			putStr(out, "firstName", c.FirstName)
			putStr(out, "lastName", c.LastName)
			putStr(out, "gender", c.Gender)
		case ScopeFatherName:
			putStr(out, "fatherName", c.FatherName)
		case ScopeBirthdate:
			if !c.BirthDate.IsZero() {
				out["birthDate"] = c.BirthDate.Format("2006-01-02")
			}
			putStr(out, "birthDateShamsi", c.BirthDateShamsi)
		case ScopeAddress:
			putStr(out, "postalCode", c.PostalCode)
			putStr(out, "province", c.Province)
			putStr(out, "city", c.City)
		}
	}
	return out
}

func putStr(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// e164 writes an Iranian mobile number 09xxxxxxxxx as +989xxxxxxxxx.
func e164(mobile string) string {
	if strings.HasPrefix(mobile, "0") {
		return "+98" + mobile[1:]
	}
	return mobile
}
