package oidc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

// RoleOverseer may register and edit agency clients.
const RoleOverseer = "overseer"

func (p *Provider) mountConsole(m *web.Mux) {
	m.Page("GET "+PathConsole, p.consoleList)
	m.Page("GET "+PathConsole+"/new", p.consoleEdit)
	m.Page("GET "+PathConsole+"/clients/{id}", p.consoleEdit)
	m.Page("POST "+PathConsole+"/save", p.consoleSave)
}

// overseer returns the session of an overseer, or answers the request
// itself: a login for people not logged in, 403 for everyone else.
func (p *Provider) overseer(w http.ResponseWriter, r *http.Request) (Session, bool) {
	s, ok := p.opts.Sessions.Current(r)
	if !ok {
		back := r.URL.Path
		if r.Method != http.MethodGet {
			back = PathConsole
		}
		http.Redirect(w, r, p.opts.Sessions.LoginURL(back, ACR1, false, string(web.LangOf(r))), http.StatusFound)
		return s, false
	}
	if !s.HasRole(RoleOverseer) {
		// Someone trying the ministry's console is a security event.
		p.audit(r.Context(), r, AuditEvent{Kind: "oidc.console.refused", Account: s.Subject, Subject: "oidc-console",
			Details: map[string]string{"path": r.URL.Path}})
		p.errorPage(w, r, http.StatusForbidden, "console.forbidden")
		return s, false
	}
	return s, true
}

func (p *Provider) consoleList(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.overseer(w, r); !ok {
		return
	}
	list, err := p.Clients(r.Context())
	if err != nil {
		p.m.ServerError(w, r, err)
		return
	}
	p.m.Render(w, r, http.StatusOK, p.pages, web.Page{Name: "console.html", Title: "console.title", Data: list})
}

// clientForm is the edit page's data.
type clientForm struct {
	New      bool
	C        *Client
	Redirect string
	Logout   string
	Scopes   []scopeChoice
	Problems []Problem
	Secret   string // shown once, after saving
	Saved    bool
	Minutes  string
	ACRs     []string
	Methods  []string
	Algs     []string
}

// Invalid reports whether the field named name has a problem.
func (f *clientForm) Invalid(name string) bool {
	for _, p := range f.Problems {
		if p.Field == name {
			return true
		}
	}
	return false
}

// fieldError is what the page shows under one field.
type fieldError struct {
	ID    string
	Texts []web.Text
}

// Errors returns the problems of the field named name.
func (f *clientForm) Errors(name string) fieldError {
	e := fieldError{ID: name + "-error"}
	for _, p := range f.Problems {
		if p.Field == name {
			e.Texts = append(e.Texts, p.Text)
		}
	}
	return e
}

type scopeChoice struct {
	Name    string
	About   web.Text
	Checked bool
}

func newClientForm(c *Client, isNew bool) *clientForm {
	f := &clientForm{New: isNew, C: c, Redirect: strings.Join(c.RedirectURIs, "\n"), Logout: strings.Join(c.PostLogoutURIs, "\n"),
		Minutes: strconv.Itoa(c.SessionSeconds / 60), ACRs: acrValues, Methods: []string{AuthSecretBasic, AuthPrivateKeyJWT, AuthNone},
		Algs: []string{"ES256", "RS256"}}
	for _, s := range knownScopes {
		if s.Name == ScopeOpenID {
			continue
		}
		f.Scopes = append(f.Scopes, scopeChoice{Name: s.Name, About: s.About, Checked: c.allows(s.Name)})
	}
	return f
}

func (p *Provider) consoleEdit(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.overseer(w, r); !ok {
		return
	}
	c := &Client{MaxACR: ACR1, AuthMethod: AuthSecretBasic, IDTokenAlg: "ES256", Scopes: []string{ScopeOpenID}}
	isNew := r.PathValue("id") == ""
	if !isNew {
		var err error
		c, err = p.Client(r.Context(), r.PathValue("id"))
		if errors.Is(err, sqldb.ErrNotFound) {
			p.m.NotFound(w, r)
			return
		}
		if err != nil {
			p.m.ServerError(w, r, err)
			return
		}
	}
	p.renderClientForm(w, r, http.StatusOK, newClientForm(c, isNew))
}

func (p *Provider) renderClientForm(w http.ResponseWriter, r *http.Request, status int, f *clientForm) {
	p.m.Render(w, r, status, p.pages, web.Page{Name: "client.html", Title: "console.client", Data: f})
}

