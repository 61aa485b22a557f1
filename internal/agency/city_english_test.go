package agency_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/panjereh/panjereh/internal/agency"
	"github.com/panjereh/panjereh/internal/identity/oidc"
)

// TestCityInEnglish: the address scope's city, released by its Persian
// name, is shown on the English attributes page by the English name
// package iran gives it, and a city it does not know by its Persian
// name; the Persian page has the Persian name either way.
func TestCityInEnglish(t *testing.T) {
	for _, tt := range []struct {
		name, province, city, en string
	}{
		{"a county's city", "خراسان رضوی", "مشهد", "Mashhad"},
		{"written apart", "هرمزگان", "بندر عباس", "Bandar Abbas"},
		{"a city that is no county's", "تهران", "لواسان", "لواسان"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			person := iranian
			person.PostalCode, person.Province, person.City = "1315734567", tt.province, tt.city
			e := newEnvFor(t, person, nil, func(c *oidc.Client) { c.Scopes = append(c.Scopes, oidc.ScopeAddress) })
			b := e.browser()
			if me := e.login(b); me.status != http.StatusOK || me.url != e.url+agency.PathMe {
				t.Fatalf("after login: %d at %s: %.500s", me.status, me.url, me.body)
			}
			for lang, want := range map[string]string{
				"fa": `<tr data-claim="address.locality"><th scope="row">شهر</th><td><bdi>` + tt.city + `</bdi></td></tr>`,
				"en": `<tr data-claim="address.locality"><th scope="row">City</th><td><bdi>` + tt.en + `</bdi></td></tr>`,
			} {
				me := e.get(b, e.url+agency.PathMe+"?lang="+lang)
				if !strings.Contains(me.body, want) {
					t.Errorf("%s attributes page lacks %q:\n%s", lang, want, me.body)
				}
			}
		})
	}
}
