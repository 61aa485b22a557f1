package exchange

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
	"github.com/panjereh/panjereh/nix"
)

// mountAdmin registers the management and reporting API. Every route
// needs a member certificate; managing members and rights and reading the
// index need an operator's, publishing a service needs the provider's own
// or an operator's.
func (g *Gateway) mountAdmin(m *web.Mux) {
	const p = "/api/v1/exchange"
	m.API("PUT "+p+"/members/{instance}/{class}/{member}", g.operator(g.putMember))
	m.API("PUT "+p+"/subsystems/{instance}/{class}/{member}/{subsystem}", g.operator(g.putSubsystem))
	m.API("PUT "+p+"/services/{instance}/{class}/{member}/{subsystem}/{service}", g.authenticated(g.putService))
	m.API("PUT "+p+"/rights", g.operator(g.putRight))
	m.API("DELETE "+p+"/rights", g.operator(g.deleteRight))
	m.API("GET "+p+"/rights/audit", g.operator(g.rightsAudit))
	m.API("GET "+p+"/subjects/{id}/accesses", g.operator(g.accesses))
	m.API("GET "+p+"/reports/monthly", g.operator(g.monthly))
}

// operator admits only members listed in Operators.
func (g *Gateway) operator(h http.HandlerFunc) http.HandlerFunc {
	return g.authenticated(func(w http.ResponseWriter, r *http.Request) {
		member, _ := g.Auth.Member(r)
		if !slices.Contains(g.Operators, member) {
			web.WriteProblem(w, r, web.NewProblem(http.StatusForbidden, "not-operator",
				member+" is not an operator of the exchange.", member+" گردانندهٔ مرکز تبادل نیست."))
			return
		}
		h(w, r)
	})
}

// monitor admits only members listed in Monitors or Operators.
func (g *Gateway) monitor(h http.HandlerFunc) http.HandlerFunc {
	return g.authenticated(func(w http.ResponseWriter, r *http.Request) {
		member, _ := g.Auth.Member(r)
		if !slices.Contains(g.Monitors, member) && !slices.Contains(g.Operators, member) {
			web.WriteProblem(w, r, web.NewProblem(http.StatusForbidden, "not-operator",
				member+" is neither an operator nor a monitor of the exchange.", member+" نه گردانندهٔ مرکز تبادل است و نه پایشگر آن."))
			return
		}
		h(w, r)
	})
}

// decode reads a JSON body of at most 1 MiB into v, answering if it cannot.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		web.WriteProblem(w, r, web.NewProblem(http.StatusBadRequest, "json",
			"The body is not the JSON this call expects: "+err.Error(),
			"بدنهٔ درخواست JSON مورد انتظار این فراخوانی نیست."))
		return false
	}
	return true
}

// answer turns a store error into the caller's answer, or writes v. Any
// change made through the API clears the lookup cache.
func (g *Gateway) answer(w http.ResponseWriter, r *http.Request, err error, status int, v any) {
	if r.Method != http.MethodGet {
		g.forget()
	}
	switch {
	case err == nil:
		web.WriteJSON(w, status, v)
	case errors.Is(err, ErrInvalid):
		web.WriteProblem(w, r, web.NewProblem(http.StatusBadRequest, "invalid", err.Error(), "درخواست پذیرفته نشد: "+err.Error()))
	case errors.Is(err, sqldb.ErrNotFound):
		web.WriteProblem(w, r, web.NewProblem(http.StatusNotFound, "not-found", err.Error(), "پیدا نشد: "+err.Error()))
	default:
		web.WriteProblem(w, r, g.internal(r, err))
	}
}

func pathMember(r *http.Request) string {
	return r.PathValue("instance") + "/" + r.PathValue("class") + "/" + r.PathValue("member")
}

func (g *Gateway) putMember(w http.ResponseWriter, r *http.Request) {
	var in struct {
		NameFa string `json:"name_fa"`
		NameEn string `json:"name"`
	}
	if !decode(w, r, &in) {
		return
	}
	m := Member{ID: pathMember(r), NameFa: in.NameFa, NameEn: in.NameEn}
	g.answer(w, r, g.Store.AddMember(r.Context(), m, g.now()), http.StatusOK, map[string]string{"id": m.ID})
}

func (g *Gateway) putSubsystem(w http.ResponseWriter, r *http.Request) {
	sub, p := provider(r)
	if p != nil {
		web.WriteProblem(w, r, p)
		return
	}
	g.answer(w, r, g.Store.AddSubsystem(r.Context(), sub, g.now()), http.StatusOK, map[string]string{"id": sub.String()})
}

