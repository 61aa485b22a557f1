package site

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/catalog/search"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

// pageSize is how many results a search page shows.
const pageSize = 10

// Mount registers the catalog's pages, API and downloads.
func (s *Site) Mount(m *web.Mux) {
	s.m = m
	s.pages = m.MustParseTemplates(templates, messages, "templates/*.html")
	m.AddNav(web.NavItem{Path: "/", Label: messages["nav.home"]})
	m.AddNav(web.NavItem{Path: "/services", Label: messages["nav.services"]})
	m.AddNav(web.NavItem{Path: "/agencies", Label: messages["nav.agencies"]})
	m.AddNav(web.NavItem{Path: "/licences", Label: messages["nav.licences"]})
	m.Page("GET /{$}", s.home)
	m.Page("GET /services", s.searchPage)
	m.Page("GET /services/{id}", s.servicePage)
	m.Page("GET /services/{id}/start", s.start)
	m.Page("POST /services/{id}/save", s.save)
	m.Page("GET /account/services", s.mine)
	m.Page("GET /agencies", s.agenciesPage)
	m.Page("GET /agencies/{code}", s.agencyPage)
	m.Page("GET /life-events/{key}", s.termPage(true))
	m.Page("GET /categories/{key}", s.termPage(false))
	m.Page("GET /licences", s.licencesPage)
	m.Page("GET /licences/{id}", s.licencePage)
	m.Page("GET /open-data", s.openDataPage)
	m.API("GET /open-data/{file}", s.download)
	m.API("GET /api/v1/services", s.apiSearch)
	m.API("GET /api/v1/services/{id}", s.apiService)
	m.API("GET /api/v1/licences", s.apiLicences)
	m.API("GET /api/v1/licences/{id}", s.apiLicence)
	m.API("GET /api/v1/agencies", s.apiAgencies)
	m.API("GET /api/v1/suggest", s.apiSuggest)
}

func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	s.m.Render(w, r, status, s.pages, web.Page{Name: name, Title: title, Data: data})
}

// renderCached renders a page whose content depends only on the catalog,
// the language and the address, keeping the rendered content for the
// next visitor until the catalog changes. data builds the page's data
// when the content is not kept yet.
func (s *Site) renderCached(w http.ResponseWriter, r *http.Request, v *view, name, title string, updated time.Time, data func() any) {
	key := string(web.LangOf(r)) + " " + r.URL.RequestURI()
	p := web.Page{Name: name, Title: title, Updated: updated}
	if !v.stale.IsZero() && !s.now().Before(v.stale) {
		// An outage began or ended since the view was built.
		p.Data = data()
		s.m.Render(w, r, http.StatusOK, s.pages, p)
		return
	}
	if c, ok := v.pages.Load(key); ok {
		p.Content = c.(template.HTML)
		s.m.Render(w, r, http.StatusOK, s.pages, p)
		return
	}
	p.Data = data()
	c, err := s.pages.Content(r, p)
	if err != nil {
		s.m.ServerError(w, r, err)
		return
	}
	if v.npages.Add(1) <= maxCachedPages {
		v.pages.Store(key, c)
	}
	p.Content = c
	s.m.Render(w, r, http.StatusOK, s.pages, p)
}

// anonymous reports whether nobody is logged in on r.
func (s *Site) anonymous(r *http.Request) bool {
	if s.Sessions == nil {
		return true
	}
	_, ok := s.Sessions.Viewer(r)
	return !ok
}

// card is a service as lists show it.
type card struct {
	ID, URL    string
	Title      catalog.Text
	Summary    catalog.Text
	Agency     catalog.Text
	Electronic bool
	Outage     bool
}

func (v *view) card(sv *catalog.Service, now time.Time) card {
	c := card{ID: sv.ID, URL: "/services/" + sv.ID, Title: sv.Title, Summary: sv.Summary, Electronic: sv.Electronic}
	if a := v.agencies[sv.Agency]; a != nil {
		c.Agency = a.Name
	}
	for _, o := range v.outages[sv.ID] {
		c.Outage = c.Outage || (!now.Before(o.Starts) && now.Before(o.Ends))
	}
	return c
}

func (v *view) cards(list []*catalog.Service, now time.Time) []card {
	out := make([]card, len(list))
	for i, sv := range list {
		out[i] = v.card(sv, now)
	}
	return out
}

type link struct {
	URL   string
	Title catalog.Text
	Count int
}

type homeData struct {
	Popular    []card
	LifeEvents []link
	Categories []link
	Agencies   []link
	Services   int
	Electronic int
}