func (p *Provider) consoleSave(w http.ResponseWriter, r *http.Request) {
	s, ok := p.overseer(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	isNew := f.Get("new") == "1"
	c := &Client{
		ID:     strings.TrimSpace(f.Get("id")),
		NameFa: iran.NormalizeText(f.Get("name_fa")), NameEn: strings.TrimSpace(f.Get("name_en")),
		LogoURL: strings.TrimSpace(f.Get("logo_url")), RedirectURIs: lines(f.Get("redirect_uris")),
		PostLogoutURIs: lines(f.Get("post_logout_uris")), BackchannelURI: strings.TrimSpace(f.Get("backchannel_uri")),
		Scopes: dedupe(append([]string{ScopeOpenID}, f["scope"]...)), MaxACR: f.Get("max_acr"), AuthMethod: f.Get("auth_method"),
		JWKS: strings.TrimSpace(f.Get("jwks")), IDTokenAlg: f.Get("id_token_alg"),
		RequirePKCE: f.Get("require_pkce") == "on", ClientCredentials: f.Get("client_credentials") == "on",
		Disabled: f.Get("disabled") == "on",
	}
	if isNew {
		// An ID is ASCII (validClientID): digits typed in Persian are
		// taken as the digits they are.
		c.ID = iran.ToASCIIDigits(c.ID)
	}
	minutes, problems := sessionMinutes(f.Get("session_minutes"))
	c.SessionSeconds = minutes * 60
	// An ID that may not be registered is looked up only to edit a client
	// registered before the rule; one with invalid bytes or control
	// characters cannot have been stored, and PostgreSQL would refuse to
	// look for it.
	err := sqldb.ErrNotFound
	if validClientID(c.ID) || !isNew && plainText(c.ID) {
		_, err = p.Client(r.Context(), c.ID)
	}
	exists := err == nil
	switch {
	case err == nil && isNew:
		problems = append(problems, Problem{"id", web.Text{Fa: "دستگاهی با این شناسه پیش‌تر ثبت شده است.",
			En: "A client with this ID exists already."}})
	case errors.Is(err, sqldb.ErrNotFound) && !isNew:
		p.m.NotFound(w, r)
		return
	case err != nil && !errors.Is(err, sqldb.ErrNotFound):
		p.m.ServerError(w, r, err)
		return
	}
	var secret string
	if problems = append(problems, c.validate(!exists)...); len(problems) == 0 {
		secret, err = p.saveClient(r.Context(), r, s.Subject, c, f.Get("new_secret") == "on")
		var invalid *InvalidClientError
		if errors.As(err, &invalid) {
			problems = invalid.Problems
		} else if err != nil {
			p.m.ServerError(w, r, err)
			return
		}
	}
	if len(problems) > 0 {
		form := newClientForm(c, isNew)
		form.Problems = problems
		form.Minutes = f.Get("session_minutes")
		p.renderClientForm(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	form := newClientForm(c, false)
	form.Secret, form.Saved = secret, true
	if c.LogoURL != "" {
		if err := p.FetchLogo(r.Context(), c.ID, c.LogoURL); err != nil {
			p.log.WarnContext(r.Context(), "oidc: fetch agency logo", "client_id", c.ID, "err", err)
			form.Problems = []Problem{{"logo_url", web.Text{Fa: "نشان دستگاه دریافت نشد: باید تصویر PNG، JPEG، WebP یا GIF تا ۲۰۰ کیلوبایت در دسترس باشد. بقیهٔ تنظیمات ذخیره شد.",
				En: "The agency's logo could not be fetched: it must be a reachable PNG, JPEG, WebP or GIF image of at most 200 KB. The other settings were saved."}}}
		}
	}
	// The secret is in this page only: do not let a cache keep it.
	w.Header().Set("Cache-Control", "no-store")
	p.renderClientForm(w, r, http.StatusOK, form)
}

// sessionMinutes reads the session lifetime field: a whole number of
// minutes, in ASCII, Persian or Arabic-Indic digits; empty is 0. Its
// bound is checked on the minutes, before they become seconds, which a
// large enough number would overflow.
func sessionMinutes(s string) (int, []Problem) {
	s = strings.TrimSpace(iran.ToASCIIDigits(s))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case errors.Is(err, strconv.ErrRange) || err == nil && (n < 0 || n > maxSessionSeconds/60):
		return 0, []Problem{{"session_minutes", sessionRange}}
	case err != nil:
		return 0, []Problem{{"session_minutes", web.Text{Fa: "مدت نشست باید عدد دقیقه باشد.",
			En: "The session lifetime must be a whole number of minutes."}}}
	}
	return n, nil
}

func dedupe(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// FetchLogo copies an agency's logo (PNG, JPEG, WebP or GIF, at most 200
// KB) into the database, so that the consent page shows it without
// loading anything from another site.
func (p *Provider) FetchLogo(ctx context.Context, clientID, logoURL string) error {
	u, err := url.Parse(logoURL)
	if err != nil || !validClientURL(logoURL) {
		return errors.New("must be an https URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := p.opts.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("cannot fetch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetch answered %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 200<<10+1))
	if err != nil {
		return err
	}
	if len(body) > 200<<10 {
		return errors.New("larger than 200 KB")
	}
	typ := http.DetectContentType(body)
	switch typ {
	case "image/png", "image/jpeg", "image/webp", "image/gif":
	default:
		return errors.New("not a PNG, JPEG, WebP or GIF image")
	}
	_, err = p.opts.DB.Write.ExecContext(ctx, `UPDATE oidc_clients SET logo = $1, logo_type = $2 WHERE id = $3`, body, typ, clientID)
	if err != nil {
		return fmt.Errorf("oidc: store logo: %w", err)
	}
	p.clients.forget(clientID)
	return nil
}
