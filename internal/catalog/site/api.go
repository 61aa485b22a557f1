package site

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/catalog/search"
	"github.com/panjereh/panjereh/internal/web"
)

// apiHit is one search result as the API returns it.
type apiHit struct {
	ID         string       `json:"id"`
	Kind       string       `json:"kind"`
	Title      catalog.Text `json:"title"`
	Agency     apiAgency    `json:"agency"`
	URL        string       `json:"url"`
	Electronic bool         `json:"electronic"`
}

type apiAgency struct {
	Code string       `json:"code"`
	Name catalog.Text `json:"name"`
}

type apiResults struct {
	Query   string   `json:"query"`
	Lang    string   `json:"lang"`
	Total   int      `json:"total"`
	Results []apiHit `json:"results"`
}

func badQuery(detailEn, detailFa string) *web.Problem {
	return web.NewProblem(http.StatusBadRequest, "bad-query", detailEn, detailFa)
}

// apiSearch answers GET /api/v1/services?q=...&lang=fa|en with the hits
// in rank order; the page's filters work here too, with limit (at most
// 100) and offset.
func (s *Site) apiSearch(w http.ResponseWriter, r *http.Request) {
	v := s.cur.Load()
	q := queryOf(r)
	f := r.URL.Query()
	if l := f.Get("lang"); l != "" && l != "fa" && l != "en" {
		web.WriteProblem(w, r, badQuery("lang must be fa or en.", "زبان باید fa یا en باشد."))
		return
	}
	if e := f.Get("electronic"); e != "" && e != "yes" && e != "no" {
		web.WriteProblem(w, r, badQuery("electronic must be yes or no.", "electronic باید yes یا no باشد."))
		return
	}
	if len([]rune(q.Text)) > maxQuery {
		web.WriteProblem(w, r, badQuery("q is longer than 200 characters.", "متن جست‌وجو بیش از ۲۰۰ نویسه است."))
		return
	}
	if k := f.Get("kind"); k == "licence" || k == "" || k == "service" {
		q.Kind = cmpOr(k, "service")
	} else {
		web.WriteProblem(w, r, badQuery("kind must be service or licence.", "kind باید service یا licence باشد."))
		return
	}
	q.Limit, q.Offset = 20, 0
	for _, p := range []struct {
		name     string
		dst      *int
		min, max int
	}{{"limit", &q.Limit, 1, 100}, {"offset", &q.Offset, 0, 100000}} {
		if raw := f.Get(p.name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < p.min || n > p.max {
				web.WriteProblem(w, r, badQuery(p.name+" must be a whole number from "+strconv.Itoa(p.min)+" to "+strconv.Itoa(p.max)+".",
					p.name+" باید عددی صحیح از "+strconv.Itoa(p.min)+" تا "+strconv.Itoa(p.max)+" باشد."))
				return
			}
			*p.dst = n
		}
	}
	res := apiResults{Query: q.Text, Lang: q.Lang, Results: []apiHit{}}
	total, hits, err := v.index.Search(r.Context(), q)
	if err != nil {
		web.WriteProblem(w, r, web.NewProblem(http.StatusInternalServerError, "internal", "The search failed.", "جست‌وجو انجام نشد."))
		return
	}
	res.Total = total
	for _, h := range hits {
		if hit, ok := v.apiHit(h.ID); ok {
			res.Results = append(res.Results, hit)
		}
	}
	web.WriteJSON(w, http.StatusOK, res)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (v *view) apiHit(id string) (apiHit, bool) {
	if sv := v.services[id]; sv != nil {
		h := apiHit{ID: sv.ID, Kind: "service", Title: sv.Title, URL: "/services/" + sv.ID, Electronic: sv.Electronic}
		if a := v.agencies[sv.Agency]; a != nil {
			h.Agency = apiAgency{Code: a.Code, Name: a.Name}
		}
		return h, true
	}
	if l := v.licences[id]; l != nil {
		h := apiHit{ID: l.ID, Kind: "licence", Title: l.Title, URL: "/licences/" + l.ID}
		if a := v.agencies[l.Issuer]; a != nil {
			h.Agency = apiAgency{Code: a.Code, Name: a.Name}
		}
		return h, true
	}
	return apiHit{}, false
}

// apiSuggest answers what a person is typing with up to eight services.
func (s *Site) apiSuggest(w http.ResponseWriter, r *http.Request) {
	v := s.cur.Load()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	lang := r.URL.Query().Get("lang")
	switch lang {
	case "":
		lang = "fa"
	case "fa", "en":
	default:
		web.WriteProblem(w, r, badQuery("lang must be fa or en.", "زبان باید fa یا en باشد."))
		return
	}
	if len([]rune(q)) > maxQuery {
		web.WriteProblem(w, r, badQuery("q is longer than 200 characters.", "متن جست‌وجو بیش از ۲۰۰ نویسه است."))
		return
	}
	res := apiResults{Query: q, Lang: lang, Results: []apiHit{}}
	if q != "" {
		hits, err := v.index.Suggest(r.Context(), q, lang, 8)
		if err != nil {
			web.WriteProblem(w, r, web.NewProblem(http.StatusInternalServerError, "internal", "The search failed.", "جست‌وجو انجام نشد."))
			return
		}
		for _, h := range hits {
			if hit, ok := v.apiHit(h.ID); ok {
				res.Results = append(res.Results, hit)
			}
		}
		res.Total = len(res.Results)
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	web.WriteJSON(w, http.StatusOK, res)
}

// apiService is a service's whole record with its version and outages.
type apiService struct {
	catalog.Service
	Version int              `json:"version"`
	Outages []catalog.Outage `json:"outages"`
}

func (s *Site) apiService(w http.ResponseWriter, r *http.Request) {
	v := s.cur.Load()
	sv := v.services[r.PathValue("id")]
	if sv == nil {
		web.WriteProblem(w, r, web.NewProblem(http.StatusNotFound, "unknown-service", "No service has this ID.", "خدمتی با این شناسه نیست."))
		return
	}
	web.WriteJSON(w, http.StatusOK, apiService{Service: *sv, Version: v.sn.Meta[sv.ID].Version, Outages: nonNil(v.outages[sv.ID])})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Site) apiLicences(w http.ResponseWriter, r *http.Request) {
	web.WriteJSON(w, http.StatusOK, map[string]any{"licences": nonNil(s.cur.Load().sn.Licences)})
}

func (s *Site) apiLicence(w http.ResponseWriter, r *http.Request) {
	l := s.cur.Load().licences[r.PathValue("id")]
	if l == nil {
		web.WriteProblem(w, r, web.NewProblem(http.StatusNotFound, "unknown-licence", "No licence has this ID.", "مجوزی با این شناسه نیست."))
		return
	}
	web.WriteJSON(w, http.StatusOK, l)
}

func (s *Site) apiAgencies(w http.ResponseWriter, r *http.Request) {
	web.WriteJSON(w, http.StatusOK, map[string]any{"agencies": nonNil(s.cur.Load().sn.Agencies)})
}

// Open data (H5): the whole catalog as JSON and as CSV, in the schema
// docs/catalog.md documents.
func (s *Site) openDataPage(w http.ResponseWriter, r *http.Request) {
	v := s.cur.Load()
	s.render(w, r, http.StatusOK, "opendata.html", "opendata.title", map[string]int{
		"Services": len(v.sn.Services), "Licences": len(v.sn.Licences), "Agencies": len(v.sn.Agencies)})
}

// servicesCSVHeader is the open data's services.csv header; the columns
// never change order, new ones are added at the end.
var servicesCSVHeader = []string{"id", "agency", "title_fa", "title_en", "summary_fa", "summary_en", "audiences", "life_events",
	"categories", "assurance", "inquiries", "evaluation", "channels", "counter", "fees_rials", "days", "availability",
	"maturity", "stage", "electronic", "steps", "start_url", "licence", "reviewed", "version", "url"}

var licencesCSVHeader = []string{"id", "issuer", "title_fa", "title_en", "summary_fa", "summary_en", "audiences", "issue_fa",
	"issue_en", "renew_fa", "renew_en", "cancel_fa", "cancel_en", "revive_fa", "revive_en", "validity_fa", "validity_en",
	"cost_fa", "cost_en", "time_fa", "time_en", "services", "reviewed", "url"}

func (s *Site) download(w http.ResponseWriter, r *http.Request) {
	v := s.cur.Load()
	var body []byte
	var ctype string
	switch r.PathValue("file") {
	case "services.json":
		list := make([]apiService, len(v.sn.Services))
		for i, sv := range v.sn.Services {
			list[i] = apiService{Service: sv, Version: v.sn.Meta[sv.ID].Version, Outages: nonNil(v.outages[sv.ID])}
		}
		body, _ = json.Marshal(map[string]any{"schema": "panjereh-catalog-services/1", "services": list})
		ctype = "application/json"
	case "licences.json":
		body, _ = json.Marshal(map[string]any{"schema": "panjereh-catalog-licences/1", "licences": nonNil(v.sn.Licences)})
		ctype = "application/json"
	case "agencies.json":
		body, _ = json.Marshal(map[string]any{"schema": "panjereh-catalog-agencies/1", "agencies": nonNil(v.sn.Agencies)})
		ctype = "application/json"
	case "services.csv":
		body, ctype = servicesCSV(v), "text/csv; charset=utf-8"
	case "licences.csv":
		body, ctype = licencesCSV(v), "text/csv; charset=utf-8"
	default:
		web.WriteProblem(w, r, web.NewProblem(http.StatusNotFound, "unknown-file",
			"No such file; see /open-data for the list.", "چنین پرونده‌ای نیست؛ فهرست در ‎/open-data‎ است."))
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+r.PathValue("file")+`"`)
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(body)
}

func join(v []string) string { return strings.Join(v, ";") }

func servicesCSV(v *view) []byte {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // so that spreadsheet programs read UTF-8
	cw := csv.NewWriter(&buf)
	_ = cw.Write(servicesCSVHeader)
	for _, sv := range v.sn.Services {
		var fees int64
		for _, f := range sv.Fees {
			fees += f.Rials
		}
		steps := make([]string, len(sv.Steps))
		for i, st := range sv.Steps {
			steps[i] = st.Title.Fa
		}
		_ = cw.Write([]string{sv.ID, sv.Agency, sv.Title.Fa, sv.Title.En, sv.Summary.Fa, sv.Summary.En, join(sv.Audiences),
			join(sv.LifeEvents), join(sv.Categories), sv.Assurance, join(sv.Inquiries), sv.Evaluation, join(sv.Channels),
			strconv.FormatBool(sv.Counter), strconv.FormatInt(fees, 10), strconv.Itoa(sv.Days), sv.Availability, sv.Maturity,
			sv.Stage, strconv.FormatBool(sv.Electronic), join(steps), sv.StartURL, sv.Licence, sv.Reviewed,
			strconv.Itoa(v.sn.Meta[sv.ID].Version), "/services/" + sv.ID})
	}
	cw.Flush()
	return buf.Bytes()
}

func licencesCSV(v *view) []byte {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	_ = cw.Write(licencesCSVHeader)
	for _, l := range v.sn.Licences {
		_ = cw.Write([]string{l.ID, l.Issuer, l.Title.Fa, l.Title.En, l.Summary.Fa, l.Summary.En, join(l.Audience), l.Issue.Fa,
			l.Issue.En, l.Renew.Fa, l.Renew.En, l.Cancel.Fa, l.Cancel.En, l.Revive.Fa, l.Revive.En, l.Validity.Fa, l.Validity.En,
			l.Cost.Fa, l.Cost.En, l.Time.Fa, l.Time.En, join(l.Services), l.Reviewed, "/licences/" + l.ID})
	}
	cw.Flush()
	return buf.Bytes()
}

var _ = search.Query{}
