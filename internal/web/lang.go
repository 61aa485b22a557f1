package web

import (
	"net/http"
	"net/url"
)

// Lang is the language of a page: Persian (the default) or English.
type Lang string

// The languages Panjereh's pages are written in.
const (
	Fa Lang = "fa"
	En Lang = "en"
)

// langCookie remembers the last language chosen with ?lang=.
const langCookie = "lang"

// Dir returns the writing direction of the language: "rtl" or "ltr".
func (l Lang) Dir() string {
	if l == En {
		return "ltr"
	}
	return "rtl"
}

// Other returns the language a page's switch link leads to.
func (l Lang) Other() Lang {
	if l == En {
		return Fa
	}
	return En
}

// Name returns the language's own name for itself.
func (l Lang) Name() string {
	if l == En {
		return "English"
	}
	return "فارسی"
}

func parseLang(s string) (Lang, bool) {
	switch s {
	case "fa", "FA":
		return Fa, true
	case "en", "EN":
		return En, true
	}
	return "", false
}

// LangOf returns the language the request's page is shown in: the ?lang=
// query parameter if valid, else the remembered cookie, else Persian.
func LangOf(r *http.Request) Lang {
	st := stateOf(r.Context())
	st.mu.Lock()
	l := st.lang
	st.mu.Unlock()
	if l != "" {
		return l
	}
	return chooseLang(r)
}

func chooseLang(r *http.Request) Lang {
	if l, ok := parseLang(r.URL.Query().Get("lang")); ok {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := parseLang(c.Value); ok {
			return l
		}
	}
	return Fa
}

// settleLang fixes the page language for the request and, when the query
// chose one, remembers it in a cookie so that links without ?lang= keep it.
func settleLang(w http.ResponseWriter, r *http.Request, secure bool) Lang {
	l := chooseLang(r)
	if q, ok := parseLang(r.URL.Query().Get("lang")); ok {
		if c, err := r.Cookie(langCookie); err != nil || c.Value != string(q) {
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(q), Path: "/",
				MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
		}
	}
	st := stateOf(r.Context())
	st.mu.Lock()
	st.lang = l
	st.mu.Unlock()
	return l
}

// switchURL returns the current path and query with lang set to the other
// language, so that the link is bookmarkable and keeps the page.
func switchURL(r *http.Request, to Lang) string {
	q := r.URL.Query()
	q.Set("lang", string(to))
	u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	return u.String()
}
