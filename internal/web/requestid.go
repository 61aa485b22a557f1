package web

import (
	"context"
	"crypto/rand"
	"encoding/base32"
)

type requestIDKey struct{}

// RequestID returns the ID the request-ID middleware gave this request, or
// "" outside one.
func RequestID(ctx context.Context) string {
	if id, ok := ctx.Value(requestIDKey{}).(string); ok {
		return id
	}
	// The Mux keeps the ID in the request's state rather than in a
	// context layer of its own.
	if s, ok := ctx.Value(stateKey{}).(*reqState); ok {
		return s.id
	}
	return ""
}

// WithRequestID returns ctx carrying id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// NewRequestID returns a random, URL-safe request ID.
func NewRequestID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
}
