package portal

import (
	"embed"
	"net/http"
	"time"

	"github.com/panjereh/panjereh/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Portal is the landing-page feature. Set its fields, then Mount it.
type Portal struct {
	// RegistryURL is where the simulated base registries are reached, the
	// exchange gateway's base URL, shown on the landing page; empty when
	// none runs.
	RegistryURL string
	// Updated is when the landing page's content last changed; zero means
	// the Mux's default (the build time).
	Updated time.Time
	// Path is where the landing page is served: "/" (the default) or, when
	// the service catalog is the home page, another path such as
	// "/developers".
	Path string

	m     *web.Mux
	pages *web.Templates
}

// Mount registers the portal's routes and navigation entries.
func (p *Portal) Mount(m *web.Mux) {
	p.m = m
	p.pages = m.MustParseTemplates(templates, messages, "templates/*.html")
	home, route, label := p.Path, p.Path, messages["nav.developers"]
	if home == "" || home == "/" {
		home, route, label = "/", "/{$}", messages["nav.home"]
	}
	m.AddNav(web.NavItem{Path: home, Label: label})
	m.AddNav(web.NavItem{Path: "/about", Label: messages["nav.about"]})
	m.Page("GET "+route, p.home)
	m.Page("POST /validate", p.validate)
	m.Page("GET /validate", func(w http.ResponseWriter, r *http.Request) {
		// A bookmarked or reloaded result page leads back to the form.
		http.Redirect(w, r, home+"#validator", http.StatusSeeOther)
	})
	m.Page("GET /about", p.about)
}
