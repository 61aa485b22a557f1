package console

import (
	"net/http"
	"strconv"
	"time"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

// agencyPage lists an agency's services, those not reviewed for over a
// year first.
type agencyPage struct {
	Heading, StaleHeading, AllHeading string
	Agency                            catalog.Agency
	Saved                             *web.Text
	NewURL                            string
	// Cutoff is a year before today: a record last reviewed before it is
	// stale (D1).
	Cutoff time.Time
	Stale  []serviceRow
	All    []serviceRow
}

type serviceRow struct {
	ID, URL    string
	Title      web.Text
	Version    int
	Reviewed   time.Time // zero when the record's date cannot be read
	Electronic bool
	Outages    int
}

// cutoff is the first day a review must be on or after not to be stale:
// the same day a year before now, in Tehran.
func cutoff(now time.Time) time.Time {
	n := now.In(iran.Tehran())
	return time.Date(n.Year()-1, n.Month(), n.Day(), 0, 0, 0, 0, iran.Tehran())
}

// stale reports whether a record reviewed on reviewed needs a review; a
// date that cannot be read does.
func stale(reviewed string, cut time.Time) bool {
	d, ok := reviewedDate(reviewed)
	return !ok || d.Before(cut)
}

func (c *Console) agency(w http.ResponseWriter, r *http.Request) {
	a, ok := c.agencyAccess(w, r)
	if !ok {
		return
	}
	lang := web.LangOf(r)
	now := c.now()
	p := agencyPage{Heading: in(lang, "agency.title", a.agency.Name.In(lang)), Agency: a.agency,
		NewURL: agencyURL(a.agency.Code, nil) + "/services/new", Cutoff: cutoff(now)}
	if id := r.URL.Query().Get("saved"); id != "" {
		if v, err := strconv.Atoi(r.URL.Query().Get("version")); err == nil {
			p.Saved = ptr(textf("agency.saved", id, v))
		}
	}
	open := map[string]int{}
	for _, o := range a.sn.Outages {
		if o.Ends.After(now) {
			open[o.ServiceID]++
		}
	}
	for _, s := range a.sn.Services {
		if s.Agency != a.agency.Code {
			continue
		}
		row := serviceRow{ID: s.ID, URL: serviceURL(s.Agency, s.ID), Title: s.Title, Version: a.sn.Meta[s.ID].Version,
			Electronic: s.Electronic, Outages: open[s.ID]}
		row.Reviewed, _ = reviewedDate(s.Reviewed)
		p.All = append(p.All, row)
		if stale(s.Reviewed, p.Cutoff) {
			p.Stale = append(p.Stale, row)
		}
	}
	p.StaleHeading, p.AllHeading = in(lang, "agency.stale", len(p.Stale)), in(lang, "agency.all", len(p.All))
	c.m.Render(w, r, http.StatusOK, c.pages, web.Page{Name: "agency.html", Title: p.Heading, Data: p})
}
