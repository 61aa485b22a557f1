package agency

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

// attribute is one released attribute as the "my information" page
// shows it.
type attribute struct {
	Claim string   // the claim's name, such as nationalCode or address.region
	Label web.Text // what people read
	Value web.Text // the value in each language
	Date  time.Time
	LTR   bool // a phone number and the like, written left to right
}

// claimLabels are the claims the national SSO releases, in the order the
// page lists them. Claims not listed here are shown by their names.
var claimLabels = []struct {
	claim string
	label web.Text
}{
	{"nationalCode", web.Text{Fa: "کد ملی", En: "National code"}},
	{"foreignId", web.Text{Fa: "شناسهٔ فراگیر اتباع", En: "Foreign national ID"}},
	{"accountKind", web.Text{Fa: "نوع حساب", En: "Account kind"}},
	{"given_name", web.Text{Fa: "نام", En: "First name"}},
	{"family_name", web.Text{Fa: "نام خانوادگی", En: "Last name"}},
	{"name", web.Text{Fa: "نام کامل", En: "Full name"}},
	{"gender", web.Text{Fa: "جنسیت", En: "Gender"}},
	{"fatherName", web.Text{Fa: "نام پدر", En: "Father's name"}},
	{"birthdate", web.Text{Fa: "تاریخ تولد", En: "Date of birth"}},
	{"birthDateShamsi", web.Text{Fa: "تاریخ تولد (خورشیدی)", En: "Date of birth (Solar Hijri)"}},
	{"phone_number", web.Text{Fa: "شمارهٔ همراه", En: "Mobile number"}},
	{"phone_number_verified", web.Text{Fa: "شمارهٔ همراه تأییدشده", En: "Mobile number verified"}},
	{"address.postal_code", web.Text{Fa: "کد پستی", En: "Postal code"}},
	{"address.region", web.Text{Fa: "استان", En: "Province"}},
	{"address.locality", web.Text{Fa: "شهر", En: "City"}},
	{"address.country", web.Text{Fa: "کشور", En: "Country"}},
	{"legal.nationalId", web.Text{Fa: "شناسهٔ ملی شرکت", En: "Company's legal national ID"}},
	{"legal.name", web.Text{Fa: "نام شرکت", En: "Company name"}},
	{"legal.signatoryRole", web.Text{Fa: "سمت صاحب امضا", En: "Signatory role"}},
}

// protocolClaims are about the token and the login, not the person.
var protocolClaims = []string{"iss", "sub", "aud", "exp", "iat", "nbf", "auth_time", "nonce", "acr", "amr",
	"azp", "sid", "at_hash", "c_hash", "jti"}

// attributes lists the person's attributes among the ID token's claims,
// known ones first in their order, then any others by name.
func attributes(claims map[string]any) []attribute {
	flat := map[string]any{}
	for k, v := range claims {
		if slices.Contains(protocolClaims, k) {
			continue
		}
		if obj, ok := v.(map[string]any); ok {
			for k2, v2 := range obj {
				flat[k+"."+k2] = v2
			}
			continue
		}
		flat[k] = v
	}
	// The province tells apart cities of the same name.
	region, _ := flat["address.region"].(string)
	var out []attribute
	for _, l := range claimLabels {
		if v, ok := flat[l.claim]; ok {
			out = append(out, newAttribute(l.claim, l.label, v, region))
			delete(flat, l.claim)
		}
	}
	rest := make([]string, 0, len(flat))
	for k := range flat {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, newAttribute(k, web.Text{Fa: k, En: k}, flat[k], region))
	}
	return out
}

// newAttribute describes one claim; region is the address's province, as
// released, which the city's English name depends on.
func newAttribute(claim string, label web.Text, v any, region string) attribute {
	a := attribute{Claim: claim, Label: label}
	s := fmt.Sprint(v)
	switch claim {
	case "birthdate":
		if t, err := time.ParseInLocation("2006-01-02", s, iran.Tehran()); err == nil {
			a.Date = t
			return a
		}
	case "phone_number":
		a.LTR = true
	case "address.region":
		// Provinces are released by their Persian names.
		if en, ok := iran.ProvinceEnglish(s); ok {
			a.Value = web.Text{Fa: s, En: en}
			return a
		}
	case "address.locality":
		// So are cities; a city package iran does not know is shown as
		// it was released.
		if en, ok := iran.CityEnglish(region, s); ok {
			a.Value = web.Text{Fa: s, En: en}
			return a
		}
	}
	if t, ok := valueNames[s]; ok {
		a.Value = t
		return a
	}
	a.Value = web.Text{Fa: iran.ToPersianDigits(s), En: s}
	return a
}

// methods describes amr values; unknown ones are shown as they are.
func methods(amr []string) []web.Text {
	out := make([]web.Text, 0, len(amr))
	for _, m := range amr {
		t, ok := amrNames[m]
		if !ok {
			t = web.Text{Fa: m, En: m}
		}
		out = append(out, t)
	}
	return out
}

// levelName describes an acr value for a person whose identity was
// matched with registry, as session.baseRegistry names it.
func levelName(acr, registry string) web.Text {
	if t, ok := acrNames[acr+"/"+registry]; ok && registry != "" {
		return t
	}
	if t, ok := acrNames[acr]; ok {
		return t
	}
	return web.Text{Fa: acr, En: acr}
}