func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	v := s.cur.Load()
	s.renderCached(w, r, v, "home.html", "home.title", time.Time{}, func() any { return v.homeData(s.now()) })
}

func (v *view) homeData(now time.Time) homeData {
	d := homeData{Popular: v.cards(v.popular[:min(8, len(v.popular))], now), Services: len(v.sn.Services)}
	for _, sv := range v.sn.Services {
		if sv.Electronic {
			d.Electronic++
		}
	}
	d.LifeEvents, d.Categories = v.termLinks(true), v.termLinks(false)
	for _, a := range v.sn.Agencies {
		if n := len(v.byAgency[a.Code]); n > 0 {
			d.Agencies = append(d.Agencies, link{URL: "/agencies/" + a.Code, Title: a.Name, Count: n})
		}
	}
	return d
}

func (v *view) termLinks(events bool) []link {
	terms, prefix := v.sn.Categories, "/categories/"
	if events {
		terms, prefix = v.sn.LifeEvents, "/life-events/"
	}
	var out []link
	for _, t := range terms {
		n := 0
		for _, sv := range v.sn.Services {
			keys := sv.Categories
			if events {
				keys = sv.LifeEvents
			}
			if slices.Contains(keys, t.Key) {
				n++
			}
		}
		if n > 0 {
			out = append(out, link{URL: prefix + t.Key, Title: t.Title, Count: n})
		}
	}
	return out
}

// option is one choice of a filter.
type option struct {
	Value    string
	Label    catalog.Text
	Selected bool
}

type searchData struct {
	Q          string
	Results    []card
	Total      int
	Page, Next int
	Prev       int
	NextURL    string
	PrevURL    string
	Agencies   []option
	Audiences  []option
	Events     []option
	Channels   []option
	Electronic []option
	Filtered   bool
	Error      *catalog.Text
}

// queryOf reads a search's text and filters from the URL.
func queryOf(r *http.Request) search.Query {
	f := r.URL.Query()
	q := search.Query{Text: strings.TrimSpace(f.Get("q")), Lang: string(web.LangOf(r)), Agency: f.Get("agency"),
		Audience: f.Get("audience"), LifeEvent: f.Get("event"), Category: f.Get("category"), Channel: f.Get("channel"),
		Kind: "service"}
	if l := f.Get("lang"); l == "fa" || l == "en" {
		q.Lang = l
	}
	switch f.Get("electronic") {
	case "yes":
		t := true
		q.Electronic = &t
	case "no":
		f := false
		q.Electronic = &f
	}
	return q
}

// maxQuery bounds the text of a search.
const maxQuery = 200

func (s *Site) searchPage(w http.ResponseWriter, r *http.Request) {
	v, now := s.cur.Load(), s.now()
	q := queryOf(r)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	d := searchData{Q: q.Text, Page: page}
	d.Filtered = q.Agency != "" || q.Audience != "" || q.LifeEvent != "" || q.Channel != "" || q.Electronic != nil
	status := http.StatusOK
	if len([]rune(q.Text)) > maxQuery {
		d.Error = &catalog.Text{Fa: "متن جست‌وجو بیش از ۲۰۰ نویسه است؛ کوتاه‌ترش کنید.", En: "The search text is longer than 200 characters; shorten it."}
		status = http.StatusBadRequest
	} else if q.Text != "" || d.Filtered {
		q.Limit, q.Offset = pageSize, (page-1)*pageSize
		total, hits, err := v.index.Search(r.Context(), q)
		if err != nil {
			s.m.ServerError(w, r, err)
			return
		}
		d.Total = total
		for _, h := range hits {
			if sv := v.services[h.ID]; sv != nil {
				d.Results = append(d.Results, v.card(sv, now))
			}
		}
		if page*pageSize < total {
			d.NextURL = pageURL(r, page+1)
		}
		if page > 1 {
			d.PrevURL = pageURL(r, page-1)
		}
	}
	d.Agencies = []option{{Value: "", Label: messages["filter.any"]}}
	for _, a := range v.sn.Agencies {
		if len(v.byAgency[a.Code]) > 0 {
			d.Agencies = append(d.Agencies, option{Value: a.Code, Label: a.Name, Selected: a.Code == q.Agency})
		}
	}
	d.Audiences = options(q.Audience, "audience", catalog.AudiencePeople, catalog.AudienceHouseholds, catalog.AudienceBusinesses, catalog.AudienceForeigners)
	d.Channels = options(q.Channel, "channel", catalog.ChannelNational, catalog.ChannelAgency, catalog.ChannelApp, catalog.ChannelUSSD,
		catalog.ChannelSMS, catalog.ChannelCounter, catalog.ChannelInPerson)
	d.Events = []option{{Value: "", Label: messages["filter.any"]}}
	for _, t := range v.sn.LifeEvents {
		d.Events = append(d.Events, option{Value: t.Key, Label: t.Title, Selected: t.Key == q.LifeEvent})
	}
	e := r.URL.Query().Get("electronic")
	d.Electronic = []option{{Value: "", Label: messages["filter.any"], Selected: e == ""},
		{Value: "yes", Label: messages["service.electronic"], Selected: e == "yes"},
		{Value: "no", Label: messages["service.notelectronic"], Selected: e == "no"}}
	s.render(w, r, status, "search.html", "search.title", d)
}

