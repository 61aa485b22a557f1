package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// ContextHandler is a slog.Handler that adds, to every record logged with
// a request's context, that request's ID and the attributes added with
// AddLogAttrs. Wrap the application's handler with NewContextHandler so
// that every package's log lines can be traced to their request.
type ContextHandler struct {
	inner slog.Handler
}

// NewContextHandler wraps h. Wrapping a ContextHandler again returns it
// unchanged.
func NewContextHandler(h slog.Handler) *ContextHandler {
	if c, ok := h.(*ContextHandler); ok {
		return c
	}
	return &ContextHandler{inner: h}
}

// Enabled reports whether the wrapped handler handles level.
func (h *ContextHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

// Handle adds the request's attributes to rec and passes it on.
func (h *ContextHandler) Handle(ctx context.Context, rec slog.Record) error {
	if id := RequestID(ctx); id != "" {
		rec.AddAttrs(slog.String("request_id", id))
	}
	if st, ok := ctx.Value(stateKey{}).(*reqState); ok {
		rec.AddAttrs(st.logAttrs()...)
	}
	return h.inner.Handle(ctx, rec)
}

// WithAttrs returns a ContextHandler around the wrapped handler's WithAttrs.
func (h *ContextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &ContextHandler{inner: h.inner.WithAttrs(attrs)}
}

// WithGroup returns a ContextHandler around the wrapped handler's WithGroup.
func (h *ContextHandler) WithGroup(name string) slog.Handler {
	return &ContextHandler{inner: h.inner.WithGroup(name)}
}

// discardLogger is used when Options.Logger is nil.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

// WriteHeader records the first status sent.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write counts the bytes of the body.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog writes one line per request once it is answered.
func (m *Mux) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			level := m.opts.AccessLogLevel
			if status >= 500 {
				level = slog.LevelError
			}
			if !m.log.Enabled(r.Context(), level) {
				return
			}
			m.log.LogAttrs(r.Context(), level, "http request",
				slog.String("method", r.Method),
				slog.String("path", maskIdentifiers(r.URL.Path)),
				slog.Int("status", status),
				slog.Int64("bytes", sw.bytes),
				slog.Duration("duration", time.Since(start)),
				slog.String("remote_ip", ClientIP(r.Context()).String()),
				slog.String("user_agent", r.UserAgent()),
			)
		}()
		next.ServeHTTP(sw, r)
	})
}

// maskIdentifiers hides most of every run of ten or more digits in a
// logged path: the national codes, legal IDs, foreign nationals' IDs,
// mobile numbers and postal codes that APIs such as the registries'
// carry in their paths. The first three and last two digits are kept, so
// that an operator can still tell requests apart.
func maskIdentifiers(path string) string {
	var b []byte
	for i := 0; i < len(path); {
		if path[i] < '0' || path[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(path) && path[j] >= '0' && path[j] <= '9' {
			j++
		}
		if j-i >= 10 {
			if b == nil {
				b = []byte(path)
			}
			for k := i + 3; k < j-2; k++ {
				b[k] = '*'
			}
		}
		i = j
	}
	if b == nil {
		return path
	}
	return string(b)
}
