package console

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

// staffPage is the ministry's list of grants, with the grant form.
type staffPage struct {
	Grants []grantRow
	Form   web.Form
	Status *web.Text
}

type grantRow struct {
	NationalCode, Agency string
	AgencyName           web.Text
	GrantedBy            string
	GrantedAt            time.Time
}

// overseer returns the viewer when they are an overseer, or answers the
// request itself.
func (c *Console) overseer(w http.ResponseWriter, r *http.Request) (Viewer, *catalog.Snapshot, bool) {
	v, ok := c.viewer(w, r)
	if !ok {
		return v, nil, false
	}
	if !v.Overseer {
		c.forbidden(w, r)
		return v, nil, false
	}
	sn, ok := c.snapshot(w, r)
	return v, sn, ok
}

func (c *Console) staff(w http.ResponseWriter, r *http.Request) {
	_, sn, ok := c.overseer(w, r)
	if !ok {
		return
	}
	var status *web.Text
	q := r.URL.Query()
	for _, done := range []string{"granted", "revoked"} {
		if nc := q.Get(done); nc != "" {
			if a, ok := agencyOf(sn, q.Get("agency")); ok && validCode(nc) {
				status = ptr(web.Text{Fa: textf("staff."+done, nc, a.Name.Fa).Fa, En: textf("staff."+done, nc, a.Name.En).En})
			}
		}
	}
	c.renderStaff(w, r, http.StatusOK, sn, grantForm(sn, "", "", nil), status)
}

func (c *Console) renderStaff(w http.ResponseWriter, r *http.Request, status int, sn *catalog.Snapshot, f web.Form, msg *web.Text) {
	grants, err := c.Store.Staff(r.Context())
	if err != nil {
		c.m.ServerError(w, r, err)
		return
	}
	p := staffPage{Form: f, Status: msg}
	for _, g := range grants {
		row := grantRow{NationalCode: g.NationalCode, Agency: g.Agency, AgencyName: web.Text{Fa: g.Agency, En: g.Agency},
			GrantedBy: g.GrantedBy, GrantedAt: g.GrantedAt}
		if a, ok := agencyOf(sn, g.Agency); ok {
			row.AgencyName = a.Name
		}
		p.Grants = append(p.Grants, row)
	}
	c.m.Render(w, r, status, c.pages, web.Page{Name: "staff.html", Title: "staff.title", Data: p})
}

func grantForm(sn *catalog.Snapshot, code, agency string, errs map[string]*web.Text) web.Form {
	sel := web.Field{ID: "grant-agency", Name: "agency", Type: "select", Label: messages["g.agency"], Required: true, Error: errs["agency"]}
	sel.Options = []web.Option{{Value: "", Label: messages["f.choose"], Selected: agency == ""}}
	for _, a := range sn.Agencies {
		sel.Options = append(sel.Options, web.Option{Value: a.Code, Label: a.Name, Selected: a.Code == agency})
	}
	return web.Form{Fields: []web.Field{
		{ID: "grant-national-code", Name: "national_code", Label: messages["g.nationalCode"], Hint: messages["g.nationalCode.hint"],
			Value: code, Required: true, InputMode: "numeric", Autocomplete: "off", Dir: "ltr", Error: errs["national_code"]},
		sel,
	}}
}

func (c *Console) grant(w http.ResponseWriter, r *http.Request) {
	v, sn, ok := c.overseer(w, r)
	if !ok {
		return
	}
	raw, agency := r.PostFormValue("national_code"), r.PostFormValue("agency")
	errs := map[string]*web.Text{}
	code, err := iran.NormalizeNationalCode(raw)
	var ve *iran.ValidationError
	if errors.As(err, &ve) {
		errs["national_code"] = &web.Text{Fa: ve.Fa, En: upperFirst(ve.En) + "."}
	} else if err != nil {
		c.m.ServerError(w, r, err)
		return
	}
	if _, ok := agencyOf(sn, agency); !ok {
		errs["agency"] = ptr(messages["g.agency.bad"])
	}
	if len(errs) == 0 {
		err = c.Store.Grant(r.Context(), code, agency, v.NationalCode)
		switch {
		case errors.Is(err, catalog.ErrNotFound):
			errs["agency"] = ptr(messages["g.agency.bad"])
		case err != nil:
			c.m.ServerError(w, r, err)
			return
		default:
			http.Redirect(w, r, Base+"/staff?"+url.Values{"granted": {code}, "agency": {agency}}.Encode(), http.StatusSeeOther)
			return
		}
	}
	c.renderStaff(w, r, http.StatusUnprocessableEntity, sn, grantForm(sn, raw, agency, errs), nil)
}

func (c *Console) revoke(w http.ResponseWriter, r *http.Request) {
	v, sn, ok := c.overseer(w, r)
	if !ok {
		return
	}
	code, agency := r.PostFormValue("national_code"), r.PostFormValue("agency")
	if !validCode(code) {
		c.m.NotFound(w, r)
		return
	}
	if _, ok := agencyOf(sn, agency); !ok {
		c.m.NotFound(w, r)
		return
	}
	if err := c.Store.Revoke(r.Context(), code, agency, v.NationalCode); err != nil {
		c.m.ServerError(w, r, err)
		return
	}
	http.Redirect(w, r, Base+"/staff?"+url.Values{"revoked": {code}, "agency": {agency}}.Encode(), http.StatusSeeOther)
}

func agencyOf(sn *catalog.Snapshot, code string) (catalog.Agency, bool) {
	i := slices.IndexFunc(sn.Agencies, func(a catalog.Agency) bool { return a.Code == code })
	if i < 0 {
		return catalog.Agency{}, false
	}
	return sn.Agencies[i], true
}

func validCode(s string) bool {
	n, err := iran.NormalizeNationalCode(s)
	return err == nil && n == s
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
