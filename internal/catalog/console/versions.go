package console

import (
	"net/http"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

// versionsPage is a service's version history.
type versionsPage struct {
	Heading, EditURL string
	Versions         []versionRow
}

type versionRow struct {
	Version int
	SavedAt time.Time
	// Gregorian and Clock are the Tehran date and time of the save;
	// Persian pages show the Gregorian date beside the Jalali one.
	Gregorian, Clock string
	By               web.Text
	Note             string
}

func (c *Console) versions(w http.ResponseWriter, r *http.Request) {
	a, ok := c.agencyAccess(w, r)
	if !ok {
		return
	}
	vs, err := c.Store.Versions(r.Context(), r.PathValue("id"))
	if err != nil {
		c.m.ServerError(w, r, err)
		return
	}
	if len(vs) == 0 || vs[0].Record.Agency != a.agency.Code {
		c.m.NotFound(w, r)
		return
	}
	lang := web.LangOf(r)
	p := versionsPage{Heading: in(lang, "versions.title", vs[0].Record.ID) + ": " + vs[0].Record.Title.In(lang),
		EditURL: serviceURL(a.agency.Code, vs[0].Record.ID)}
	for _, v := range vs {
		t := v.SavedAt.In(iran.Tehran())
		row := versionRow{Version: v.Version, SavedAt: v.SavedAt, Gregorian: t.Format(time.DateOnly), Clock: t.Format("15:04"),
			By: web.Text{Fa: v.SavedBy, En: v.SavedBy}, Note: v.Note}
		if v.SavedBy == "seed" {
			row.By = messages["savedBy.seed"]
		}
		p.Versions = append(p.Versions, row)
	}
	c.m.Render(w, r, http.StatusOK, c.pages, web.Page{Name: "versions.html", Title: p.Heading, Data: p})
}
