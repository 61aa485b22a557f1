package oidc

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestScopesDeclareWhatTheyRelease: the claims a scope lists (which
// discovery advertises) are exactly the claims it releases for an account
// with every attribute set.
func TestScopesDeclareWhatTheyRelease(t *testing.T) {
	full := Claims{Kind: "legal", NationalID: "0084575948", ForeignID: "123456789012", Mobile: "09121234567",
		FirstName: "مریم", LastName: "احمدی", FatherName: "علی", Gender: "FEMALE",
		BirthDate: time.Date(1991, 4, 20, 0, 0, 0, 0, time.UTC), BirthDateShamsi: "1370/01/31",
		PostalCode: "1234567890", Province: "تهران", City: "تهران",
		Legal: &LegalClaims{LegalNationalID: "10101234565", Name: "شرکت نمونه", SignatoryRole: "مدیرعامل"}}
	for _, s := range knownScopes {
		if s.Name == ScopeOpenID {
			continue // sub is set for every token, whatever the scopes
		}
		var got []string
		for k := range userClaims(full, []string{s.Name}) {
			got = append(got, k)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(s.Claims))
		if !slices.Equal(got, want) {
			t.Errorf("scope %s releases %v, declares %v", s.Name, got, want)
		}
	}
}

// TestConsentNamesEveryClaim: the consent page shows the person exactly
// what an agency receives, so each claim a scope releases is named in the
// scope's text, in both languages.
func TestConsentNamesEveryClaim(t *testing.T) {
	named := map[string][2]string{
		"nationalCode": {"کد ملی", "National code"}, "foreignId": {"شناسهٔ اتباع", "foreign national ID"},
		"accountKind": {"نوع حساب", "kind of account"},
		"given_name":  {"نام،", "First name"}, "family_name": {"نام خانوادگی", "last name"}, "name": {"نام خانوادگی", "last name"},
		"gender": {"جنسیت", "gender"}, "fatherName": {"نام پدر", "Father's name"},
		"birthdate": {"تاریخ تولد", "Date of birth"}, "birthDateShamsi": {"تاریخ تولد", "Date of birth"},
		"phone_number": {"شمارهٔ همراه", "Mobile number"}, "phone_number_verified": {"شمارهٔ همراه", "Mobile number"},
		"address": {"کد پستی", "Postal code"}, "legal": {"نام شرکت", "company's"},
	}
	for _, s := range knownScopes {
		if s.Name == ScopeOpenID {
			continue
		}
		for _, c := range s.Claims {
			words, ok := named[c]
			if !ok {
				t.Errorf("scope %s releases %s, which this test does not know how the consent page names", s.Name, c)
				continue
			}
			if !strings.Contains(s.About.Fa, words[0]) || !strings.Contains(s.About.En, words[1]) {
				t.Errorf("scope %s releases %s, but its consent text does not name it: %q / %q", s.Name, c, s.About.Fa, s.About.En)
			}
		}
	}
}
