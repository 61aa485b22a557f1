package oidc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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
	Problems []string
	Secret   string // shown once, after saving
	Saved    bool
	Minutes  int
	ACRs     []string
	Methods  []string
	Algs     []string
}

type scopeChoice struct {
	Name    string
	About   web.Text
	Checked bool
}

func newClientForm(c *Client, isNew bool) *clientForm {
	f := &clientForm{New: isNew, C: c, Redirect: strings.Join(c.RedirectURIs, "\n"), Logout: strings.Join(c.PostLogoutURIs, "\n"),
		Minutes: c.SessionSeconds / 60, ACRs: acrValues, Methods: []string{AuthSecretBasic, AuthPrivateKeyJWT, AuthNone},
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
	minutes, _ := strconv.Atoi(f.Get("session_minutes"))
	c := &Client{
		ID: strings.TrimSpace(f.Get("id")), NameFa: strings.TrimSpace(f.Get("name_fa")), NameEn: strings.TrimSpace(f.Get("name_en")),
		LogoURL: strings.TrimSpace(f.Get("logo_url")), RedirectURIs: lines(f.Get("redirect_uris")),
		PostLogoutURIs: lines(f.Get("post_logout_uris")), BackchannelURI: strings.TrimSpace(f.Get("backchannel_uri")),
		Scopes: append([]string{ScopeOpenID}, f["scope"]...), MaxACR: f.Get("max_acr"), AuthMethod: f.Get("auth_method"),
		JWKS: strings.TrimSpace(f.Get("jwks")), IDTokenAlg: f.Get("id_token_alg"), SessionSeconds: minutes * 60,
		RequirePKCE: f.Get("require_pkce") == "on", ClientCredentials: f.Get("client_credentials") == "on",
		Disabled: f.Get("disabled") == "on",
	}
	isNew := f.Get("new") == "1"
	if isNew {
		if _, err := p.Client(r.Context(), c.ID); err == nil {
			form := newClientForm(c, true)
			form.Problems = []string{"id: a client with this ID exists already"}
			p.renderClientForm(w, r, http.StatusUnprocessableEntity, form)
			return
		}
	}
	secret, err := p.SaveClient(r.Context(), s.Subject, c, f.Get("new_secret") == "on")
	var invalid *InvalidClientError
	if errors.As(err, &invalid) {
		form := newClientForm(c, isNew)
		form.Problems = invalid.Problems
		p.renderClientForm(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	if err != nil {
		p.m.ServerError(w, r, err)
		return
	}
	form := newClientForm(c, false)
	form.Secret, form.Saved = secret, true
	if c.LogoURL != "" {
		if err := p.FetchLogo(r.Context(), c.ID, c.LogoURL); err != nil {
			form.Problems = []string{"logo: " + err.Error()}
		}
	}
	p.renderClientForm(w, r, http.StatusOK, form)
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
