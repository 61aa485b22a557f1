package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"net/http"
)

// CSRF protection for pages is a double-submit token: a random value in
// an HttpOnly cookie that every form repeats in a hidden field. A forged
// cross-site form can make the browser send the cookie but cannot read it
// to fill the field. Over TLS the cookie takes the __Host- prefix, so a
// sibling subdomain cannot plant one. As a second layer, unsafe requests
// that the browser marks as cross-site (Sec-Fetch-Site, Origin) are
// refused by http.CrossOriginProtection.

// CSRFField is the name of the hidden form field that carries the token.
const CSRFField = "csrf_token"

// CSRFHeader may carry the token instead of the form field.
const CSRFHeader = "X-CSRF-Token"

const csrfTokenLen = 43 // base64url of 32 bytes

func csrfCookieName(secure bool) string {
	if secure {
		return "__Host-csrf"
	}
	return "csrf"
}

// ensureCSRF returns the request's token, issuing a cookie with a new one
// when the request has none.
func ensureCSRF(w http.ResponseWriter, r *http.Request, secure bool) string {
	if c, err := r.Cookie(csrfCookieName(secure)); err == nil && len(c.Value) == csrfTokenLen {
		return c.Value
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: csrfCookieName(secure), Value: tok, Path: "/",
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	return tok
}

// csrfValid reports whether an unsafe request repeats its cookie's token.
func csrfValid(r *http.Request, secure bool) bool {
	c, err := r.Cookie(csrfCookieName(secure))
	if err != nil || len(c.Value) != csrfTokenLen {
		return false
	}
	sent := r.Header.Get(CSRFHeader)
	if sent == "" {
		sent = r.PostFormValue(CSRFField)
	}
	return subtle.ConstantTimeCompare([]byte(sent), []byte(c.Value)) == 1
}

// CSRFToken returns the token a form on the request's page must carry,
// for handlers that build forms without the csrfField template function.
func CSRFToken(r *http.Request) string {
	st := stateOf(r.Context())
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.csrf
}

func csrfFieldHTML(tok string) template.HTML {
	return template.HTML(`<input type="hidden" name="` + CSRFField + `" value="` + template.HTMLEscapeString(tok) + `">`)
}

func isSafeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}
