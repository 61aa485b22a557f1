package console_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web/webtest"
)

// scenario is one request of a table-driven test: who sends what, and
// what must come back.
type scenario struct {
	name    string
	who     string // a key of viewers, or "" for someone not logged in
	method  string // GET when empty
	path    string
	form    url.Values
	noToken bool
	status  int
	// location is the start of the redirect's target.
	location string
	want     []string
	not      []string
}

// run plays the scenarios in order, each from a browser of its person.
func (e *env) run(t *testing.T, tests []scenario) {
	t.Helper()
	browsers := map[string]*browser{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := browsers[tt.who]
			if b == nil {
				b = e.browser(tt.who)
				browsers[tt.who] = b
			}
			var res *http.Response
			var body string
			if tt.method == http.MethodPost {
				res, body = b.post(tt.path, tt.form, tt.noToken)
			} else {
				res, body = b.get(tt.path)
			}
			if res.StatusCode != tt.status {
				t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, res.StatusCode, tt.status)
			}
			if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, tt.location) || (tt.location == "") != (loc == "") {
				t.Errorf("Location %q, want %q", loc, tt.location)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q", w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(body, w) {
					t.Errorf("body has %q", w)
				}
			}
			if i := strings.Index(body, "<body"); i >= 0 && strings.Contains(body[:i], "<th") {
				t.Error("a table heading is inside <head>")
			}
			if res.StatusCode != http.StatusSeeOther && res.StatusCode < 500 {
				if diff := cmp.Diff([]string(nil), webtest.AccessibilityProblems(body)); diff != "" {
					t.Errorf("accessibility (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// section returns the part of body from the element with the given id
// to the end of its table.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</table>")
	if j < 0 {
		return body[i:]
	}
	return body[i : i+j]
}

func TestAccess(t *testing.T) {
	e := newEnv(t)
	agency := "/console/catalog/" + e.agency.Code
	svc := agency + "/services/" + e.mine.ID
	save := editForm(e.mine, 1, url.Values{"action": {"save"}, "title_en": {"Changed by the wrong person"}})
	outage := url.Values{"starts": {"2026-11-25T22:00"}, "ends": {"2026-11-26T02:00"}, "message_fa": {"به‌روزرسانی"}, "message_en": {"Upgrade"}}
	var names []string
	for _, a := range e.content.Agencies {
		names = append(names, a.Name.Fa)
	}
	e.run(t, []scenario{
		{name: "not logged in: the console sends to log in", path: "/console/catalog", status: 303,
			location: "/login?return=%2Fconsole%2Fcatalog"},
		{name: "not logged in: an agency page sends to log in and back", path: agency, status: 303,
			location: "/login?return=" + url.QueryEscape(agency)},
		{name: "not logged in: a form sends to log in", method: "POST", path: svc, form: save, status: 303,
			location: "/login?return=%2Fconsole%2Fcatalog"},
		{name: "no rights: refused in both languages", who: "citizen", path: "/console/catalog", status: 403,
			want: []string{"دسترسی به این بخش ندارید", "You have no access to this part", `lang="en"`}},
		{name: "no rights: refused in English too", who: "citizen", path: "/console/catalog?lang=en", status: 403,
			want: []string{"You have no access to this part", "ask the catalog&#39;s officer", `lang="fa"`, "دسترسی به این بخش ندارید"}},
		{name: "no rights: agency page refused", who: "citizen", path: agency, status: 403},
		{name: "another agency's staff: agency page refused", who: "other", path: agency, status: 403},
		{name: "another agency's staff: service page refused", who: "other", path: svc, status: 403},
		{name: "another agency's staff: versions refused", who: "other", path: svc + "/versions", status: 403},
		{name: "another agency's staff: new service refused", who: "other", path: agency + "/services/new", status: 403},
		{name: "another agency's staff: save refused", who: "other", method: "POST", path: svc, form: save, status: 403},
		{name: "another agency's staff: new service save refused", who: "other", method: "POST", path: agency + "/services/new",
			form: editForm(e.mine, 0, url.Values{"action": {"save"}, "id": {e.mine.ID[:3] + "9990"}}), status: 403},
		{name: "another agency's staff: outage refused", who: "other", method: "POST", path: svc + "/outages", form: outage, status: 403},
		{name: "staff: not the ministry's staff page", who: "staff", path: "/console/catalog/staff", status: 403},
		{name: "staff: not the ministry's grant form", who: "staff", method: "POST", path: "/console/catalog/staff/grant",
			form: url.Values{"national_code": {staffCode}, "agency": {e.other.Code}}, status: 403},
		{name: "staff sees only their agency", who: "staff", path: "/console/catalog", status: 200,
			want: []string{e.agency.Name.Fa, `href="` + agency + `"`, "زهرا کارمند"}, not: []string{e.other.Name.Fa, "/console/catalog/staff"}},
		{name: "other staff sees only theirs", who: "other", path: "/console/catalog?lang=en", status: 200,
			want: []string{e.other.Name.En}, not: []string{e.agency.Name.En}},
		{name: "overseer sees every agency", who: "overseer", path: "/console/catalog", status: 200,
			want: append(names, `href="/console/catalog/staff"`)},
		{name: "overseer may open any agency", who: "overseer", path: "/console/catalog/" + e.other.Code, status: 200},
		{name: "a service of another agency under this agency's address", who: "staff",
			path: agency + "/services/" + e.othersService.ID, status: 404},
		{name: "unknown agency", who: "staff", path: "/console/catalog/no-such-agency", status: 404},
		{name: "unknown service", who: "staff", path: agency + "/services/9999999", status: 404},
		{name: "save without CSRF token refused", who: "staff", method: "POST", path: svc, form: save, noToken: true, status: 403,
			want: []string{"درخواست پذیرفته نشد"}},
		{name: "outage without CSRF token refused", who: "staff", method: "POST", path: svc + "/outages", form: outage, noToken: true, status: 403},
		{name: "grant without CSRF token refused", who: "overseer", method: "POST", path: "/console/catalog/staff/grant",
			form: url.Values{"national_code": {citizenCode}, "agency": {e.agency.Code}}, noToken: true, status: 403},
	})
	// Nothing the refused requests asked for happened.
	if _, v := e.service(e.mine.ID); v != 1 {
		t.Errorf("version %d after refused saves, want 1", v)
	}
	if list, err := e.store.Outages(context.Background(), e.mine.ID); err != nil || len(list) != 0 {
		t.Errorf("outages after refused requests: %+v %v", list, err)
	}
	if agencies, err := e.store.StaffOf(context.Background(), citizenCode); err != nil || len(agencies) != 0 {
		t.Errorf("citizen is staff of %v (%v)", agencies, err)
	}
	if n := e.changed.Load(); n != 0 {
		t.Errorf("Changed called %d times", n)
	}
}

func TestEditPreviewSave(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.mine.ID
	svc := "/console/catalog/" + e.agency.Code + "/services/" + id
	e.run(t, []scenario{
		{name: "edit form", who: "staff", path: svc + "?lang=en", status: 200,
			want: []string{"Edit service " + id, `name="base" value="1"`, `value="` + e.mine.Title.En + `"`,
				`name="fee_rows" value="` + itoa(len(e.mine.Fees)+2) + `"`, `name="step_rows" value="` + itoa(len(e.mine.Steps)+2) + `"`,
				`id="svc-reviewed-today"`, `name="action" value="preview"`, `name="action" value="save"`, "Announce an outage"}},
		{name: "preview shows the guide and saves nothing", who: "staff", method: "POST", path: svc + "?lang=en",
			form: editForm(e.mine, 1, url.Values{"action": {"preview"}, "title_en": {"A previewed title"},
				"step_0_title_en": {"A previewed step"}}), status: 200,
			want: []string{"Preview: what the public will see", "<h3>A previewed title</h3>", "<strong>A previewed step</strong>",
				"This preview has not been saved.", `value="A previewed title"`}},
		{name: "preview in Persian", who: "staff", method: "POST", path: svc + "?lang=fa",
			form: editForm(e.mine, 1, url.Values{"action": {"preview"}}), status: 200,
			want: []string{"پیش‌نمایش: آنچه مردم می‌بینند", "<h3>" + e.mine.Title.Fa + "</h3>"}},
		{name: "problems are shown and nothing is saved", who: "staff", method: "POST", path: svc + "?lang=en",
			form: editForm(e.mine, 1, url.Values{"action": {"save"}, "title_en": {""}, "assurance": {"loa7"},
				"summary_en": {"A summary kept as typed."}, "days": {"soon"}}), status: 422,
			want: []string{"The record was not saved", `<a href="#svc-title-en">Title (English): needs both the Persian and the English text.</a>`,
				`<a href="#svc-assurance">`, "choose one of the options listed.", "The processing time must be a whole number of working days.",
				"A summary kept as typed.</textarea>", `aria-invalid="true"`, `id="svc-title-en-error"`, `value="soon"`}},
		{name: "problems in Persian", who: "staff", method: "POST", path: svc + "?lang=fa",
			form: editForm(e.mine, 1, url.Values{"action": {"save"}, "title_fa": {""}}), status: 422,
			want: []string{"رکورد ذخیره نشد", "عنوان (فارسی): باید هم به فارسی و هم به انگلیسی نوشته شود."}},
		{name: "a fee row's problem is shown beside it", who: "staff", method: "POST", path: svc + "?lang=en",
			form: editForm(e.mine, 1, url.Values{"action": {"save"}, "fee_0_title_fa": {"هزینه"}, "fee_0_title_en": {"A fee"},
				"fee_0_rials": {"-5"}, "fee_0_payment": {"online"}, "fee_rows": {"1"}}), status: 422,
			want: []string{`<a href="#svc-fee-0-rials">Fee 1, Amount (rials): The amount must be a whole, non-negative number of rials.</a>`}},
		{name: "save", who: "staff", method: "POST", path: svc,
			form: editForm(e.mine, 1, url.Values{"action": {"save"}, "title_en": {"An edited title"}, "reviewed_today": {"on"},
				"note": {"title clarified"}}), status: 303,
			location: "/console/catalog/" + e.agency.Code + "?saved=" + id + "&version=2"},
		{name: "the agency page confirms", who: "staff", path: "/console/catalog/" + e.agency.Code + "?saved=" + id + "&version=2&lang=en",
			status: 200, want: []string{`role="status">Service ` + id + ` was saved as version 2.`, "An edited title"}},
		{name: "the version history lists the save", who: "staff", path: svc + "/versions?lang=en", status: 200,
			want: []string{"Version history of service " + id, "title clarified", `<th scope="row">2</th>`, `<th scope="row">1</th>`,
				staffCode, "The catalog&#39;s data files", `<time datetime="2026-11-24">24 November 2026</time>`}},
		{name: "the version history in Persian shows both calendars", who: "staff", path: svc + "/versions?lang=fa", status: 200,
			want: []string{"۳ آذر ۱۴۰۵", "2026-11-24", "۱۱:۳۰"}},
		{name: "a save from the old version is a conflict", who: "staff", method: "POST", path: svc + "?lang=en",
			form: editForm(e.mine, 1, url.Values{"action": {"save"}, "title_en": {"A stale edit"}}), status: 409,
			want: []string{"Someone else saved this record meanwhile", `href="` + svc + `">Open the newest version`, `value="A stale edit"`}},
	})
	sv, v := e.service(id)
	if v != 2 || sv.Title.En != "An edited title" || sv.Reviewed != "2026-11-24" || sv.Agency != e.agency.Code {
		t.Errorf("saved: version %d, title %q, reviewed %q, agency %q", v, sv.Title.En, sv.Reviewed, sv.Agency)
	}
	if diff := cmp.Diff(e.mine.Steps, sv.Steps); diff != "" {
		t.Errorf("steps changed by a round trip through the form (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(e.mine.Fees, sv.Fees); diff != "" {
		t.Errorf("fees changed by a round trip through the form (-want +got):\n%s", diff)
	}
	vs, err := e.store.Versions(ctx, id)
	if err != nil || len(vs) != 2 || vs[0].SavedBy != staffCode || vs[0].Note != "title clarified" {
		t.Errorf("versions: %+v %v", vs, err)
	}
	if err := e.audit.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := e.audit.List(ctx, audit.Filter{Subject: id})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Kind != catalog.EventServiceSaved ||
		page.Entries[0].Actor != audit.ActorPerson(staffCode) || page.Entries[0].Details["version"] != "2" {
		t.Errorf("audit: %+v %v", page, err)
	}
	if n := e.changed.Load(); n != 1 {
		t.Errorf("Changed called %d times, want 1", n)
	}
}

func TestNewService(t *testing.T) {
	e := newEnv(t)
	agency := "/console/catalog/" + e.agency.Code
	id := itoa(e.agency.Number) + "9990"
	form := func(changes url.Values) url.Values {
		sv := e.mine
		sv.Title = catalog.Text{Fa: "خدمت آزمایشی", En: "A test service"}
		f := editForm(sv, 0, url.Values{"action": {"save"}, "id": {id}, "note": {"new"}})
		delete(f, "base")
		for k, v := range changes {
			f[k] = v
		}
		return f
	}
	wrong := itoa(e.other.Number) + "9990"
	e.run(t, []scenario{
		{name: "new service form", who: "staff", path: agency + "/services/new?lang=en", status: 200,
			want: []string{"New service of " + e.agency.Name.En, `id="svc-id"`, `name="base" value="0"`, "— choose —",
				`value="2026-11-24"`}},
		{name: "an ID of another agency", who: "staff", method: "POST", path: agency + "/services/new?lang=en",
			form: form(url.Values{"id": {wrong}}), status: 422,
			want: []string{"must start with the agency&#39;s number, " + itoa(e.agency.Number) + ".", `value="` + wrong + `"`}},
		{name: "an ID in use", who: "staff", method: "POST", path: agency + "/services/new?lang=en",
			form: form(url.Values{"id": {e.mine.ID}}), status: 422,
			want: []string{"is already the ID of another service."}},
		{name: "saved", who: "staff", method: "POST", path: agency + "/services/new",
			form: form(url.Values{"agency": {e.other.Code}}), status: 303,
			location: agency + "?saved=" + id + "&version=1"},
		{name: "listed", who: "staff", path: agency + "?lang=en", status: 200, want: []string{"A test service", `href="` + agency + "/services/" + id + `"`}},
	})
	sv, v := e.service(id)
	if v != 1 || sv.Agency != e.agency.Code || sv.Title.En != "A test service" {
		t.Errorf("new service: version %d agency %q title %q", v, sv.Agency, sv.Title.En)
	}
}

func TestStaleList(t *testing.T) {
	e := newEnv(t)
	// The civil registry's first record was last reviewed two years ago;
	// another was reviewed last month.
	old := e.mine
	old.Reviewed = testNow.AddDate(-2, 0, 0).Format(time.DateOnly)
	e.save(old, 1, "")
	fresh := e.mine
	fresh.ID = itoa(e.agency.Number) + "9991"
	fresh.Title = catalog.Text{Fa: "خدمت تازه‌بازبینی‌شده", En: "A freshly reviewed service"}
	fresh.Reviewed = testNow.AddDate(0, -1, 0).Format(time.DateOnly)
	e.save(fresh, 0, "")

	cut := "2025-11-24" // a year before testNow, in Tehran
	stale := 0
	for _, s := range e.snapshot().Services {
		if s.Agency == e.agency.Code && s.Reviewed < cut {
			stale++
		}
	}
	_, body := e.browser("staff").get("/console/catalog/" + e.agency.Code + "?lang=en")
	if !strings.Contains(body, "Not reviewed for over a year ("+itoa(stale)+")") {
		t.Errorf("no stale heading with %d", stale)
	}
	if strings.Index(body, `id="stale"`) > strings.Index(body, `id="all"`) {
		t.Error("the stale records are not listed first")
	}
	staleTable := section(body, "stale")
	if !strings.Contains(staleTable, old.ID) || !strings.Contains(staleTable, `<time datetime="`+old.Reviewed+`"`) {
		t.Errorf("stale table lacks %s reviewed %s:\n%s", old.ID, old.Reviewed, staleTable)
	}
	if strings.Contains(staleTable, fresh.ID) {
		t.Errorf("stale table lists %s, reviewed last month", fresh.ID)
	}
	if all := section(body, "all"); !strings.Contains(all, fresh.ID) || !strings.Contains(all, old.ID) {
		t.Error("the full list lacks a record")
	}
	if !strings.Contains(body, `href="/console/catalog/`+e.agency.Code+`/services/new"`) {
		t.Error("no link to add a service")
	}
}

func TestOutages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	svc := "/console/catalog/" + e.agency.Code + "/services/" + e.mine.ID
	good := url.Values{"starts": {"2026-11-25T22:00"}, "ends": {"2026-11-26T02:00"},
		"message_fa": {"به‌روزرسانی سامانه"}, "message_en": {"System upgrade"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for kk, vv := range good {
			f[kk] = vv
		}
		f.Set(k, v)
		return f
	}
	e.run(t, []scenario{
		{name: "end before start", who: "staff", method: "POST", path: svc + "/outages?lang=en", form: with("ends", "2026-11-25T21:00"),
			status: 422, want: []string{`<a href="#out-ends">Ends (Tehran time): The outage must end after it starts.</a>`, `value="2026-11-25T21:00"`}},
		{name: "end before start, in Persian", who: "staff", method: "POST", path: svc + "/outages?lang=fa", form: with("ends", "2026-11-25T21:00"),
			status: 422, want: []string{"پایان قطعی باید پس از آغاز آن باشد."}},
		{name: "no English", who: "staff", method: "POST", path: svc + "/outages?lang=en", form: with("message_en", " "),
			status: 422, want: []string{"Write the announcement in English.", "به‌روزرسانی سامانه</textarea>"}},
		{name: "no English, in Persian", who: "staff", method: "POST", path: svc + "/outages?lang=fa", form: with("message_en", ""),
			status: 422, want: []string{"متن انگلیسی اطلاعیه را بنویسید."}},
		{name: "not a date", who: "staff", method: "POST", path: svc + "/outages?lang=en", form: with("starts", "tomorrow"),
			status: 422, want: []string{"Enter the date and time as 2026-11-24T22:00."}},
		{name: "already over", who: "staff", method: "POST", path: svc + "/outages?lang=en",
			form:   url.Values{"starts": {"2026-11-20T10:00"}, "ends": {"2026-11-21T10:00"}, "message_fa": {"الف"}, "message_en": {"A"}},
			status: 422, want: []string{"That end has passed; enter a time in the future."}},
		{name: "announced", who: "staff", method: "POST", path: svc + "/outages", form: good, status: 303,
			location: svc + "?outage=added"},
	})
	list, err := e.store.Outages(ctx, e.mine.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("outages: %+v %v", list, err)
	}
	o := list[0]
	if want := time.Date(2026, 11, 25, 18, 30, 0, 0, time.UTC); !o.Starts.Equal(want) || o.Message.En != "System upgrade" {
		t.Errorf("outage starts %v (want %v, 22:00 in Tehran), message %+v", o.Starts, want, o.Message)
	}
	end := svc + "/outages/" + o.ID + "/end"
	e.run(t, []scenario{
		{name: "listed", who: "staff", path: svc + "?outage=added&lang=en", status: 200,
			want: []string{"The outage was announced.", "System upgrade", `action="` + end + `"`, "End now", "Planned", "22:00"}},
		{name: "counted on the agency page", who: "staff", path: "/console/catalog/" + e.agency.Code, status: 200},
		{name: "another agency's staff cannot end it", who: "other", method: "POST", path: end, status: 403},
		{name: "an unknown outage", who: "staff", method: "POST", path: svc + "/outages/nope/end", status: 404},
		{name: "ended", who: "staff", method: "POST", path: end, status: 303, location: svc + "?outage=ended"},
		{name: "gone from the list", who: "staff", path: svc + "?outage=ended&lang=en", status: 200,
			want: []string{"The outage was ended.", "No current or future outage is announced."}, not: []string{end}},
		{name: "cannot be ended twice", who: "staff", method: "POST", path: end, status: 404},
	})
	if err := e.audit.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := e.audit.List(ctx, audit.Filter{Subject: e.mine.ID})
	var kinds []audit.Kind
	for _, en := range page.Entries {
		kinds = append(kinds, en.Kind)
	}
	if err != nil || !slices.Equal(kinds, []audit.Kind{catalog.EventOutageEnded, catalog.EventOutageAdded}) {
		t.Errorf("audit: %v %v", kinds, err)
	}
	if n := e.changed.Load(); n != 2 {
		t.Errorf("Changed called %d times, want 2", n)
	}
}

func TestStaffGrants(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	badCode := citizenCode[:9] + string(rune('0'+(citizenCode[9]-'0'+1)%10))
	e.run(t, []scenario{
		{name: "grants listed", who: "overseer", path: "/console/catalog/staff?lang=en", status: 200,
			want: []string{"Agency staff of the service catalog", staffCode, otherCode, e.agency.Name.En, "Revoke", `id="grant-national-code"`}},
		{name: "a citizen cannot open the agency", who: "citizen", path: "/console/catalog/" + e.agency.Code, status: 403},
		{name: "a wrong check digit", who: "overseer", method: "POST", path: "/console/catalog/staff/grant?lang=en",
			form: url.Values{"national_code": {badCode}, "agency": {e.agency.Code}}, status: 422,
			want: []string{"The check digit of the national code does not match", `value="` + badCode + `"`}},
		{name: "a wrong check digit, in Persian", who: "overseer", method: "POST", path: "/console/catalog/staff/grant?lang=fa",
			form: url.Values{"national_code": {badCode}, "agency": {e.agency.Code}}, status: 422,
			want: []string{"رقم کنترل کد ملی درست نیست"}},
		{name: "no agency", who: "overseer", method: "POST", path: "/console/catalog/staff/grant?lang=en",
			form: url.Values{"national_code": {citizenCode}, "agency": {"nowhere"}}, status: 422,
			want: []string{"Choose the agency from the list."}},
		{name: "granted, typed in Persian digits", who: "overseer", method: "POST", path: "/console/catalog/staff/grant",
			form: url.Values{"national_code": {iran.ToPersianDigits(citizenCode)}, "agency": {e.agency.Code}}, status: 303,
			location: "/console/catalog/staff?agency=" + e.agency.Code + "&granted=" + citizenCode},
		{name: "the grant is confirmed", who: "overseer", path: "/console/catalog/staff?agency=" + e.agency.Code + "&granted=" + citizenCode + "&lang=en",
			status: 200, want: []string{citizenCode + " was granted access to " + e.agency.Name.En}},
		{name: "the citizen now opens the agency", who: "citizen", path: "/console/catalog/" + e.agency.Code, status: 200},
		{name: "revoked", who: "overseer", method: "POST", path: "/console/catalog/staff/revoke",
			form: url.Values{"national_code": {citizenCode}, "agency": {e.agency.Code}}, status: 303,
			location: "/console/catalog/staff?agency=" + e.agency.Code + "&revoked=" + citizenCode},
		{name: "the citizen is refused again", who: "citizen", path: "/console/catalog/" + e.agency.Code, status: 403},
	})
	if agencies, err := e.store.StaffOf(ctx, citizenCode); err != nil || len(agencies) != 0 {
		t.Errorf("after revoke: %v %v", agencies, err)
	}
	if err := e.audit.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := e.audit.List(ctx, audit.Filter{Subject: citizenCode})
	var kinds []audit.Kind
	for _, en := range page.Entries {
		kinds = append(kinds, en.Kind)
		if en.Actor != audit.ActorPerson(overseerCode) {
			t.Errorf("audit actor %q", en.Actor)
		}
	}
	if err != nil || !slices.Equal(kinds, []audit.Kind{catalog.EventStaffRevoked, catalog.EventStaffGranted}) {
		t.Errorf("audit: %v %v", kinds, err)
	}
}
