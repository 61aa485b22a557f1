package console

import (
	"net/http"
	"slices"

	"github.com/panjereh/panjereh/internal/web"
)

// indexPage lists the agencies a person may edit.
type indexPage struct {
	Name     string
	Overseer bool
	Agencies []agencyRow
}

type agencyRow struct {
	Code, URL       string
	Name            web.Text
	Services, Stale int
}

func (c *Console) index(w http.ResponseWriter, r *http.Request) {
	v, ok := c.viewer(w, r)
	if !ok {
		return
	}
	sn, ok := c.snapshot(w, r)
	if !ok {
		return
	}
	mine, err := c.agencies(r.Context(), sn, v)
	if err != nil {
		c.m.ServerError(w, r, err)
		return
	}
	p := indexPage{Name: v.Name, Overseer: v.Overseer}
	cut := cutoff(c.now())
	for _, a := range sn.Agencies {
		if !slices.Contains(mine, a.Code) {
			continue
		}
		row := agencyRow{Code: a.Code, URL: agencyURL(a.Code, nil), Name: a.Name}
		for _, s := range sn.Services {
			if s.Agency == a.Code {
				row.Services++
				if stale(s.Reviewed, cut) {
					row.Stale++
				}
			}
		}
		p.Agencies = append(p.Agencies, row)
	}
	if len(p.Agencies) == 0 && !v.Overseer {
		c.forbidden(w, r)
		return
	}
	c.m.Render(w, r, http.StatusOK, c.pages, web.Page{Name: "index.html", Title: "index.title", Data: p})
}
