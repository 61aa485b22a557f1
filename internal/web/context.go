package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// reqState is what the outermost middleware learns about a request and
// what later layers add to it. It lives in the request's context as a
// pointer, so that a layer outside a handler (the access log, panic
// recovery) sees what a layer inside (the page or API wrapper) decided.
type reqState struct {
	id     string     // the request ID
	secure bool       // served over TLS, directly or at a trusted proxy
	ip     netip.Addr // the client's address, proxies accounted for
	start  time.Time  // when the request arrived

	mu    sync.Mutex
	api   bool   // the route is a JSON API
	lang  Lang   // the page language, once chosen
	csrf  string // the CSRF token of the page, once known
	attrs []slog.Attr
}

type stateKey struct{}

func withState(ctx context.Context, s *reqState) context.Context {
	return context.WithValue(ctx, stateKey{}, s)
}

func stateOf(ctx context.Context) *reqState {
	s, _ := ctx.Value(stateKey{}).(*reqState)
	if s == nil {
		return &reqState{}
	}
	return s
}

func (s *reqState) setAPI() {
	s.mu.Lock()
	s.api = true
	s.mu.Unlock()
}

func (s *reqState) isAPI() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.api
}

// AddLogAttrs attaches attributes (a user, an agency) to every later log
// line written with the request's context, including its access log line.
// It does nothing outside a request served by a Mux.
func AddLogAttrs(ctx context.Context, attrs ...slog.Attr) {
	s, _ := ctx.Value(stateKey{}).(*reqState)
	if s == nil {
		return
	}
	s.mu.Lock()
	s.attrs = append(s.attrs, attrs...)
	s.mu.Unlock()
}

func (s *reqState) logAttrs() []slog.Attr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]slog.Attr(nil), s.attrs...)
}

// ClientIP returns the address of the client that sent the request, as
// the Mux determined it (trusting X-Forwarded-For only from the configured
// proxies). It is the zero Addr outside a request served by a Mux.
func ClientIP(ctx context.Context) netip.Addr { return stateOf(ctx).ip }

// Secure reports whether the client reached the site over HTTPS: r came
// over TLS, or, in a request served by a Mux, a trusted proxy says the
// client used it (X-Forwarded-Proto). Cookies that must not travel in
// the clear take their Secure flag and __Host- name from it.
func Secure(r *http.Request) bool { return r.TLS != nil || stateOf(r.Context()).secure }
