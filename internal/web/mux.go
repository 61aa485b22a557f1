package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/panjereh/panjereh/internal/web/geoip"
)

// Feature is a part of the site that registers its own routes.
type Feature interface {
	Mount(m *Mux)
}

// NavItem is an entry of the site navigation.
type NavItem struct {
	Path  string
	Label Text
}

// Mux is the route table every feature mounts on, with the middleware,
// rendering, assets and visitor statistics they share. Create one with
// New, Mount the features, serve Handler, and Close it on shutdown.
type Mux struct {
	opts    Options
	log     *slog.Logger
	mux     *http.ServeMux
	assets  *assets
	errors  *Templates
	stats   *stats
	cop     *http.CrossOriginProtection
	handler http.Handler

	mu   sync.Mutex
	nav  []NavItem
	apis []string // API route patterns, in registration order
}

// New returns a Mux with the shell's own routes (assets, /healthz)
// registered and the visitor-statistics flusher running.
func New(opts Options) (*Mux, error) {
	if err := checkHealthChecks(opts.Checks); err != nil {
		return nil, err
	}
	opts.setDefaults()
	a, err := loadAssets()
	if err != nil {
		return nil, fmt.Errorf("web: assets: %w", err)
	}
	m := &Mux{opts: opts, log: opts.Logger, mux: http.NewServeMux(), assets: a}
	m.stats = newStats(opts.DB, m.log, opts.OnlineWindow)
	if m.errors, err = m.ParseTemplates(shellTemplates, nil, "templates/pages/*.html"); err != nil {
		return nil, err
	}
	m.cop = http.NewCrossOriginProtection()
	m.cop.SetDenyHandler(http.HandlerFunc(m.forbidden))
	m.mux.Handle("GET "+assetPrefix+"{path...}", routed(m.serveAsset))
	m.API("GET /healthz", m.health)
	m.handler = m.begin(m.accessLog(m.recoverPanics(m.secureHeaders(http.HandlerFunc(m.dispatch)))))
	m.stats.start(opts.StatsFlushInterval, m.now)
	return m, nil
}

// Mount lets each feature register its routes.
func (m *Mux) Mount(features ...Feature) {
	for _, f := range features {
		f.Mount(m)
	}
}

// Page registers a browser page: its language is settled, unsafe methods
// must carry the CSRF token, GET requests are counted as visits, and
// errors are shown as pages.
func (m *Mux) Page(pattern string, h http.HandlerFunc) {
	m.mux.Handle(pattern, routed(func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r.Context())
		settleLang(w, r, st.secure)
		tok := ensureCSRF(w, r, st.secure)
		st.mu.Lock()
		st.csrf = tok
		st.mu.Unlock()
		if !isSafeMethod(r.Method) {
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
			// A form cut short would fail the CSRF check below, and be
			// told it had expired.
			var tooLarge *http.MaxBytesError
			if err := r.ParseForm(); errors.As(err, &tooLarge) {
				m.errorPage(w, r, http.StatusRequestEntityTooLarge, "error.413")
				return
			}
			if m.cop.Check(r) != nil || !csrfValid(r, st.secure) {
				m.forbidden(w, r)
				return
			}
		}
		if r.Method == http.MethodGet {
			now := m.now()
			id, counted := visitorID(w, r, st.secure, now)
			m.stats.hit(id, counted, now)
		}
		h(w, r)
	}))
}

// PostAsGet registers a POST route for a protocol endpoint that must also
// take its parameters as a form posted from another site, as OpenID
// Connect's authorization and end-session endpoints must: it answers 303
// See Other to path with the form as the query, so that the endpoint's
// GET route does the work. The browser follows with a top-level GET,
// which carries the window's SameSite=Lax cookies where a cross-site
// POST would not; nothing is read or changed here, so the route needs no
// CSRF token.
func (m *Mux) PostAsGet(path string) {
	m.mux.Handle("POST "+path, routed(func(w http.ResponseWriter, r *http.Request) {
		settleLang(w, r, stateOf(r.Context()).secure)
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		err := r.ParseForm()
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			m.errorPage(w, r, http.StatusRequestEntityTooLarge, "error.413")
			return
		}
		query := r.Form.Encode()
		if err != nil || len(query) > maxForwardedQuery {
			m.errorPage(w, r, http.StatusBadRequest, "error.400")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, path+"?"+query, http.StatusSeeOther)
	}))
}

