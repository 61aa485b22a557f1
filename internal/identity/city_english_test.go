package identity_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

// TestAccountPageCityInEnglish: the Post names the city in Persian; the
// English account page gives a city package iran knows by its English
// name, and one it does not know by its Persian name. The Persian page
// has the Persian name either way, isolated as the registries' values
// are.
func TestAccountPageCityInEnglish(t *testing.T) {
	type address struct{ province, provinceEn, township, city string }
	for _, tt := range []struct {
		name string
		// post, when set, is the Post's address for the persona's postal
		// code instead of the one the registries were seeded with.
		post                 *address
		province, provinceEn string
		city, cityEn         string
	}{
		{name: "a county's city", province: "خراسان رضوی", provinceEn: "Razavi Khorasan", city: "مشهد", cityEn: "Mashhad"},
		{name: "a city that is no county's", post: &address{"تهران", "Tehran", "شمیرانات", "لواسان"},
			province: "تهران", provinceEn: "Tehran", city: "لواسان", cityEn: "لواسان"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			p := persona(t, "two-mobiles")
			if a := tt.post; a != nil {
				if _, err := w.db.Write.ExecContext(context.Background(), `UPDATE reg_addresses
					SET province = $1, province_en = $2, township = $3, locality_type = 'شهر', locality_name = $4
					WHERE postal_code = $5`, a.province, a.provinceEn, a.township, a.city, p.PostalCode); err != nil {
					t.Fatal(err)
				}
			}
			b := newSite(t, w)
			_, ch, err := w.svc.Register(context.Background(), natural(p), cl)
			if err != nil {
				t.Fatal(err)
			}
			b.get("/login")
			res, body := b.post("/login/code", url.Values{"c": {ch.ID}, "code": {w.sms.lastCode(t, p.Mobiles[0])}})
			wantStatus(t, res, body, http.StatusSeeOther)
			const sourceFa, sourceEn = "ثبت احوال و شرکت ملی پست (اقامتگاه قانونی)", "Civil registry and Iran Post (legal residence)"
			res, body = b.get("/account")
			wantStatus(t, res, body, http.StatusOK,
				`<th scope="row">استان</th><td>`+tt.province+`</td><td>`+sourceFa+`</td>`,
				`<th scope="row">شهر</th><td><bdi>`+tt.city+`</bdi></td><td>`+sourceFa+`</td>`)
			b.get("/account?lang=en")
			res, body = b.get("/account")
			wantStatus(t, res, body, http.StatusOK,
				`<th scope="row">Province</th><td>`+tt.provinceEn+`</td><td>`+sourceEn+`</td>`,
				`<th scope="row">City</th><td><bdi>`+tt.cityEn+`</bdi></td><td>`+sourceEn+`</td>`)
		})
	}
}
