package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// Content security policies. Pages load only their own stylesheet, fonts,
// images and scripts (the search box's suggestions, which read the site's
// own API): no inline scripts or styles at all. Everything else (APIs,
// assets) may load nothing.
const (
	pageCSP  = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	otherCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
)

// begin gives the request its ID and state: the client's address and
// whether it came over TLS.
func (m *Mux) begin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The header's canonical spelling spares Get and Set rewriting it.
		id := r.Header.Get("X-Request-Id")
		if !saneRequestID(id) {
			id = NewRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		st := &reqState{
			start:  time.Now(),
			id:     id,
			ip:     clientIP(r, m.opts.TrustedProxies),
			secure: forwardedTLS(r, m.opts.TrustedProxies),
		}
		next.ServeHTTP(w, r.WithContext(withState(r.Context(), st)))
	})
}

// saneRequestID accepts an incoming ID only if it is short and made of
// characters that are safe in logs and headers.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// recoverPanics turns a panic in a handler into a logged error with its
// stack and a 500 page or problem that says nothing of the panic.
func (m *Mux) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Inside the access log, its writer already tracks the status.
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			m.log.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
				slog.String("panic", fmt.Sprint(p)),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("stack", string(debug.Stack())))
			if sw.status != 0 {
				// Too late for an error page; cut the response short.
				panic(http.ErrAbortHandler)
			}
			m.internalError(sw, r)
		}()
		next.ServeHTTP(sw, r)
	})
}

// secureKeys and secureValues are the headers secureHeaders sets, in
// canonical form; the last applies only to requests that came over TLS.
var (
	secureKeys = [...]string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
		"Permissions-Policy", "Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy", "Strict-Transport-Security"}
	secureValues = [...]string{otherCSP, "nosniff", "DENY", "same-origin",
		"camera=(), microphone=(), geolocation=(), payment=(), usb=()", "same-origin", "same-origin",
		"max-age=63072000; includeSubDomains"}
)

// secureHeaders sets the headers every response carries. Pages replace
// the CSP with pageCSP when they render.
func (m *Mux) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// One array holds every value, each header a slice of it with
		// no room to grow into its neighbour: a header set on every
		// response costs one allocation, not one each.
		n := len(secureKeys) - 1
		if stateOf(r.Context()).secure {
			n++
		}
		own := make([]string, n)
		copy(own, secureValues[:n])
		for i, k := range secureKeys[:n] {
			h[k] = own[i : i+1 : i+1]
		}
		next.ServeHTTP(w, r)
	})
}