// maxForwardedQuery bounds the query PostAsGet makes of a form, so that
// the URL it sends the browser to still passes browsers and servers.
const maxForwardedQuery = 16 << 10

// API registers a JSON API route: no cookies, no CSRF token (APIs
// authenticate each call), errors as problem+json.
func (m *Mux) API(pattern string, h http.HandlerFunc) {
	m.mu.Lock()
	m.apis = append(m.apis, pattern)
	m.mu.Unlock()
	m.mux.Handle(pattern, routed(func(w http.ResponseWriter, r *http.Request) {
		stateOf(r.Context()).setAPI()
		h(w, r)
	}))
}

// APIRoutes returns the patterns of the API routes registered so far, so
// that the published API description can be checked against them.
func (m *Mux) APIRoutes() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.apis)
}

// AddNav appends an entry to the site navigation.
func (m *Mux) AddNav(item NavItem) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nav = append(m.nav, item)
}

func (m *Mux) navItems() []NavItem {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.nav
}

// Handler returns the whole site: middleware around every route.
func (m *Mux) Handler() http.Handler { return m.handler }

// Logger returns the Mux's logger, whose lines carry the request ID when
// written with a request's context.
func (m *Mux) Logger() *slog.Logger { return m.log }

// Now returns the current time by the Mux's clock.
func (m *Mux) Now() time.Time { return m.now() }

func (m *Mux) now() time.Time { return m.opts.Now() }

func (m *Mux) geo() *geoip.DB {
	if m.opts.GeoIP != nil {
		return m.opts.GeoIP
	}
	return geoip.Default()
}

// Close stops the statistics flusher and writes the counts it holds.
func (m *Mux) Close(ctx context.Context) error {
	return m.stats.close(ctx, m.now)
}

// FlushStats writes the visitor counts held in memory to the database
// now, instead of at the next tick.
func (m *Mux) FlushStats(ctx context.Context) error {
	return m.stats.flush(ctx, m.now())
}

// dispatch routes the request; requests that match no route get the
// site's own 404 or 405, as a page or as problem+json under /api/. The
// ServeMux matches each request once: its own 404 or 405 answer (with
// the Allow header it sets) is held back and replaced.
func (m *Mux) dispatch(w http.ResponseWriter, r *http.Request) {
	rw := &routeWriter{ResponseWriter: w}
	m.mux.ServeHTTP(rw, r)
	switch rw.missed {
	case http.StatusMethodNotAllowed:
		m.methodNotAllowed(w, r)
	case http.StatusNotFound:
		m.notFound(w, r)
	}
}

// routed wraps every handler registered on the ServeMux: it tells the
// routeWriter that a route was found, so that the route's own 404 and
// 405 answers pass.
func routed(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rw, ok := w.(*routeWriter); ok {
			rw.routed = true
		}
		h(w, r)
	})
}

// routeWriter holds back the answer of the ServeMux itself when no route
// matched the request.
type routeWriter struct {
	http.ResponseWriter
	routed bool // a registered handler is serving the request
	missed int  // the ServeMux's own 404 or 405, held back
}

// WriteHeader holds back the ServeMux's own 404 or 405.
func (w *routeWriter) WriteHeader(code int) {
	if !w.routed && w.missed == 0 && (code == http.StatusNotFound || code == http.StatusMethodNotAllowed) {
		w.missed = code
		return
	}
	if w.missed == 0 {
		w.ResponseWriter.WriteHeader(code)
	}
}

// Write discards the body of a held-back answer.
func (w *routeWriter) Write(b []byte) (int, error) {
	if w.missed != 0 {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *routeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// isAPIRequest reports whether errors for r should be problem+json: it
// matched an API route, or its path lies under an API prefix.
func (m *Mux) isAPIRequest(r *http.Request) bool {
	if stateOf(r.Context()).isAPI() {
		return true
	}
	for _, p := range m.opts.APIPrefixes {
		if r.URL.Path == strings.TrimSuffix(p, "/") || strings.HasPrefix(r.URL.Path, p) {
			return true
		}
	}
	return false
}
