// Package web is the HTTP shell every feature mounts itself on: the route
// table, middleware (request IDs, access logs, panic recovery, secure
// headers, CSRF), page rendering in Persian and English, embedded assets,
// and errors as pages or as RFC 9457 problem+json.
package web