// putService publishes a service; a provider may publish only its own.
func (g *Gateway) putService(w http.ResponseWriter, r *http.Request) {
	sub, p := provider(r)
	if p != nil {
		web.WriteProblem(w, r, p)
		return
	}
	member, _ := g.Auth.Member(r)
	if member != sub.MemberID() && !slices.Contains(g.Operators, member) {
		web.WriteProblem(w, r, web.NewProblem(http.StatusForbidden, "not-provider",
			member+" may publish services of its own subsystems only.", member+" فقط سرویس‌های زیرسامانه‌های خود را می‌تواند منتشر کند."))
		return
	}
	var in struct {
		TitleFa     string `json:"title_fa"`
		TitleEn     string `json:"title"`
		TargetURL   string `json:"targetUrl"`
		OpenAPI     string `json:"openapi"`
		Items       Items  `json:"dataItems"`
		RequireMTLS bool   `json:"requireMtls"`
	}
	if !decode(w, r, &in) {
		return
	}
	id, err := nix.ParseService(sub.String() + "/" + r.PathValue("service"))
	if err != nil {
		web.WriteProblem(w, r, badHeader("path", err))
		return
	}
	svc := Service{ID: id, TitleFa: in.TitleFa, TitleEn: in.TitleEn, TargetURL: in.TargetURL, OpenAPI: in.OpenAPI,
		Items: in.Items, RequireMTLS: in.RequireMTLS}
	g.answer(w, r, g.Store.Publish(r.Context(), svc, g.now()), http.StatusOK, map[string]string{"id": id.String()})
}

// rightRequest names a right in the rights API.
type rightRequest struct {
	Client  string `json:"client"`
	Service string `json:"service"`
	Items   Items  `json:"dataItems,omitempty"`
}

func (rr rightRequest) parse() (Subsystem, ServiceID, error) {
	client, err := nix.ParseSubsystem(rr.Client)
	if err != nil {
		return Subsystem{}, ServiceID{}, err
	}
	svc, err := nix.ParseService(rr.Service)
	return client, svc, err
}

func (g *Gateway) putRight(w http.ResponseWriter, r *http.Request) {
	var in rightRequest
	if !decode(w, r, &in) {
		return
	}
	client, svc, err := in.parse()
	if err != nil {
		web.WriteProblem(w, r, badHeader("right", err))
		return
	}
	actor, _ := g.Auth.Member(r)
	g.answer(w, r, g.Store.Grant(r.Context(), actor, client, svc, in.Items, g.now()), http.StatusOK, in)
}

func (g *Gateway) deleteRight(w http.ResponseWriter, r *http.Request) {
	in := rightRequest{Client: r.URL.Query().Get("client"), Service: r.URL.Query().Get("service")}
	client, svc, err := in.parse()
	if err != nil {
		web.WriteProblem(w, r, badHeader("right", err))
		return
	}
	actor, _ := g.Auth.Member(r)
	g.answer(w, r, g.Store.Revoke(r.Context(), actor, client, svc, g.now()), http.StatusOK, in)
}

func (g *Gateway) rightsAudit(w http.ResponseWriter, r *http.Request) {
	entries, err := g.Store.Audit(r.Context(), 500)
	if entries == nil {
		entries = []AuditEntry{}
	}
	g.answer(w, r, err, http.StatusOK, map[string]any{"entries": entries})
}

// accesses answers "who looked at my data" for a national code or legal ID.
func (g *Gateway) accesses(w http.ResponseWriter, r *http.Request) {
	id, err := normalizeSubject(r.PathValue("id"))
	if err != nil {
		web.WriteProblem(w, r, badHeader("id", err))
		return
	}
	if g.Index == nil {
		g.noIndex(w, r)
		return
	}
	before, _ := strconv.ParseUint(r.URL.Query().Get("before"), 10, 64)
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 || limit > 500 {
		limit = 100
	}
	list, err := g.Index.Accesses(r.Context(), id, before, limit)
	g.answer(w, r, err, http.StatusOK, map[string]any{"subject": id, "accesses": list})
}

// monthly answers the inquiries per member in a Jalali month (B7), given
// as month=1405-09.
// noIndex answers a question only the log's index can answer, on a
// gateway that keeps none.
func (g *Gateway) noIndex(w http.ResponseWriter, r *http.Request) {
	web.WriteProblem(w, r, web.NewProblem(http.StatusServiceUnavailable, "no-index",
		"This gateway keeps no index of its log.", "این درگاه نمایه‌ای از گزارش خود نگه نمی‌دارد."))
}

func (g *Gateway) monthly(w http.ResponseWriter, r *http.Request) {
	if g.Index == nil {
		g.noIndex(w, r)
		return
	}
	d, err := iran.ParseJalali(r.URL.Query().Get("month") + "-01")
	if err != nil {
		web.WriteProblem(w, r, web.NewProblem(http.StatusBadRequest, "month",
			"month must be a Jalali year and month such as 1405-09.", "ماه باید سال و ماه شمسی باشد، مانند ۱۴۰۵-۰۹."))
		return
	}
	from, err := iran.FromJalali(d.Year, d.Month, 1, iran.Tehran())
	if err != nil {
		web.WriteProblem(w, r, badHeader("month", err))
		return
	}
	ny, nm := d.Year, d.Month+1
	if nm > 12 {
		ny, nm = ny+1, 1
	}
	to, err := iran.FromJalali(ny, nm, 1, iran.Tehran())
	if err != nil {
		web.WriteProblem(w, r, badHeader("month", err))
		return
	}
	counts, err := g.Index.Monthly(r.Context(), from, to)
	g.answer(w, r, err, http.StatusOK, map[string]any{
		"month": r.URL.Query().Get("month"), "from": from.UTC().Format(time.RFC3339), "to": to.UTC().Format(time.RFC3339), "members": counts})
}