func options(selected, field string, values ...string) []option {
	out := []option{{Value: "", Label: messages["filter.any"]}}
	for _, v := range values {
		out = append(out, option{Value: v, Label: catalog.Label(field, v), Selected: v == selected})
	}
	return out
}

func pageURL(r *http.Request, page int) string {
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(page))
	return "/services?" + q.Encode()
}

type feeView struct {
	Title   catalog.Text
	Rials   int64
	Payment catalog.Text
}

type outageView struct {
	Message    catalog.Text
	Starts     time.Time
	Ends       time.Time
	Now        bool
	StartsText string
	EndsText   string
}

type serviceData struct {
	S            *catalog.Service
	AgencyName   catalog.Text
	AgencyURL    string
	Audiences    []catalog.Text
	LifeEvents   []link
	Categories   []link
	Channels     []catalog.Text
	Maturity     catalog.Text
	Stage        catalog.Text
	Assurance    catalog.Text
	Evaluation   catalog.Text
	Availability catalog.Text
	Fees         []feeView
	Outages      []outageView
	Reviewed     time.Time
	Licence      *catalog.Licence
	StartURL     string
	LoggedIn     bool
	Saved        bool
	Version      int
}

func (s *Site) servicePage(w http.ResponseWriter, r *http.Request) {
	v, now, lang := s.cur.Load(), s.now(), web.LangOf(r)
	sv := v.services[r.PathValue("id")]
	if sv == nil {
		s.m.NotFound(w, r)
		return
	}
	title, updated := sv.Title.In(lang), v.sn.Meta[sv.ID].UpdatedAt
	if s.anonymous(r) {
		s.renderCached(w, r, v, "service.html", title, updated, func() any { return v.serviceData(sv, lang, now) })
		return
	}
	d := v.serviceData(sv, lang, now)
	d.LoggedIn = true
	if vw, ok := s.Sessions.Viewer(r); ok {
		if saved, _, err := s.Store.Mine(r.Context(), vw.AccountID); err == nil {
			d.Saved = slices.Contains(saved, sv.ID)
		}
	}
	s.m.Render(w, r, http.StatusOK, s.pages, web.Page{Name: "service.html", Title: title, Data: d, Updated: updated})
}

func (v *view) serviceData(sv *catalog.Service, lang web.Lang, now time.Time) serviceData {
	d := serviceData{S: sv, AgencyURL: "/agencies/" + sv.Agency, Maturity: catalog.Label("maturity", sv.Maturity), Stage: catalog.Label("stage", sv.Stage),
		Assurance: catalog.Label("assurance", sv.Assurance), Evaluation: catalog.Label("evaluation", sv.Evaluation), Version: v.sn.Meta[sv.ID].Version,
		StartURL: "/services/" + sv.ID + "/start"}
	if a := v.agencies[sv.Agency]; a != nil {
		d.AgencyName = a.Name
	}
	d.Availability = catalog.Label("availability", sv.Availability)
	for _, a := range sv.Audiences {
		d.Audiences = append(d.Audiences, catalog.Label("audience", a))
	}
	for _, k := range sv.LifeEvents {
		if t := v.events[k]; t != nil {
			d.LifeEvents = append(d.LifeEvents, link{URL: "/life-events/" + k, Title: t.Title})
		}
	}
	for _, k := range sv.Categories {
		if t := v.cats[k]; t != nil {
			d.Categories = append(d.Categories, link{URL: "/categories/" + k, Title: t.Title})
		}
	}
	for _, ch := range sv.Channels {
		d.Channels = append(d.Channels, catalog.Label("channel", ch))
	}
	for _, f := range sv.Fees {
		d.Fees = append(d.Fees, feeView{Title: f.Title, Rials: f.Rials, Payment: catalog.Label("payment", f.Payment)})
	}
	for _, o := range v.outages[sv.ID] {
		if now.Before(o.Ends) {
			d.Outages = append(d.Outages, outageView{Message: o.Message, Starts: o.Starts, Ends: o.Ends,
				Now: !now.Before(o.Starts), StartsText: clock(o.Starts, lang), EndsText: clock(o.Ends, lang)})
		}
	}
	d.Reviewed, _ = time.ParseInLocation(time.DateOnly, sv.Reviewed, iran.Tehran())
	d.Licence = v.licences[sv.Licence]
	return d
}

