package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Content security policies. Pages load only their own stylesheet, fonts
// and images: no scripts and no inline styles at all. Everything else
// (APIs, assets) may load nothing.
const (
	pageCSP  = "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	otherCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
)

// begin gives the request its ID and state: the client's address and
// whether it came over TLS.
func (m *Mux) begin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !saneRequestID(id) {
			id = NewRequestID()
		}
		w.Header().Set("X-Request-ID", id)
		st := &reqState{
			ip:     clientIP(r, m.opts.TrustedProxies),
			secure: forwardedTLS(r, m.opts.TrustedProxies),
		}
		ctx := withState(WithRequestID(r.Context(), id), st)
		next.ServeHTTP(w, r.WithContext(ctx))
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
		sw := &statusWriter{ResponseWriter: w}
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

// secureHeaders sets the headers every response carries. Pages replace
// the CSP with pageCSP when they render.
func (m *Mux) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", otherCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if stateOf(r.Context()).secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}
