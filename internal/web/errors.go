package web

import (
	"log/slog"
	"net/http"
)

// errorPage is the data of the shell's error page.
type errorPage struct {
	Title, Body string // message keys
}

// NotFound answers that nothing is at the request's URL: the friendly 404
// page, or problem+json for API requests.
func (m *Mux) NotFound(w http.ResponseWriter, r *http.Request) { m.notFound(w, r) }

// ServerError logs err in full and answers with a 500 that says nothing
// of it beyond the request ID: a page, or problem+json for API requests.
func (m *Mux) ServerError(w http.ResponseWriter, r *http.Request, err error) {
	m.log.LogAttrs(r.Context(), slog.LevelError, "internal error",
		slog.Any("err", err), slog.String("method", r.Method), slog.String("path", r.URL.Path))
	m.internalError(w, r)
}

func (m *Mux) notFound(w http.ResponseWriter, r *http.Request) {
	if m.isAPIRequest(r) {
		WriteProblem(w, r, NewProblem(http.StatusNotFound, "not-found",
			"There is no resource at this address.", "منبعی در این نشانی وجود ندارد."))
		return
	}
	m.errorPage(w, r, http.StatusNotFound, "error.404")
}

func (m *Mux) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	if m.isAPIRequest(r) {
		WriteProblem(w, r, NewProblem(http.StatusMethodNotAllowed, "method-not-allowed",
			"This resource does not accept the "+r.Method+" method.", "این منبع روش "+r.Method+" را نمی‌پذیرد."))
		return
	}
	m.errorPage(w, r, http.StatusMethodNotAllowed, "error.405")
}

// forbidden answers a form that failed the CSRF checks.
func (m *Mux) forbidden(w http.ResponseWriter, r *http.Request) {
	m.log.LogAttrs(r.Context(), slog.LevelWarn, "csrf check failed",
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.String("origin", r.Header.Get("Origin")), slog.String("sec_fetch_site", r.Header.Get("Sec-Fetch-Site")))
	if m.isAPIRequest(r) {
		WriteProblem(w, r, NewProblem(http.StatusForbidden, "csrf",
			"The request did not carry a valid CSRF token.", "درخواست نشانهٔ CSRF معتبر نداشت."))
		return
	}
	m.errorPage(w, r, http.StatusForbidden, "error.403")
}

// internalError answers with a 500 without logging; callers log.
func (m *Mux) internalError(w http.ResponseWriter, r *http.Request) {
	if m.isAPIRequest(r) {
		WriteInternalError(w, r, nil, nil)
		return
	}
	m.errorPage(w, r, http.StatusInternalServerError, "error.500")
}

func (m *Mux) errorPage(w http.ResponseWriter, r *http.Request, status int, key string) {
	// Drop whatever a failed handler may have set for its own response.
	for _, h := range []string{"Content-Disposition", "Content-Encoding", "ETag", "Last-Modified"} {
		w.Header().Del(h)
	}
	m.Render(w, r, status, m.errors, Page{
		Name:  "error.html",
		Title: key + ".title",
		Data:  errorPage{Title: key + ".title", Body: key + ".body"},
	})
}

type continuePage struct{ URL string }

// Continue sends the browser on to target with a page that refreshes to
// it, instead of a redirect. A form's answer must leave the site this
// way: the page's Content-Security-Policy (form-action 'self') also
// governs the redirects that follow a form submission, so a redirect to
// another origin would be blocked, while the refresh is a navigation of
// its own. The page carries a link for browsers that do not refresh.
func (m *Mux) Continue(w http.ResponseWriter, r *http.Request, target string) {
	w.Header().Set("Cache-Control", "no-store")
	m.Render(w, r, http.StatusOK, m.errors, Page{Name: "continue.html", Title: "continue.title", Data: continuePage{URL: target}})
}
