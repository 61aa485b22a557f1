package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Base is where the console's pages live.
const Base = "/console/catalog"

// Viewer is the person a request comes from.
type Viewer struct {
	AccountID, NationalCode, Name string
	// Overseer marks the ministry (identity.RoleOverseer): it may edit
	// every agency's records and grant staff rights.
	Overseer bool
}

// Sessions tells who is logged in; it is the identity feature, seen
// through the one method the console needs.
type Sessions interface {
	// Viewer returns the request's person, or false when nobody is
	// logged in.
	Viewer(r *http.Request) (Viewer, bool)
}

// Console serves the agencies' console. Set its fields, then Mount it;
// Store, Sessions, Snapshot and LoginURL are required.
type Console struct {
	// Store saves, versions and audits every change.
	Store *catalog.Store
	// Sessions tells who is logged in.
	Sessions Sessions
	// Snapshot returns the current catalog (records, their versions,
	// outages), which the site keeps fresh. Lists are drawn from it; an
	// edit form starts from the newest version in the database.
	Snapshot func() *catalog.Snapshot
	// Changed is called after every change to the catalog's records or
	// outages, so that the site reloads at once; nil does nothing.
	Changed func(ctx context.Context)
	// LoginURL is where a visitor who is not logged in is sent, to come
	// back to returnTo.
	LoginURL func(returnTo string) string
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	m     *web.Mux
	pages *web.Templates
}

// Mount registers every route of the console in one place.
func (c *Console) Mount(m *web.Mux) {
	c.m = m
	c.pages = m.MustParseTemplates(templates, messages, "templates/*.html")
	m.Page("GET "+Base, c.index)
	m.Page("GET "+Base+"/staff", c.staff)
	m.Page("POST "+Base+"/staff/grant", c.grant)
	m.Page("POST "+Base+"/staff/revoke", c.revoke)
	m.Page("GET "+Base+"/{agency}", c.agency)
	m.Page("GET "+Base+"/{agency}/services/new", c.newService)
	m.Page("POST "+Base+"/{agency}/services/new", c.postNewService)
	m.Page("GET "+Base+"/{agency}/services/{id}", c.editService)
	m.Page("POST "+Base+"/{agency}/services/{id}", c.postService)
	m.Page("GET "+Base+"/{agency}/services/{id}/versions", c.versions)
	m.Page("POST "+Base+"/{agency}/services/{id}/outages", c.addOutage)
	m.Page("POST "+Base+"/{agency}/services/{id}/outages/{outage}/end", c.endOutage)
}

func (c *Console) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// changed tells the site the catalog changed. The change is committed,
// so the reload must not stop when the browser goes away.
func (c *Console) changed(r *http.Request) {
	if c.Changed != nil {
		c.Changed(context.WithoutCancel(r.Context()))
	}
}

// snapshot returns the current catalog, or answers 500 itself.
func (c *Console) snapshot(w http.ResponseWriter, r *http.Request) (*catalog.Snapshot, bool) {
	sn := c.Snapshot()
	if sn == nil {
		c.m.ServerError(w, r, errors.New("console: the catalog is not loaded"))
		return nil, false
	}
	return sn, true
}

// viewer returns the logged-in person, or sends the browser to log in
// and answers false. After a form, the browser comes back to the
// console's first page: the form itself cannot be replayed.
func (c *Console) viewer(w http.ResponseWriter, r *http.Request) (Viewer, bool) {
	v, ok := c.Sessions.Viewer(r)
	if ok {
		return v, true
	}
	back := Base
	if r.Method == http.MethodGet {
		back = r.URL.RequestURI()
	}
	http.Redirect(w, r, c.LoginURL(back), http.StatusSeeOther)
	return Viewer{}, false
}

// agencies returns the codes of the agencies v may edit: all of them for
// an overseer.
func (c *Console) agencies(ctx context.Context, sn *catalog.Snapshot, v Viewer) ([]string, error) {
	if v.Overseer {
		var all []string
		for _, a := range sn.Agencies {
			all = append(all, a.Code)
		}
		return all, nil
	}
	if v.NationalCode == "" {
		return nil, nil
	}
	return c.Store.StaffOf(ctx, v.NationalCode)
}

// access is what a request to one agency's pages needs: who asks, the
// catalog, and the agency.
type access struct {
	v      Viewer
	sn     *catalog.Snapshot
	agency catalog.Agency
}

// agencyAccess checks that the viewer may edit the agency named in the
// URL, or answers the request itself: a login, 404 for an unknown
// agency, 403 for someone who is not its staff.
func (c *Console) agencyAccess(w http.ResponseWriter, r *http.Request) (access, bool) {
	v, ok := c.viewer(w, r)
	if !ok {
		return access{}, false
	}
	sn, ok := c.snapshot(w, r)
	if !ok {
		return access{}, false
	}
	i := slices.IndexFunc(sn.Agencies, func(a catalog.Agency) bool { return a.Code == r.PathValue("agency") })
	if i < 0 {
		c.m.NotFound(w, r)
		return access{}, false
	}
	mine, err := c.agencies(r.Context(), sn, v)
	if err != nil {
		c.m.ServerError(w, r, err)
		return access{}, false
	}
	if !slices.Contains(mine, sn.Agencies[i].Code) {
		c.forbidden(w, r)
		return access{}, false
	}
	return access{v: v, sn: sn, agency: sn.Agencies[i]}, true
}

// forbidden explains, in both languages, that the person has no right to
// the page and who grants it.
func (c *Console) forbidden(w http.ResponseWriter, r *http.Request) {
	c.m.Render(w, r, http.StatusForbidden, c.pages, web.Page{Name: "forbidden.html", Title: "forbidden.title",
		Data: struct{ Title, Body web.Text }{messages["forbidden.title"], messages["forbidden.body"]}})
}

// agencyURL is an agency's page, with query values when given.
func agencyURL(code string, q url.Values) string {
	u := Base + "/" + url.PathEscape(code)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// serviceURL is a service's edit page.
func serviceURL(agency, id string) string {
	return agencyURL(agency, nil) + "/services/" + url.PathEscape(id)
}

// in formats a message of the catalogue in lang with args; on Persian
// pages the numbers among args are written in Persian digits.
func in(lang web.Lang, key string, args ...any) string {
	return textf(key, args...).In(lang)
}

// textf formats a message of the catalogue in both languages.
func textf(key string, args ...any) web.Text {
	t := messages[key]
	fa := make([]any, len(args))
	for i, a := range args {
		fa[i] = a
		if n, ok := a.(int); ok {
			fa[i] = iran.ToPersianDigits(strconv.Itoa(n))
		}
	}
	return web.Text{Fa: fmt.Sprintf(t.Fa, fa...), En: fmt.Sprintf(t.En, args...)}
}
