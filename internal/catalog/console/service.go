package console

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

// servicePage is the data of the edit page of a service, new or saved.
type servicePage struct {
	New       bool
	Heading   string
	Agency    catalog.Agency
	ID        string
	Base      int
	Reviewed  time.Time // the saved record's last review; zero when unknown
	UpdatedBy string
	Action    string
	AgencyURL string
	EditURL   string
	// VersionsURL is empty for a new service.
	VersionsURL   string
	Form          formView
	FeeRows       int
	StepRows      int
	ProblemsTitle string
	Preview       *preview
	Conflict      bool
	Status        *web.Text
	Outages       *outageSection
}

// serviceState is what an edit page shows besides the saved record.
type serviceState struct {
	isNew    bool
	saved    *catalog.Version // nil for a new service
	form     serviceForm
	base     int
	probs    []problem
	preview  *catalog.Service
	conflict bool
	outage   outageForm
	status   *web.Text
}

// record checks the person's access to the agency in the URL (agencyAccess)
// and returns the saved record of the service in the URL, which must be
// the agency's, or answers itself. The newest version is read from the
// database, not from the snapshot, so that the editor starts from what is
// saved even before the site has reloaded.
func (c *Console) record(w http.ResponseWriter, r *http.Request) (access, catalog.Version, bool) {
	a, ok := c.agencyAccess(w, r)
	if !ok {
		return a, catalog.Version{}, false
	}
	vs, err := c.Store.Versions(r.Context(), r.PathValue("id"))
	if err != nil {
		c.m.ServerError(w, r, err)
		return a, catalog.Version{}, false
	}
	if len(vs) == 0 || vs[0].Record.Agency != a.agency.Code {
		c.m.NotFound(w, r)
		return a, catalog.Version{}, false
	}
	return a, vs[0], true
}

func (c *Console) editService(w http.ResponseWriter, r *http.Request) {
	a, ver, ok := c.record(w, r)
	if !ok {
		return
	}
	st := serviceState{saved: &ver, form: formOf(ver.Record), base: ver.Version}
	switch r.URL.Query().Get("outage") {
	case "added":
		st.status = ptr(messages["outages.added"])
	case "ended":
		st.status = ptr(messages["outages.ended"])
	}
	c.renderService(w, r, http.StatusOK, a, st)
}

func (c *Console) newService(w http.ResponseWriter, r *http.Request) {
	a, ok := c.agencyAccess(w, r)
	if !ok {
		return
	}
	f := serviceForm{ID: nextID(a.sn, a.agency), Days: "0", Reviewed: c.today()}
	f.padRows()
	c.renderService(w, r, http.StatusOK, a, serviceState{isNew: true, form: f})
}

func (c *Console) postService(w http.ResponseWriter, r *http.Request) {
	a, ver, ok := c.record(w, r)
	if !ok {
		return
	}
	f := readForm(r)
	f.ID = ver.Record.ID
	base, _ := strconv.Atoi(r.PostFormValue("base"))
	c.submit(w, r, a, serviceState{saved: &ver, form: f, base: base})
}

func (c *Console) postNewService(w http.ResponseWriter, r *http.Request) {
	a, ok := c.agencyAccess(w, r)
	if !ok {
		return
	}
	c.submit(w, r, a, serviceState{isNew: true, form: readForm(r)})
}

// submit previews or saves a posted record. The agency is always the
// URL's, so a record cannot be moved to another agency.
func (c *Console) submit(w http.ResponseWriter, r *http.Request, a access, st serviceState) {
	sv, probs := st.form.parse(a.agency.Code, c.today())
	if st.isNew && slices.ContainsFunc(a.sn.Services, func(x catalog.Service) bool { return x.ID == sv.ID }) {
		probs = append(probs, problem{"id", messages["p.id.used"]})
	}
	st.probs = append(probs, fromCatalog(checkRecord(a.sn, sv))...)
	if r.PostFormValue("action") != "save" {
		st.preview = &sv
		c.renderService(w, r, http.StatusOK, a, st)
		return
	}
	if len(st.probs) > 0 {
		c.renderService(w, r, http.StatusUnprocessableEntity, a, st)
		return
	}
	v, err := c.Store.SaveService(r.Context(), a.sn, sv, st.base, a.v.NationalCode, st.form.Note)
	var cp catalog.Problems
	switch {
	case errors.As(err, &cp):
		st.probs = fromCatalog(cp)
		c.renderService(w, r, http.StatusUnprocessableEntity, a, st)
		return
	case errors.Is(err, catalog.ErrConflict) && st.isNew:
		st.probs = []problem{{"id", messages["p.id.used"]}}
		c.renderService(w, r, http.StatusUnprocessableEntity, a, st)
		return
	case errors.Is(err, catalog.ErrConflict):
		st.conflict = true
		c.renderService(w, r, http.StatusConflict, a, st)
		return
	case err != nil:
		c.m.ServerError(w, r, err)
		return
	}
	c.changed(r)
	http.Redirect(w, r, agencyURL(a.agency.Code, url.Values{"saved": {sv.ID}, "version": {strconv.Itoa(v)}}), http.StatusSeeOther)
}

