package identity_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/panjereh/panjereh/internal/identity"
	"github.com/panjereh/panjereh/internal/iran"
)

// TestPagesShowIdentifiersInThePagesDigits: identifiers (national code,
// FIDA, mobile, masked mobile, postal code) are shown in Persian digits
// on Persian pages and in Latin digits on English ones, within their
// isolating wrappers, as every other number of the site is.
func TestPagesShowIdentifiersInThePagesDigits(t *testing.T) {
	w, b, p, ch := registeredAtSite(t, "two-mobiles")
	fa := iran.ToPersianDigits
	masked := identity.MaskMobile(p.Mobiles[0])

	res, body := b.get("/login/code?c=" + ch.ID)
	wantStatus(t, res, body, http.StatusOK, `<bdi dir="ltr">`+fa(masked)+`</bdi>`)
	b.get("/login?lang=en")
	res, body = b.get("/login/code?c=" + ch.ID)
	wantStatus(t, res, body, http.StatusOK, `<bdi dir="ltr">`+masked+`</bdi>`)
	b.get("/login?lang=fa")

	res, body = b.post("/login/code", url.Values{"c": {ch.ID}, "code": {w.sms.lastCode(t, p.Mobiles[0])}})
	wantStatus(t, res, body, http.StatusSeeOther)
	res, body = b.get("/account")
	wantStatus(t, res, body, http.StatusOK, "<bdi>"+fa(p.NationalCode)+"</bdi>", "<bdi>"+fa(p.Mobiles[0])+"</bdi>",
		"<bdi>"+fa(p.PostalCode)+"</bdi>", "<bdi>"+p.FirstName+"</bdi>")
	for _, latin := range []string{p.NationalCode, p.Mobiles[0], p.PostalCode} {
		if strings.Contains(body, latin) {
			t.Errorf("the Persian account page shows %s in Latin digits", latin)
		}
	}
	res, body = b.get("/account/mobile")
	wantStatus(t, res, body, http.StatusOK, `شمارهٔ کنونی: <bdi dir="ltr">`+fa(p.Mobiles[0])+`</bdi>`)
	// A mobile change's code page too, with the new number's mask.
	res, body = b.post("/account/mobile", url.Values{"mobile": {p.Mobiles[1]}})
	wantStatus(t, res, body, http.StatusOK, `<bdi dir="ltr">`+fa(identity.MaskMobile(p.Mobiles[1]))+`</bdi>`)
	b.get("/account?lang=en")
	res, body = b.get("/account")
	wantStatus(t, res, body, http.StatusOK, "<bdi>"+p.NationalCode+"</bdi>", "<bdi>"+p.Mobiles[0]+"</bdi>", "<bdi>"+p.PostalCode+"</bdi>")
	res, body = b.get("/account/mobile")
	wantStatus(t, res, body, http.StatusOK, `Current number: <bdi dir="ltr">`+p.Mobiles[0]+`</bdi>`)
}

// TestForeignNationalsAccountPage: a foreign national's account page has
// the residence the registries gave, each datum with its source, and
// the identifiers in the page's digits.
func TestForeignNationalsAccountPage(t *testing.T) {
	w := newWorld(t)
	b := newSite(t, w)
	f := persona(t, "foreigner")
	_, ch, err := w.svc.Register(context.Background(),
		identity.RegisterInput{Kind: identity.KindForeign, ForeignID: f.FIDA, BirthDate: f.BirthDate, Mobile: f.Mobiles[0]}, cl)
	if err != nil {
		t.Fatal(err)
	}
	b.get("/login")
	res, body := b.post("/login/code", url.Values{"c": {ch.ID}, "code": {w.sms.lastCode(t, f.Mobiles[0])}})
	wantStatus(t, res, body, http.StatusSeeOther)
	fa := iran.ToPersianDigits
	res, body = b.get("/account")
	wantStatus(t, res, body, http.StatusOK,
		"<bdi>"+fa(f.FIDA)+"</bdi></td><td>ادارهٔ کل امور اتباع</td>",
		"<bdi>"+fa(f.PostalCode)+"</bdi></td><td>ادارهٔ کل امور اتباع</td>",
		"<td>خراسان رضوی</td><td>شرکت ملی پست (نشانی کد پستی)</td>",
		"<bdi>مشهد</bdi></td><td>شرکت ملی پست (نشانی کد پستی)</td>")
	b.get("/account?lang=en")
	res, body = b.get("/account")
	wantStatus(t, res, body, http.StatusOK,
		"<bdi>"+f.FIDA+"</bdi></td><td>Bureau for foreign nationals</td>",
		"<bdi>"+f.PostalCode+"</bdi></td><td>Bureau for foreign nationals</td>",
		"</bdi></td><td>Iran Post (the postal code&#39;s address)</td>",
		// The province and the city in English, though the Post names
		// them in Persian.
		"<td>Razavi Khorasan</td><td>Iran Post (the postal code&#39;s address)</td>",
		"<bdi>Mashhad</bdi></td><td>Iran Post (the postal code&#39;s address)</td>")
}
