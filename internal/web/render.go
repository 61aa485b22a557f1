package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// shellTemplates are the layout and the partials every page can use.
//
//go:embed templates
var shellTemplates embed.FS

// Templates are a feature's pages, each parsed together with the layout,
// once per language.
type Templates struct {
	m     *Mux
	own   Messages
	pages map[Lang]map[string]*template.Template
}

// Page is what a handler hands to Render.
type Page struct {
	// Name is the page's template file name, such as "home.html". The file
	// defines "content" (inside <main>) and may define "title" or rely on
	// Title.
	Name string
	// Title is a message key of the feature's catalogue.
	Title string
	// Data is passed to the template as .Data.
	Data any
	// Updated is when the page's content last changed; zero means the
	// Mux's default (the build time).
	Updated time.Time
	// Content, when set, is the page's "content" already rendered (by
	// Templates.Content), which Render places in the layout as it is.
	Content template.HTML
}

// View is the data every page template executes with.
type View struct {
	// Content is the page's content when it was rendered beforehand.
	Content   template.HTML
	Lang      Lang
	Dir       string
	OtherLang Lang
	SwitchURL string
	Title     string
	Path      string
	Nav       []NavLink
	Data      any
	Visitor   Visitor
	Stats     Stats
	Updated   time.Time
	RequestID string
	CSRFToken string
	Version   string
	Dev       bool
}

// NavLink is one entry of the site navigation as a page shows it.
type NavLink struct {
	URL     string
	Label   string
	Current bool
}

// ParseTemplates parses the feature's page templates matched by patterns
// in fsys (every file is one page, named by its base name, except files
// named _*.html, which hold partials every page can use), each with the
// layout and the shell's partials. own holds the feature's messages.
func (m *Mux) ParseTemplates(fsys fs.FS, own Messages, patterns ...string) (*Templates, error) {
	t := &Templates{m: m, own: own, pages: map[Lang]map[string]*template.Template{}}
	var files []string
	for _, p := range patterns {
		matches, err := fs.Glob(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("web: templates %q: %w", p, err)
		}
		files = append(files, matches...)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("web: templates %v: no files", patterns)
	}
	// Files named _*.html hold the feature's partials, which every page
	// of the feature can use.
	var partials, pages []string
	for _, f := range files {
		if strings.HasPrefix(path.Base(f), "_") {
			partials = append(partials, f)
		} else {
			pages = append(pages, f)
		}
	}
	files = pages
	for _, lang := range []Lang{Fa, En} {
		fields := &fieldCache{}
		base, err := parseFS(template.New("").Funcs(m.funcs(lang, own, fields)), shellTemplates, lang, own, m.assets.URL, "templates/*.html")
		if err != nil {
			return nil, fmt.Errorf("web: shell templates: %w", err)
		}
		if len(partials) > 0 {
			if base, err = parseFS(base, fsys, lang, own, m.assets.URL, partials...); err != nil {
				return nil, fmt.Errorf("web: partials: %w", err)
			}
		}
		fields.tmpl = template.Must(base.Clone())
		t.pages[lang] = map[string]*template.Template{}
		for _, f := range files {
			page, err := parseFS(template.Must(base.Clone()), fsys, lang, own, m.assets.URL, f)
			if err != nil {
				return nil, fmt.Errorf("web: template %s: %w", f, err)
			}
			t.pages[lang][path.Base(f)] = page
		}
	}
	return t, nil
}

// MustParseTemplates is ParseTemplates for templates embedded in the
// binary, whose errors are programming errors: it panics on error.
func (m *Mux) MustParseTemplates(fsys fs.FS, own Messages, patterns ...string) *Templates {
	t, err := m.ParseTemplates(fsys, own, patterns...)
	if err != nil {
		panic(err)
	}
	return t
}

// Content renders only the page's "content" in the request's language,
// for a feature to keep and hand back to Render in Page.Content while the
// page's data stay the same. The content must not depend on who asks: it
// is rendered without the request's CSRF token or visitor.
func (t *Templates) Content(r *http.Request, p Page) (template.HTML, error) {
	lang := LangOf(r)
	tmpl, ok := t.pages[lang][p.Name]
	if !ok {
		return "", fmt.Errorf("web: no page template %q", p.Name)
	}
	var buf bytes.Buffer
	v := &View{Lang: lang, Dir: lang.Dir(), OtherLang: lang.Other(), Path: r.URL.Path, Data: p.Data}
	if err := tmpl.ExecuteTemplate(&buf, "content", v); err != nil {
		return "", fmt.Errorf("web: render %s: %w", p.Name, err)
	}
	return template.HTML(buf.String()), nil
}

// Render writes the page with the given status in the request's language.
// A template error is logged and becomes the 500 page.
func (m *Mux) Render(w http.ResponseWriter, r *http.Request, status int, t *Templates, p Page) {
	lang := LangOf(r)
	tmpl, ok := t.pages[lang][p.Name]
	if !ok {
		m.ServerError(w, r, fmt.Errorf("web: no page template %q", p.Name))
		return
	}
	v := m.view(r, lang, t.own, p)
	v.Content = p.Content
	buf := getBuffer()
	defer putBuffer(buf)
	if err := tmpl.ExecuteTemplate(buf, "layout", v); err != nil {
		m.ServerError(w, r, fmt.Errorf("web: render %s: %w", p.Name, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Content-Language", string(lang))
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Cookie")
	if st := stateOf(r.Context()); st != nil && !st.start.IsZero() {
		// The server's own time for the page, for operators and
		// browsers' developer tools.
		h.Set("Server-Timing", "app;dur="+strconv.FormatFloat(float64(time.Since(st.start).Microseconds())/1000, 'f', 2, 64))
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (m *Mux) view(r *http.Request, lang Lang, own Messages, p Page) *View {
	title := p.Title
	if tx, ok := lookup(own, p.Title); ok {
		title = tx.In(lang)
	}
	updated := p.Updated
	if updated.IsZero() {
		updated = m.opts.Updated
	}
	v := &View{
		Lang:      lang,
		Dir:       lang.Dir(),
		OtherLang: lang.Other(),
		SwitchURL: switchURL(r, lang.Other()),
		Title:     title,
		Path:      r.URL.Path,
		Data:      p.Data,
		Visitor:   visitorOf(r, ClientIP(r.Context()), m.geo()),
		Stats:     m.stats.snapshot(r.Context(), m.now()),
		Updated:   updated,
		RequestID: RequestID(r.Context()),
		CSRFToken: CSRFToken(r),
		Version:   m.opts.Version,
		Dev:       m.opts.Dev,
	}
	for _, n := range m.navItems() {
		v.Nav = append(v.Nav, NavLink{URL: n.Path, Label: n.Label.In(lang), Current: n.Path == r.URL.Path})
	}
	return v
}

// Pages are rendered into buffers kept for the next page, rather than
// into new ones that grow from nothing to a page's size every time.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

// putBuffer keeps b for another page unless it grew larger than pages
// are.
func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 256<<10 {
		return
	}
	b.Reset()
	buffers.Put(b)
}
