package exchange

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/panjereh/panjereh/api"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

// Mount registers the gateway's routes: forwarding under /r1/ and the
// discovery services X-Road users know (listClients, listMethods,
// allowedMethods, getOpenAPI).
func (g *Gateway) Mount(m *web.Mux) {
	const sub = "/r1/{instance}/{class}/{member}/{subsystem}"
	m.API(sub+"/{service}", g.forward)
	m.API(sub+"/{service}/{path...}", g.forward)
	m.API("GET /r1/listClients", g.authenticated(g.listClients))
	m.API("GET /r1/allowedMethods", g.authenticated(g.allowedAll))
	m.API("GET "+sub+"/listMethods", g.authenticated(g.listMethods))
	m.API("GET "+sub+"/allowedMethods", g.authenticated(g.allowedMethods))
	m.API("GET "+sub+"/getOpenAPI", g.authenticated(g.getOpenAPI))
	g.mountAdmin(m)
	m.API("GET /openapi.yaml", api.Handler(api.Exchange))
	m.API("GET /metrics", g.monitor(func(w http.ResponseWriter, r *http.Request) {
		if g.Metrics == nil {
			web.WriteProblem(w, r, web.NewProblem(http.StatusNotFound, "no-metrics",
				"This gateway keeps no metrics.", "این درگاه سنجه‌ای نگه نمی‌دارد."))
			return
		}
		g.Metrics.Handler().ServeHTTP(w, r)
	}))
}

// Handler returns the gateway as a server of its own: every path is an API
// and answers problem+json.
func (g *Gateway) Handler() (http.Handler, error) {
	// Every call is in the message log; the access log repeats it only at
	// debug level.
	m, err := web.New(web.Options{Logger: g.Logger, Now: g.Now, APIPrefixes: []string{"/"}, AccessLogLevel: slog.LevelDebug})
	if err != nil {
		return nil, err
	}
	m.Mount(g)
	return m.Handler(), nil
}

// authenticated admits only callers with a valid member certificate.
func (g *Gateway) authenticated(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := g.Auth.Member(r); err != nil {
			web.WriteProblem(w, r, g.authProblem(err))
			return
		}
		h(w, r)
	}
}

// ServiceInfo is a service as discovery shows it.
type ServiceInfo struct {
	ID          string    `json:"id"`
	Code        string    `json:"serviceCode"`
	TitleFa     string    `json:"title_fa"`
	TitleEn     string    `json:"title"`
	Items       Items     `json:"dataItems"`
	RequireMTLS bool      `json:"requireMtls"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func infos(svcs []Service) []ServiceInfo {
	out := make([]ServiceInfo, 0, len(svcs))
	for _, s := range svcs {
		out = append(out, ServiceInfo{ID: s.ID.String(), Code: s.ID.Service, TitleFa: s.TitleFa, TitleEn: s.TitleEn,
			Items: nonNil(s.Items), RequireMTLS: s.RequireMTLS, UpdatedAt: s.UpdatedAt})
	}
	return out
}

// ClientInfo is a member with its subsystems, as listClients shows it.
type ClientInfo struct {
	ID         string   `json:"id"`
	NameFa     string   `json:"name_fa"`
	NameEn     string   `json:"name"`
	Subsystems []string `json:"subsystems"`
}

func (g *Gateway) listClients(w http.ResponseWriter, r *http.Request) {
	members, err := g.Store.Members(r.Context())
	if err != nil {
		web.WriteProblem(w, r, g.internal(r, err))
		return
	}
	out := make([]ClientInfo, 0, len(members))
	for _, m := range members {
		subs, err := g.Store.Subsystems(r.Context(), m.ID)
		if err != nil {
			web.WriteProblem(w, r, g.internal(r, err))
			return
		}
		ci := ClientInfo{ID: m.ID, NameFa: m.NameFa, NameEn: m.NameEn, Subsystems: []string{}}
		for _, s := range subs {
			ci.Subsystems = append(ci.Subsystems, s.String())
		}
		out = append(out, ci)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"members": out})
}

// provider reads the subsystem named in the path.
func provider(r *http.Request) (Subsystem, *web.Problem) {
	s, err := nix.ParseSubsystem(r.PathValue("instance") + "/" + r.PathValue("class") + "/" + r.PathValue("member") + "/" + r.PathValue("subsystem"))
	if err != nil {
		return Subsystem{}, badHeader("path", err)
	}
	return s, nil
}

func (g *Gateway) listMethods(w http.ResponseWriter, r *http.Request) {
	sub, p := provider(r)
	if p != nil {
		web.WriteProblem(w, r, p)
		return
	}
	svcs, err := g.Store.Services(r.Context(), sub.MemberID())
	if err != nil {
		web.WriteProblem(w, r, g.internal(r, err))
		return
	}
	var mine []Service
	for _, s := range svcs {
		if s.ID.Subsystem == sub {
			mine = append(mine, s)
		}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"service": infos(mine)})
}

// caller reads and checks the calling subsystem of a discovery request.
func (g *Gateway) caller(r *http.Request) (Subsystem, *web.Problem) {
	member, _ := g.Auth.Member(r)
	return g.claimedClient(member, r.Header.Get(nix.HeaderClient))
}

func (g *Gateway) allowedAll(w http.ResponseWriter, r *http.Request) {
	g.allowed(w, r, nil)
}

func (g *Gateway) allowedMethods(w http.ResponseWriter, r *http.Request) {
	sub, p := provider(r)
	if p != nil {
		web.WriteProblem(w, r, p)
		return
	}
	g.allowed(w, r, &sub)
}

// allowed lists the services the caller may use, of one provider or all.
func (g *Gateway) allowed(w http.ResponseWriter, r *http.Request, of *Subsystem) {
	client, p := g.caller(r)
	if p != nil {
		web.WriteProblem(w, r, p)
		return
	}
	svcs, err := g.Store.Allowed(r.Context(), client)
	if err != nil {
		web.WriteProblem(w, r, g.internal(r, err))
		return
	}
	var out []Service
	for _, s := range svcs {
		if of == nil || s.ID.Subsystem == *of {
			out = append(out, s)
		}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"service": infos(out)})
}

func (g *Gateway) getOpenAPI(w http.ResponseWriter, r *http.Request) {
	sub, p := provider(r)
	if p != nil {
		web.WriteProblem(w, r, p)
		return
	}
	id, err := nix.ParseService(sub.String() + "/" + r.URL.Query().Get("serviceCode"))
	if err != nil {
		web.WriteProblem(w, r, badHeader("serviceCode", err))
		return
	}
	svc, err := g.Store.Service(r.Context(), id)
	if errors.Is(err, sqldb.ErrNotFound) {
		web.WriteProblem(w, r, web.NewProblem(http.StatusNotFound, "unknown-service",
			"No service "+id.String()+" is published on the exchange.",
			"سرویس "+id.String()+" در مرکز تبادل منتشر نشده است."))
		return
	}
	if err != nil {
		web.WriteProblem(w, r, g.internal(r, err))
		return
	}
	ct := "application/yaml; charset=utf-8"
	if t := strings.TrimSpace(svc.OpenAPI); strings.HasPrefix(t, "{") {
		ct = "application/json; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	_, _ = w.Write([]byte(svc.OpenAPI))
}
