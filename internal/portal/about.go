package portal

import (
	"net/http"

	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/internal/web/geoip"
)

// aboutData is what the about page shows.
type aboutData struct {
	GeoIPSource string
	Attribution string
}

func (p *Portal) about(w http.ResponseWriter, r *http.Request) {
	p.m.Render(w, r, http.StatusOK, p.pages, web.Page{
		Name:    "about.html",
		Title:   "about.title",
		Updated: p.Updated,
		Data:    aboutData{GeoIPSource: geoip.Default().Source, Attribution: geoip.Attribution},
	})
}