func (c *Console) renderService(w http.ResponseWriter, r *http.Request, status int, a access, st serviceState) {
	lang := web.LangOf(r)
	p := servicePage{New: st.isNew, Agency: a.agency, Base: st.base, AgencyURL: agencyURL(a.agency.Code, nil),
		Form: buildForm(a.sn, a.agency, st.form, st.probs, st.isNew), FeeRows: len(st.form.Fees), StepRows: len(st.form.Steps),
		ProblemsTitle: "service.problems", Conflict: st.conflict, Status: st.status}
	if st.isNew {
		p.Heading = in(lang, "service.new.title", a.agency.Name.In(lang))
		p.Action = agencyURL(a.agency.Code, nil) + "/services/new"
	} else {
		rec := st.saved.Record
		p.ID, p.UpdatedBy = rec.ID, st.saved.SavedBy
		p.Heading = in(lang, "service.title", rec.ID, rec.Title.In(lang))
		p.EditURL = serviceURL(a.agency.Code, rec.ID)
		p.Action, p.VersionsURL = p.EditURL, p.EditURL+"/versions"
		p.Reviewed, _ = reviewedDate(rec.Reviewed)
		sec, err := c.outageSection(r, a, rec.ID, st.outage)
		if err != nil {
			c.m.ServerError(w, r, err)
			return
		}
		p.Outages = sec
	}
	if st.preview != nil {
		p.Preview = newPreview(*st.preview)
		p.ProblemsTitle = "preview.problems"
	}
	c.m.Render(w, r, status, c.pages, web.Page{Name: "service.html", Title: p.Heading, Data: p})
}

// preview is a record as the public's guide page shows it.
type preview struct {
	Svc          catalog.Service
	Days         web.Text
	Availability web.Text
	Channels     []web.Text
	Fees         []feePreview
}

type feePreview struct {
	Title   web.Text
	Rials   int64
	Payment web.Text
}

func newPreview(sv catalog.Service) *preview {
	p := &preview{Svc: sv, Availability: messages["availability."+sv.Availability], Days: messages["preview.once"]}
	if sv.Days > 0 {
		p.Days = textf("preview.days", sv.Days)
	}
	for _, ch := range sv.Channels {
		if t, ok := messages["channel."+ch]; ok {
			p.Channels = append(p.Channels, t)
		}
	}
	for _, f := range sv.Fees {
		p.Fees = append(p.Fees, feePreview{Title: f.Title, Rials: f.Rials, Payment: messages["payment."+f.Payment]})
	}
	return p
}

// nextID suggests the first unused ID of the agency.
func nextID(sn *catalog.Snapshot, a catalog.Agency) string {
	used := map[string]bool{}
	for _, s := range sn.Services {
		used[s.ID] = true
	}
	for n := 1; n <= 9999; n++ {
		id := strconv.Itoa(a.Number) + leftPad(strconv.Itoa(n), 4)
		if !used[id] {
			return id
		}
	}
	return strconv.Itoa(a.Number)
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

// today is the Tehran date, as records keep review dates.
func (c *Console) today() string {
	return c.now().In(iran.Tehran()).Format(time.DateOnly)
}

// reviewedDate reads a record's review date as a Tehran day.
func reviewedDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, s, iran.Tehran())
	return t, err == nil
}

func ptr[T any](v T) *T { return &v }
