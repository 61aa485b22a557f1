package agency

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/panjereh/panjereh/internal/web"
)

// homeData is the home page's data: Name is set when someone is logged
// in.
type homeData struct {
	LoggedIn bool
	Name     string
}

func (a *Agency) home(w http.ResponseWriter, r *http.Request) {
	var d homeData
	if sess, ok := a.current(r); ok {
		d.LoggedIn = true
		d.Name = displayName(sess.Claims)
	}
	a.m.Render(w, r, http.StatusOK, a.pages, web.Page{Name: "home.html", Title: "home.title", Data: d})
}

// displayName is the person's name if it was released.
func displayName(c map[string]any) string {
	if n, _ := c["name"].(string); n != "" {
		return n
	}
	n, _ := c["nationalCode"].(string)
	return n
}

// meData is the "my information" page's data.
type meData struct {
	Attributes []attribute
	Subject    string
	SID        string
	ACR        string
	Level      web.Text
	Methods    []web.Text
	AuthTime   time.Time
	// Raw JSON of the three answers, for developers.
	IDToken, UserInfo, Compat string
}

func (a *Agency) me(w http.ResponseWriter, r *http.Request) {
	sess, ok := a.requireLogin(w, r)
	if !ok {
		return
	}
	a.m.Render(w, r, http.StatusOK, a.pages, web.Page{Name: "me.html", Title: "me.title", Data: meData{
		Attributes: attributes(sess.Claims),
		Subject:    sess.Subject,
		SID:        sess.SID,
		ACR:        sess.ACR,
		Level:      levelName(sess.ACR, sess.baseRegistry()),
		Methods:    methods(sess.AMR),
		AuthTime:   sess.AuthTime,
		IDToken:    pretty(sess.Claims),
		UserInfo:   pretty(sess.UserInfo),
		Compat:     pretty(sess.Compat),
	}})
}

// requireLogin returns the request's session, or sends the browser to
// log in and come back.
func (a *Agency) requireLogin(w http.ResponseWriter, r *http.Request) (*session, bool) {
	sess, ok := a.current(r)
	if !ok {
		http.Redirect(w, r, PathLogin+"?"+url.Values{"return": {r.URL.Path}}.Encode(), http.StatusSeeOther)
	}
	return sess, ok
}

func pretty(v map[string]any) string {
	if v == nil {
		return ""
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return ""
	}
	return string(b)
}

func (a *Agency) about(w http.ResponseWriter, r *http.Request) {
	a.m.Render(w, r, http.StatusOK, a.pages, web.Page{Name: "about.html", Title: "about.title"})
}

// problem shows a problem page in both languages; key names a title and
// a body in messages.
func (a *Agency) problem(w http.ResponseWriter, r *http.Request, status int, key string) {
	a.m.Render(w, r, status, a.pages, web.Page{Name: "problem.html", Title: key + ".title",
		Data: struct{ Key string }{key}})
}