// clock is a time of day in Tehran, in the page's digits.
func clock(t time.Time, lang web.Lang) string {
	s := t.In(iran.Tehran()).Format("15:04")
	if lang == web.Fa {
		return iran.ToPersianDigits(s)
	}
	return s
}

// start counts a start of the service, remembers it for a logged-in
// person and sends the browser to the agency's window, where the agency's
// own login goes through the national single sign-on.
func (s *Site) start(w http.ResponseWriter, r *http.Request) {
	v := s.cur.Load()
	sv := v.services[r.PathValue("id")]
	if sv == nil {
		s.m.NotFound(w, r)
		return
	}
	target := sv.StartURL
	if s.StartURL != nil {
		if u := s.StartURL(sv); u != "" {
			target = u
		}
	}
	if target == "" {
		if a := v.agencies[sv.Agency]; a != nil {
			target = a.Window
		}
	}
	account := ""
	if s.Sessions != nil {
		if vw, ok := s.Sessions.Viewer(r); ok {
			account = vw.AccountID
		}
	}
	if err := s.Store.Use(r.Context(), sv.ID, account); err != nil {
		s.logger().ErrorContext(r.Context(), "catalog: count a start", "service", sv.ID, "err", err)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// save adds the service to the person's saved services, or removes it.
func (s *Site) save(w http.ResponseWriter, r *http.Request) {
	v := s.cur.Load()
	sv := v.services[r.PathValue("id")]
	if sv == nil {
		s.m.NotFound(w, r)
		return
	}
	back := "/services/" + sv.ID
	vw, ok := Viewer{}, false
	if s.Sessions != nil {
		vw, ok = s.Sessions.Viewer(r)
	}
	if !ok {
		http.Redirect(w, r, s.loginURL(back), http.StatusSeeOther)
		return
	}
	if err := s.Store.Save(r.Context(), vw.AccountID, sv.ID, r.PostFormValue("saved") != "no"); err != nil {
		s.m.ServerError(w, r, err)
		return
	}
	if r.PostFormValue("from") == "mine" {
		back = "/account/services"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Site) loginURL(back string) string {
	if s.LoginURL != nil {
		return s.LoginURL(back)
	}
	return "/login?return=" + url.QueryEscape(back)
}

type mineData struct {
	Saved, Recent []card
}

func (s *Site) mine(w http.ResponseWriter, r *http.Request) {
	vw, ok := Viewer{}, false
	if s.Sessions != nil {
		vw, ok = s.Sessions.Viewer(r)
	}
	if !ok {
		http.Redirect(w, r, s.loginURL("/account/services"), http.StatusSeeOther)
		return
	}
	saved, recent, err := s.Store.Mine(r.Context(), vw.AccountID)
	if err != nil {
		s.m.ServerError(w, r, err)
		return
	}
	v, now := s.cur.Load(), s.now()
	var d mineData
	for _, id := range saved {
		if sv := v.services[id]; sv != nil {
			d.Saved = append(d.Saved, v.card(sv, now))
		}
	}
	for _, id := range recent {
		if sv := v.services[id]; sv != nil {
			d.Recent = append(d.Recent, v.card(sv, now))
		}
	}
	s.render(w, r, http.StatusOK, "mine.html", "mine.title", d)
}

type agencyData struct {
	A                    *catalog.Agency
	Electronic, NotYet   []card
	Licences             []*catalog.Licence
	Parent               *catalog.Agency
	ElectronicN, NotYetN int
}

func (s *Site) agenciesPage(w http.ResponseWriter, r *http.Request) {
	v := s.cur.Load()
	s.renderCached(w, r, v, "agencies.html", "agencies.title", time.Time{}, func() any {
		var list []link
		for _, a := range v.sn.Agencies {
			list = append(list, link{URL: "/agencies/" + a.Code, Title: a.Name, Count: len(v.byAgency[a.Code])})
		}
		return list
	})
}

// agencyPage lists an agency's electronic services and, separately, those
// not yet electronic (D3).
func (s *Site) agencyPage(w http.ResponseWriter, r *http.Request) {
	v, now := s.cur.Load(), s.now()
	a := v.agencies[r.PathValue("code")]
	if a == nil {
		s.m.NotFound(w, r)
		return
	}
	s.renderCached(w, r, v, "agency.html", a.Name.In(web.LangOf(r)), time.Time{}, func() any {
		d := agencyData{A: a, Parent: v.agencies[a.Parent]}
		for _, sv := range v.byAgency[a.Code] {
			if sv.Electronic {
				d.Electronic = append(d.Electronic, v.card(sv, now))
			} else {
				d.NotYet = append(d.NotYet, v.card(sv, now))
			}
		}
		d.ElectronicN, d.NotYetN = len(d.Electronic), len(d.NotYet)
		for i := range v.sn.Licences {
			if v.sn.Licences[i].Issuer == a.Code {
				d.Licences = append(d.Licences, &v.sn.Licences[i])
			}
		}
		return d
	})
}

type termData struct {
	Term     *catalog.Term
	Event    bool
	Services []card
}

func (s *Site) termPage(events bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, now := s.cur.Load(), s.now()
		terms := v.cats
		if events {
			terms = v.events
		}
		t := terms[r.PathValue("key")]
		if t == nil {
			s.m.NotFound(w, r)
			return
		}
		s.renderCached(w, r, v, "term.html", t.Title.In(web.LangOf(r)), time.Time{}, func() any {
			d := termData{Term: t, Event: events}
			for _, sv := range v.popular {
				keys := sv.Categories
				if events {
					keys = sv.LifeEvents
				}
				if slices.Contains(keys, t.Key) {
					d.Services = append(d.Services, v.card(sv, now))
				}
			}
			return d
		})
	}
}

type licencesData struct {
	Q        string
	Licences []licenceCard
	Searched bool
}

type licenceCard struct {
	L      *catalog.Licence
	Issuer catalog.Text
}

func (s *Site) licencesPage(w http.ResponseWriter, r *http.Request) {
	v := s.cur.Load()
	if r.URL.RawQuery == "" {
		s.renderCached(w, r, v, "licences.html", "licences.title", time.Time{}, func() any {
			d := licencesData{}
			for i := range v.sn.Licences {
				l := &v.sn.Licences[i]
				d.Licences = append(d.Licences, licenceCard{L: l, Issuer: v.agencies[l.Issuer].Name})
			}
			return d
		})
		return
	}
	d := licencesData{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	if d.Q != "" && len([]rune(d.Q)) <= maxQuery {
		d.Searched = true
		_, hits, err := v.index.Search(r.Context(), search.Query{Text: d.Q, Lang: string(web.LangOf(r)), Kind: "licence", Limit: 50})
		if err != nil {
			s.m.ServerError(w, r, err)
			return
		}
		for _, h := range hits {
			if l := v.licences[h.ID]; l != nil {
				d.Licences = append(d.Licences, licenceCard{L: l, Issuer: v.agencies[l.Issuer].Name})
			}
		}
	} else {
		for i := range v.sn.Licences {
			l := &v.sn.Licences[i]
			d.Licences = append(d.Licences, licenceCard{L: l, Issuer: v.agencies[l.Issuer].Name})
		}
	}
	s.render(w, r, http.StatusOK, "licences.html", "licences.title", d)
}

type licenceData struct {
	L        *catalog.Licence
	Issuer   *catalog.Agency
	Services []card
	Reviewed time.Time
}

func (s *Site) licencePage(w http.ResponseWriter, r *http.Request) {
	v, now := s.cur.Load(), s.now()
	l := v.licences[r.PathValue("id")]
	if l == nil {
		s.m.NotFound(w, r)
		return
	}
	s.renderCached(w, r, v, "licence.html", l.Title.In(web.LangOf(r)), time.Time{}, func() any {
		d := licenceData{L: l, Issuer: v.agencies[l.Issuer]}
		d.Reviewed, _ = time.ParseInLocation(time.DateOnly, l.Reviewed, iran.Tehran())
		for _, id := range l.Services {
			if sv := v.services[id]; sv != nil {
				d.Services = append(d.Services, v.card(sv, now))
			}
		}
		return d
	})
}
