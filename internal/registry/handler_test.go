package registry_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/panjereh/panjereh/internal/registry"
)

func server(t *testing.T) *httptest.Server {
	t.Helper()
	db, _ := seeded(t, 500, 1)
	st, err := registry.NewStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := &registry.Handler{Store: st}
	routes, err := h.Routes()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(routes)
	t.Cleanup(srv.Close)
	return srv
}

func persona(t *testing.T, key string) registry.Persona {
	t.Helper()
	for _, p := range registry.Personas() {
		if p.Key == key {
			return p
		}
	}
	t.Fatalf("no persona %s", key)
	return registry.Persona{}
}

func TestHandlerScenarios(t *testing.T) {
	srv := server(t)
	ord, dead, two, borrowed := persona(t, "ordinary"), persona(t, "deceased"), persona(t, "two-mobiles"), persona(t, "borrowed-mobile")
	ceo, fore, ins, minor := persona(t, "ceo"), persona(t, "foreigner"), persona(t, "insurance-expired"), persona(t, "minor")
	compact := func(jalali string) string { return strings.ReplaceAll(jalali, "/", "") }
	shahkar := func(mobile, code string) string {
		return `{"requestId":"PNJ1","serviceNumber":"` + mobile + `","serviceType":2,"identificationType":0,"identificationNo":"` + code + `"}`
	}
	const (
		jsonCT    = "application/json"
		identity  = "/registry/sabteahval/identity"
		shahkarP  = "/registry/sazmantanzim/shahkar/ServiceIDmatching"
		addressP  = "/registry/post/address"
		unknownNC = "0012345687" // valid check digit, not issued
	)
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		want                            []string
	}{
		{"identity", "POST", identity, jsonCT, `{"nin":"` + ord.NationalCode + `","birthDate":"` + compact(ord.BirthDate) + `"}`, 200,
			[]string{`"name":"علی"`, `"family":"رضایی"`, `"fatherName":"حسین"`, `"gender":1`, `"deathStatus":0`, `"shenasnameNo":"` + ord.NationalCode}},
		{"identity slashes and Persian digits", "POST", identity, jsonCT, `{"nin":"۰۰۱۲۳۴۵۶۷۹","birthDate":"۱۳۷۰/۰۵/۱۲"}`, 200, []string{`"nin":"0012345679"`}},
		{"identity deceased", "POST", identity, jsonCT, `{"nin":"` + dead.NationalCode + `","birthDate":"` + compact(dead.BirthDate) + `"}`, 200,
			[]string{`"deathStatus":1`, `"deathDate":"13981015"`}},
		{"identity birth date mismatch", "POST", identity, jsonCT, `{"nin":"` + ord.NationalCode + `","birthDate":"13700513"}`, 422,
			[]string{`"code":"birth-date-mismatch"`, "تاریخ تولد با کد ملی مطابقت ندارد"}},
		{"identity bad checksum", "POST", identity, jsonCT, `{"nin":"0012345678","birthDate":"13700512"}`, 400, []string{`"code":"checksum"`, `"detail_fa"`, `"field":"nin"`}},
		{"identity bad date", "POST", identity, jsonCT, `{"nin":"` + ord.NationalCode + `","birthDate":"13701312"}`, 400, []string{`"field":"birthDate"`}},
		{"identity unknown", "POST", identity, jsonCT, `{"nin":"` + unknownNC + `","birthDate":"13700512"}`, 404, []string{`"code":"not-found"`}},
		{"identity wrong JSON", "POST", identity, jsonCT, `{"nin":`, 400, []string{`"code":"json"`}},
		{"identity wrong type", "POST", identity, jsonCT, `{"nin":12}`, 400, []string{`"code":"json"`}},
		{"identity empty body", "POST", identity, jsonCT, ``, 400, []string{`"code":"json"`, "the request body is empty", "بدنهٔ درخواست خالی است"}},
		{"identity wrong content type", "POST", identity, "text/plain", `{}`, 415, []string{`"code":"content-type"`}},
		{"identity too large", "POST", identity, jsonCT, `{"nin":"` + strings.Repeat("1", 20000) + `"}`, 413, []string{`"code":"too-large"`}},
		{"identity wrong method", "GET", identity, "", "", 405, []string{`"code":"method-not-allowed"`, `"request_id":"`}},
		{"unknown path", "GET", "/registry/nothing-here", "", "", 404, []string{`"code":"not-found"`, `"title_fa"`, `"request_id":"`}},
		{"shahkar match", "POST", shahkarP, jsonCT, shahkar(ord.Mobiles[0], ord.NationalCode), 200, []string{`"response":200`, `"requestId":"PNJ1"`, `"result":"OK"`}},
		{"shahkar second line", "POST", shahkarP, jsonCT, shahkar(two.Mobiles[1], two.NationalCode), 200, []string{`"response":200`}},
		{"shahkar +98 form", "POST", shahkarP, jsonCT, shahkar("+98 915 123 4567", two.NationalCode), 200, []string{`"response":200`}},
		{"shahkar someone else's line", "POST", shahkarP, jsonCT, shahkar(borrowed.ClaimedMobile, borrowed.NationalCode), 200, []string{`"response":600`}},
		{"shahkar unknown line", "POST", shahkarP, jsonCT, shahkar("09129999999", ord.NationalCode), 200, []string{`"response":600`}},
		{"shahkar bad mobile", "POST", shahkarP, jsonCT, shahkar("0812345678", ord.NationalCode), 200, []string{`"response":311`}},
		{"shahkar bad code", "POST", shahkarP, jsonCT, shahkar(ord.Mobiles[0], "123"), 200, []string{`"response":311`}},
		{"shahkar bad service type", "POST", shahkarP, jsonCT, strings.Replace(shahkar(ord.Mobiles[0], ord.NationalCode), `"serviceType":2`, `"serviceType":1`, 1), 200, []string{`"response":311`}},
		{"shahkar not JSON", "POST", shahkarP, jsonCT, `nope`, 400, []string{`"code":"json"`}},
		{"address", "POST", addressP, jsonCT, `{"Postalcode":"` + ord.PostalCode + `"}`, 200,
			[]string{`"province":"تهران"`, `"townShip":"تهران"`, `"postCode":"` + ord.PostalCode + `"`, `"errorCode":0`, `"traceID"`, `"street2"`, `"sideFloor"`}},
		{"address dashed", "POST", addressP, jsonCT, `{"Postalcode":"13157-34567"}`, 200, []string{`"postCode":"1315734567"`}},
		{"address bad", "POST", addressP, jsonCT, `{"Postalcode":"0123456789"}`, 400, []string{`"code":"forbidden-digit"`}},
		{"address unknown", "POST", addressP, jsonCT, `{"Postalcode":"1999999999"}`, 404, nil},
		{"residence person", "GET", "/registry/residence/" + ord.NationalCode, "", "", 200, []string{`"kind":"person"`, `"postalCode":"` + ord.PostalCode + `"`, `"address":{`}},
		{"residence company", "GET", "/registry/residence/" + ceo.LegalID, "", "", 200, []string{`"kind":"legal-person"`, `"postalCode":"1513745678"`}},
		{"residence bad", "GET", "/registry/residence/12345", "", "", 400, []string{`"code":"length"`}},
		{"residence unknown", "GET", "/registry/residence/" + unknownNC, "", "", 404, nil},
		{"legal person", "GET", "/registry/legal-persons/" + ceo.LegalID, "", "", 200,
			[]string{`"name":"شرکت پارس نوین فناوری اطلاعات سهامی خاص"`, `"role":"مدیر عامل"`, `"nationalCode":"` + ceo.NationalCode + `"`, `"to":"`}},
		{"legal person bad", "GET", "/registry/legal-persons/10101234566", "", "", 400, []string{`"code":"checksum"`}},
		{"legal person unknown", "GET", "/registry/legal-persons/14009876545", "", "", 404, nil},
		{"family", "GET", "/registry/persons/" + minor.NationalCode + "/family", "", "", 200, []string{`"relationType":"father"`, `"relationType":"mother"`}},
		{"family of the father", "GET", "/registry/persons/" + persona(t, "husband").NationalCode + "/family", "", "", 200,
			[]string{`"relationType":"spouse"`, `"relationType":"child"`, `"personNin":"` + minor.NationalCode + `"`}},
		{"family bad", "GET", "/registry/persons/abc/family", "", "", 400, []string{`"code":"non-digit"`}},
		{"licences", "GET", "/registry/persons/" + persona(t, "licence-expiring").NationalCode + "/driving-licences", "", "", 200, []string{`"class":"پایه دو"`, `"class":"موتورسیکلت"`}},
		{"licences none", "GET", "/registry/persons/" + minor.NationalCode + "/driving-licences", "", "", 200, []string{`"drivingLicences":[]`}},
		{"licences unknown person", "GET", "/registry/persons/" + unknownNC + "/driving-licences", "", "", 404, nil},
		{"vehicles by owner", "GET", "/registry/persons/" + ins.NationalCode + "/vehicles", "", "", 200, []string{`"plate":"63S78946"`}},
		{"vehicle canonical", "GET", "/registry/vehicles/63S78946", "", "", 200, []string{`"plateFa":"۶۳ س ۷۸۹ ایران ۴۶"`, `"model":"پراید ۱۳۱"`}},
		{"vehicle Persian", "GET", "/registry/vehicles/" + url.PathEscape("۶۳ س ۷۸۹ ایران ۴۶"), "", "", 200, []string{`"plate":"63S78946"`}},
		{"vehicle bad plate", "GET", "/registry/vehicles/XYZ", "", "", 400, []string{`"code":"plate"`}},
		{"vehicle unknown", "GET", "/registry/vehicles/99Y99999", "", "", 404, nil},
		{"insurance by plate", "GET", "/registry/vehicles/63S78946/insurance", "", "", 200, []string{`"insurer":"بیمه آسیا"`}},
		{"insurance by owner", "GET", "/registry/persons/" + ins.NationalCode + "/insurance", "", "", 200, []string{`"plate":"63S78946"`}},
		{"passports", "GET", "/registry/persons/" + ceo.NationalCode + "/passports", "", "", 200, []string{`"number":"Z00000001"`}},
		{"education", "GET", "/registry/persons/" + ord.NationalCode + "/education", "", "", 200, []string{`"level":"کارشناسی"`, `"institution":"دانشگاه صنعتی شریف"`}},
		{"foreigner", "GET", "/registry/foreigners/" + fore.FIDA, "", "", 200, []string{`"nationality":"افغانستان"`, `"firstNameEn":"Ahmad"`}},
		{"foreigner bad", "GET", "/registry/foreigners/12", "", "", 400, []string{`"code":"length"`}},
		{"foreigner unknown", "GET", "/registry/foreigners/999999999999", "", "", 404, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			req, _ := http.NewRequest(c.method, srv.URL+c.path, body)
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, b)
			}
			if c.status >= 400 && c.status != 405 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("content type %q, want problem+json", resp.Header.Get("Content-Type"))
			}
			for _, w := range c.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("body lacks %s:\n%s", w, b)
				}
			}
		})
	}
}
