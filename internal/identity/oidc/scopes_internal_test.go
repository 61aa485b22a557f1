package oidc

import (
	"slices"
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
