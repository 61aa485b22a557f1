package identity

import (
	"context"
	"embed"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Onward goes on, in a login's own transaction, with what the login was
// for: single sign-on's authorization request.
type Onward interface {
	// Prefetch queues in tx, before the challenge is read, the reads
	// Resume needs, so that they go to the database with that reading:
	// account is an SQL expression for the ID of the challenge's account,
	// in which $1 stands for challengeID.
	Prefetch(ctx context.Context, tx *sqldb.Tx, account, challengeID string) error
	// Resume takes the login on from the session it has made, in tx; it
	// returns how to answer the browser once the login has committed, or
	// nil to send the browser on to the return path.
	Resume(ctx context.Context, tx *sqldb.Tx, sess Session, acc Account) (func(http.ResponseWriter, *http.Request), error)
}

// Handler serves the registration, login and account pages. Set its
// fields, then Mount it.
type Handler struct {
	Service *Service
	// Connections, Accesses and Activity feed the account's privacy
	// pages; a nil one makes its page say it is not available.
	Connections Connections
	Accesses    Accesses
	Activity    Activity
	// Resume, if set, is what a login for single sign-on (one whose
	// return path is under /oauth2/), answered by r, goes on with in its
	// own transaction; nil when it cannot go on so, and the browser is
	// sent on to the return path.
	Resume func(r *http.Request, returnTo string) Onward

	m     *web.Mux
	pages *web.Templates
}

// Mount registers every route of the feature in one place.
func (h *Handler) Mount(m *web.Mux) {
	h.m = m
	h.pages = m.MustParseTemplates(templates, messages, "templates/*.html")
	m.AddNav(web.NavItem{Path: "/account", Label: messages["nav.account"]})
	m.Page("GET /register", h.registerForm)
	m.Page("POST /register", h.register)
	m.Page("GET /login", h.loginForm)
	m.Page("POST /login", h.login)
	m.Page("GET /login/code", h.codeForm)
	m.Page("POST /login/code", h.code)
	m.Page("POST /login/resend", h.resend)
	m.Page("POST /logout", h.logout)
	m.Page("GET /account", h.account)
	m.Page("GET /account/sessions", h.sessions)
	m.Page("POST /account/sessions/end", h.endSession)
	m.Page("GET /account/mobile", h.mobileForm)
	m.Page("POST /account/mobile", h.mobile)
	m.Page("POST /account/mobile/confirm", h.confirmMobile)
	m.Page("GET /account/connections", h.connections)
	m.Page("POST /account/connections/revoke", h.revokeConnection)
	m.Page("GET /account/accesses", h.accesses)
	m.Page("GET /account/activity", h.activity)
}

// client is where the request came from, for limits and the audit log.
func client(r *http.Request) Client {
	ip := web.ClientIP(r.Context())
	s := ""
	if ip.IsValid() {
		s = ip.String()
	}
	return Client{IP: s, UserAgent: r.UserAgent(), Devices: DeviceCookie(r)}
}

// safeReturn keeps a return address on this site: a path, never another
// host. Browsers read a backslash as a slash and drop tabs and line
// breaks, and http.Redirect cleans the path ("/./\x" becomes "/\x",
// which a browser takes for another host), so an address with any of
// them, written or escaped, is refused wherever it is.
func safeReturn(s string) string {
	if s == "" || !strings.HasPrefix(s, "/") || strings.ContainsRune(s, '\\') ||
		strings.Contains(strings.ToLower(s), "%5c") || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host != "" || u.Scheme != "" || u.User != nil || strings.HasPrefix(s, "//") {
		return ""
	}
	return s
}

// Current returns the request's session and account, if it has a valid
// one.
func (h *Handler) Current(r *http.Request) (Session, Account, bool) {
	s, a, err := h.Service.Authenticate(r.Context(), CookieToken(r))
	return s, a, err == nil
}

// requireLogin returns the session, or sends the browser to log in and
// come back.
func (h *Handler) requireLogin(w http.ResponseWriter, r *http.Request) (Session, Account, bool) {
	s, a, ok := h.Current(r)
	if !ok {
		http.Redirect(w, r, "/login?return="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	}
	return s, a, ok
}

// LoginURL is the login page that returns to returnTo.
func LoginURL(returnTo string) string {
	return "/login?return=" + url.QueryEscape(returnTo)
}

// fail shows err on the form it belongs to, or as a server error.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error, show func(status int, fieldErr map[string]*web.Text, msg *web.Text)) {
	var e *Error
	if !errors.As(err, &e) {
		h.m.ServerError(w, r, err)
		return
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
	msg := &web.Text{Fa: e.Fa, En: e.En}
	if e.Status >= 500 {
		// The window's failure, not the person's: its cause goes to the
		// log under the request's ID, which the person is given to quote.
		h.Service.logger().ErrorContext(r.Context(), "request failed", "code", e.Code, "err", e.Err)
		if id := web.RequestID(r.Context()); id != "" {
			msg.Fa += " شناسهٔ درخواست: " + id
			msg.En += " (request ID: " + id + ")"
		}
	}
	if e.Field != "" {
		errs := map[string]*web.Text{e.Field: msg}
		for _, o := range e.Also {
			errs[o.Field] = &web.Text{Fa: o.Fa, En: o.En}
		}
		show(e.Status, errs, nil)
		return
	}
	show(e.Status, nil, msg)
}

// --- registration

type registerView struct {
	Form    web.Form
	Message *web.Text
	Return  string
}

func newRegisterView(in RegisterInput, errs map[string]*web.Text) registerView {
	kinds := []web.Option{}
	for _, k := range []Kind{KindNatural, KindLegal, KindForeign} {
		kinds = append(kinds, web.Option{Value: string(k), Label: messages["kind."+string(k)], Selected: in.Kind == k})
	}
	f := func(id, name, label, value, hint, mode, ac string, required bool) web.Field {
		return web.Field{ID: id, Name: name, Label: messages[label], Value: value, Hint: messages[hint], Error: errs[name],
			Required: required, InputMode: mode, Autocomplete: ac, Dir: "ltr"}
	}
	kind := web.Field{ID: "reg-kind", Name: "kind", Type: "select", Label: messages["register.kind"], Options: kinds,
		Error: errs["kind"], Required: true}
	return registerView{Form: web.Form{Fields: []web.Field{
		kind,
		f("reg-national-code", "nationalCode", "register.nationalCode", in.NationalCode, "register.nationalCode.hint", "numeric", "off", false),
		f("reg-legal-id", "legalId", "register.legalId", in.LegalID, "register.legalId.hint", "numeric", "off", false),
		f("reg-foreign-id", "foreignId", "register.foreignId", in.ForeignID, "register.foreignId.hint", "numeric", "off", false),
		f("reg-birth", "birthDate", "register.birthDate", in.BirthDate, "register.birthDate.hint", "numeric", "bday", true),
		f("reg-mobile", "mobile", "register.mobile", in.Mobile, "register.mobile.hint", "tel", "tel", true),
	}}}
}

func (h *Handler) renderRegister(w http.ResponseWriter, r *http.Request, status int, v registerView) {
	h.m.Render(w, r, status, h.pages, web.Page{Name: "register.html", Title: "register.title", Data: v})
}

func (h *Handler) registerForm(w http.ResponseWriter, r *http.Request) {
	v := newRegisterView(RegisterInput{Kind: KindNatural}, nil)
	v.Return = safeReturn(r.URL.Query().Get("return"))
	h.renderRegister(w, r, http.StatusOK, v)
}

func (h *Handler) register(w http.ResponseWriter, r *http.Request) {
	in := RegisterInput{Kind: Kind(r.PostFormValue("kind")), NationalCode: r.PostFormValue("nationalCode"),
		LegalID: r.PostFormValue("legalId"), ForeignID: r.PostFormValue("foreignId"),
		BirthDate: r.PostFormValue("birthDate"), Mobile: r.PostFormValue("mobile")}
	ret := safeReturn(r.PostFormValue("return"))
	_, ch, err := h.Service.Register(r.Context(), in, client(r))
	if err != nil {
		h.fail(w, r, err, func(status int, errs map[string]*web.Text, msg *web.Text) {
			v := newRegisterView(in, errs)
			v.Message, v.Return = msg, ret
			h.renderRegister(w, r, status, v)
		})
		return
	}
	http.Redirect(w, r, codeURL(ch.ID, ret), http.StatusSeeOther)
}

func codeURL(challengeID, ret string) string {
	u := "/login/code?c=" + url.QueryEscape(challengeID)
	if ret != "" {
		u += "&return=" + url.QueryEscape(ret)
	}
	return u
}

// --- login

type loginView struct {
	Form    web.Form
	Message *web.Text
	Return  string
}

func newLoginView(value string, err *web.Text, ret string) loginView {
	return loginView{Return: ret, Form: web.Form{Fields: []web.Field{{ID: "login-id", Name: "loginId",
		Label: messages["login.id"], Hint: messages["login.id.hint"], Value: value, Error: err, Required: true,
		InputMode: "numeric", Autocomplete: "username", Dir: "ltr"}}}}
}

// loginAgain is the login page for a code that can no longer be used,
// saying why above the form rather than on its field, which the person
// did nothing wrong in. The identifier is filled in again when the code
// page's form brought back the one its login was started with.
func loginAgain(msg *web.Text, ret, loginID string) loginView {
	v := newLoginView(loginID, nil, ret)
	v.Message = msg
	return v
}

// postedLoginID is the identifier the code page's form carries back, the
// one the browser itself started the login with, or "" if it carries
// none that could be one. The window never looks it up from the
// challenge: whoever has a code page's address does not thereby learn
// whose it is.
func postedLoginID(r *http.Request) string {
	id, err := normalizeLoginID(r.PostFormValue("loginId"))
	if err != nil {
		return ""
	}
	return id
}

// oneText is the message of a failure that fail gave as a field's
// error or as the form's.
func oneText(errs map[string]*web.Text, msg *web.Text) *web.Text {
	if msg != nil {
		return msg
	}
	for _, t := range errs {
		return t
	}
	return nil
}

func (h *Handler) renderLogin(w http.ResponseWriter, r *http.Request, status int, v loginView) {
	h.m.Render(w, r, status, h.pages, web.Page{Name: "login.html", Title: "login.title", Data: v})
}

// LoginPage shows the login page in answer to r, wherever r was sent,
// coming back to returnTo (a path on this site) once logged in: single
// sign-on shows it at its own endpoints rather than redirect to /login.
func (h *Handler) LoginPage(w http.ResponseWriter, r *http.Request, returnTo string) {
	h.renderLogin(w, r, http.StatusOK, newLoginView("", nil, safeReturn(returnTo)))
}

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) {
	h.renderLogin(w, r, http.StatusOK, newLoginView("", nil, safeReturn(r.URL.Query().Get("return"))))
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	id, ret := r.PostFormValue("loginId"), safeReturn(r.PostFormValue("return"))
	ch, err := h.Service.StartLogin(r.Context(), id, client(r))
	if err != nil {
		h.fail(w, r, err, func(status int, errs map[string]*web.Text, msg *web.Text) {
			fe := errs["loginId"]
			if fe == nil {
				fe = msg
			}
			v := newLoginView(id, fe, ret)
			h.renderLogin(w, r, status, v)
		})
		return
	}
	// The code page answers the form itself rather than a redirect to
	// it, a request fewer in every login.
	h.codeAnswer(w, r, ch, ret, postedLoginID(r))
}

// codeAnswer answers a form that sent a login code with the code page,
// as its own address would render it; the page's script puts that
// address in the address bar, so that reloading shows the page again
// rather than posting the form twice.
func (h *Handler) codeAnswer(w http.ResponseWriter, r *http.Request, ch Challenge, ret, loginID string) {
	at := codeURL(ch.ID, ret)
	v := h.loginCodeView(ch, nil, ret, loginID)
	v.Address = at
	h.renderCode(w, requestAt(r, at), http.StatusOK, v)
}

// requestAt is r as if made to target, a path and query on this site, for
// a page that answers r but is another address's page.
func requestAt(r *http.Request, target string) *http.Request {
	u, err := url.Parse(target)
	if err != nil {
		return r
	}
	r2 := *r
	r2.URL = u
	return &r2
}

type codeView struct {
	Challenge Challenge
	Form      web.Form
	Message   *web.Text
	Return    string
	Action    string // where the code is posted
	CanResend bool
	// Address is the page's own address when it answers a form posted
	// to another.
	Address string
	// LoginID is the identifier the login was started with, carried by
	// the page's forms so that the login page asked for again after a
	// code that can no longer be used has it filled in.
	LoginID string
}

func newCodeView(ch Challenge, err *web.Text, ret, action string, now time.Time) codeView {
	return codeView{Challenge: ch, Return: ret, Action: action, CanResend: !now.Before(ch.ResendAt),
		Form: web.Form{Fields: []web.Field{{ID: "otp-code", Name: "code", Label: messages["code.label"],
			Hint: messages["code.hint"], Error: err, Required: true, InputMode: "numeric", Autocomplete: "one-time-code", Dir: "ltr"}}}}
}

// failed is v showing a failure of its code's form as fail gave it: an
// error of the code's field on the field, any other above the form.
func (v codeView) failed(errs map[string]*web.Text, msg *web.Text) codeView {
	v.Form.Fields[0].Error = errs["code"]
	v.Message = msg
	if msg == nil && errs["code"] == nil {
		v.Message = oneText(errs, nil)
	}
	return v
}

// loginCodeView is the login code page's view of ch, its forms carrying
// back loginID.
func (h *Handler) loginCodeView(ch Challenge, err *web.Text, ret, loginID string) codeView {
	v := newCodeView(ch, err, ret, "/login/code", h.Service.now())
	v.LoginID = loginID
	return v
}

func (h *Handler) renderCode(w http.ResponseWriter, r *http.Request, status int, v codeView) {
	h.m.Render(w, r, status, h.pages, web.Page{Name: "code.html", Title: "code.title", Data: v})
}

func (h *Handler) codeForm(w http.ResponseWriter, r *http.Request) {
	ret := safeReturn(r.URL.Query().Get("return"))
	ch, err := h.Service.PendingChallenge(r.Context(), r.URL.Query().Get("c"))
	if err != nil {
		// Back to the code page of a login that has since succeeded: the
		// person is in, and goes on as the login did.
		if _, _, in := h.Current(r); in {
			if ret == "" || strings.HasPrefix(ret, "/oauth2/") {
				ret = "/account"
			}
			http.Redirect(w, r, ret, http.StatusSeeOther)
			return
		}
		h.renderLogin(w, r, http.StatusGone, loginAgain(&web.Text{Fa: messages["code.gone"].Fa, En: messages["code.gone"].En}, ret, ""))
		return
	}
	h.renderCode(w, r, http.StatusOK, h.loginCodeView(ch, nil, ret, ""))
}

func (h *Handler) code(w http.ResponseWriter, r *http.Request) {
	id, ret, lid := r.PostFormValue("c"), safeReturn(r.PostFormValue("return")), postedLoginID(r)
	var opts LoginOptions
	var onward func(http.ResponseWriter, *http.Request)
	if h.Resume != nil && strings.HasPrefix(ret, "/oauth2/") {
		if on := h.Resume(r, ret); on != nil {
			opts.Prefetch = func(tx *sqldb.Tx, account, challengeID string) error {
				return on.Prefetch(r.Context(), tx, account, challengeID)
			}
			opts.Then = func(tx *sqldb.Tx, sess Session, acc Account) error {
				var err error
				onward, err = on.Resume(r.Context(), tx, sess, acc)
				return err
			}
		}
	}
	// The browser's former session, if it has one, ends with the login:
	// its cookie is replaced, and the session would otherwise be left
	// open, listed, and entered agencies with, until it idles out.
	opts.Replaces = CookieToken(r)
	cl := client(r)
	_, acc, token, err := h.Service.Login(r.Context(), id, r.PostFormValue("code"), cl, opts)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && (e.Code == CodeCodeExpired || e.Code == CodeTooManyAttempts || e.Code == CodeCodesLocked) {
			h.renderLogin(w, r, e.Status, loginAgain(&web.Text{Fa: e.Fa, En: e.En}, ret, lid))
			return
		}
		h.fail(w, r, err, func(status int, errs map[string]*web.Text, msg *web.Text) {
			ch, perr := h.Service.PendingChallenge(r.Context(), id)
			if perr != nil {
				h.renderLogin(w, r, http.StatusGone, loginAgain(oneText(errs, msg), ret, lid))
				return
			}
			h.renderCode(w, r, status, h.loginCodeView(ch, nil, ret, lid).failed(errs, msg))
		})
		return
	}
	SetCookie(w, r, token)
	// The browser becomes, or stays, a known device for the identifier.
	h.Service.SetDeviceCookie(w, r, h.Service.RememberDevice(cl.Devices, acc.LoginID))
	if ret == "" {
		ret = "/account"
	}
	if strings.HasPrefix(ret, "/oauth2/") {
		if onward != nil {
			onward(w, r)
			return
		}
		// Single sign-on goes on to an agency: a form's answer may not lead
		// off the site by redirects (form-action 'self'), a page may.
		h.m.Continue(w, r, ret)
		return
	}
	http.Redirect(w, r, ret, http.StatusSeeOther)
}

func (h *Handler) resend(w http.ResponseWriter, r *http.Request) {
	id, ret, lid := r.PostFormValue("c"), safeReturn(r.PostFormValue("return")), postedLoginID(r)
	ch, err := h.Service.Resend(r.Context(), id, client(r))
	if err != nil {
		h.fail(w, r, err, func(status int, errs map[string]*web.Text, msg *web.Text) {
			// The resend's form posts no code: whatever stopped it, such
			// as the cooldown, is said above the form, and the code's
			// field, which the person did nothing wrong in, is left as
			// it was.
			if old, perr := h.Service.PendingChallenge(r.Context(), id); perr == nil {
				v := h.loginCodeView(old, nil, ret, lid)
				v.Message = oneText(errs, msg)
				h.renderCode(w, r, status, v)
				return
			}
			h.renderLogin(w, r, status, loginAgain(oneText(errs, msg), ret, lid))
		})
		return
	}
	h.codeAnswer(w, r, ch, ret, lid)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if s, a, ok := h.Current(r); ok {
		if err := h.Service.EndSession(r.Context(), a.ID, s.ID, "logout", client(r)); err != nil {
			h.m.ServerError(w, r, err)
			return
		}
	}
	ClearCookie(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// --- account

type accountView struct {
	Changed bool
	Account Account
	Session Session
	Rows    []profileRow
}

type profileRow struct {
	Label  web.Text
	Value  string   // as the registry gave it
	Number string   // or an identifier, shown in the page's digits
	Text   web.Text // or a value said in the page's language
	Name   web.Text // or a name, in the page's language, isolated as Value is
	Date   time.Time
	Source web.Text
}

func profileRows(a Account) []profileRow {
	src := func(k string) web.Text { return messages["source."+a.Source[k]] }
	rows := []profileRow{}
	add := func(key, value, source string) {
		if value != "" {
			rows = append(rows, profileRow{Label: messages["profile."+key], Value: value, Source: src(source)})
		}
	}
	number := func(key, value, source string) {
		if value != "" {
			rows = append(rows, profileRow{Label: messages["profile."+key], Number: value, Source: src(source)})
		}
	}
	said := func(key string, value web.Text, source string) {
		rows = append(rows, profileRow{Label: messages["profile."+key], Text: value, Source: src(source)})
	}
	said("kind", messages["kind."+string(a.Kind)], "")
	number("nationalCode", a.NationalCode, "nationalCode")
	number("foreignId", a.ForeignID, "foreignId")
	number("legalId", a.LegalID, "companyName")
	add("companyName", a.CompanyName, "companyName")
	add("signatoryRole", a.SignatoryRole, "signatoryRole")
	add("firstName", a.FirstName, "firstName")
	add("lastName", a.LastName, "lastName")
	add("fatherName", a.FatherName, "fatherName")
	if g := messages["gender."+a.Gender]; g.Fa != "" {
		said("gender", g, "gender")
	}
	if !a.BirthDate.IsZero() {
		rows = append(rows, profileRow{Label: messages["profile.birthDate"], Date: a.BirthDate, Source: src("birthDate")})
	}
	number("mobile", a.Mobile, "mobile")
	number("postalCode", a.PostalCode, "postalCode")
	if a.Province != "" {
		// The registries name the province in Persian; English pages give
		// it its English name, which every province has.
		name := web.Text{Fa: a.Province, En: a.Province}
		if en, ok := iran.ProvinceEnglish(a.Province); ok {
			name.En = en
		}
		said("province", name, "province")
	}
	if a.City != "" {
		// The city too is named in Persian; English pages give it its
		// English name where package iran knows it (the province tells
		// apart cities of the same name), and its Persian name otherwise.
		// It is isolated as the registries' values are, for the Persian
		// name an English page may show.
		name := web.Text{Fa: a.City, En: a.City}
		if en, ok := iran.CityEnglish(a.Province, a.City); ok {
			name.En = en
		}
		rows = append(rows, profileRow{Label: messages["profile.city"], Name: name, Source: src("city")})
	}
	return rows
}

func (h *Handler) account(w http.ResponseWriter, r *http.Request) {
	s, a, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	h.m.Render(w, r, http.StatusOK, h.pages, web.Page{Name: "account.html", Title: "account.title",
		Data: accountView{Account: a, Session: s, Rows: profileRows(a), Changed: r.URL.Query().Get("changed") == "mobile"}})
}

type sessionsView struct {
	Current  string
	Sessions []Session
}

func (h *Handler) sessions(w http.ResponseWriter, r *http.Request) {
	s, a, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	list, err := h.Service.Sessions(r.Context(), a.ID)
	if err != nil {
		h.m.ServerError(w, r, err)
		return
	}
	h.m.Render(w, r, http.StatusOK, h.pages, web.Page{Name: "sessions.html", Title: "sessions.title",
		Data: sessionsView{Current: s.ID, Sessions: list}})
}

func (h *Handler) endSession(w http.ResponseWriter, r *http.Request) {
	s, a, ok := h.requireLogin(w, r)
	if !ok {
		return
	}
	id := r.PostFormValue("session")
	if err := h.Service.EndSession(r.Context(), a.ID, id, "ended-by-owner", client(r)); err != nil {
		h.m.ServerError(w, r, err)
		return
	}
	if id == s.ID {
		ClearCookie(w, r)
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/account/sessions", http.StatusSeeOther)
}

type mobileView struct {
	Account Account
	Form    web.Form
	Message *web.Text
	// Relogin is where to log in again, when the session's login is too
	// old to change the account's mobile with.
	Relogin string
}

// freshLogin is how recent a login must be to change the account's
// mobile, the one thing every later login depends on: a session left
// open on a shared computer is not enough.
const freshLogin = 15 * time.Minute

// requireFreshLogin is requireLogin for the mobile's change: with an older
// login it shows the page that asks the person to log in again.
func (h *Handler) requireFreshLogin(w http.ResponseWriter, r *http.Request) (Account, bool) {
	s, a, ok := h.requireLogin(w, r)
	if !ok {
		return a, false
	}
	if h.Service.now().Sub(s.AuthTime) > freshLogin {
		v := newMobileView(a, "", nil)
		v.Relogin = LoginURL("/account/mobile")
		h.renderMobile(w, r, http.StatusForbidden, v)
		return a, false
	}
	return a, true
}

func newMobileView(a Account, value string, err *web.Text) mobileView {
	return mobileView{Account: a, Form: web.Form{Fields: []web.Field{{ID: "new-mobile", Name: "mobile",
		Label: messages["mobile.new"], Hint: messages["register.mobile.hint"], Value: value, Error: err, Required: true,
		Type: "tel", InputMode: "tel", Autocomplete: "tel", Dir: "ltr"}}}}
}

func (h *Handler) renderMobile(w http.ResponseWriter, r *http.Request, status int, v mobileView) {
	h.m.Render(w, r, status, h.pages, web.Page{Name: "mobile.html", Title: "mobile.title", Data: v})
}

func (h *Handler) mobileForm(w http.ResponseWriter, r *http.Request) {
	a, ok := h.requireFreshLogin(w, r)
	if !ok {
		return
	}
	h.renderMobile(w, r, http.StatusOK, newMobileView(a, "", nil))
}

func (h *Handler) mobile(w http.ResponseWriter, r *http.Request) {
	a, ok := h.requireFreshLogin(w, r)
	if !ok {
		return
	}
	m := r.PostFormValue("mobile")
	ch, err := h.Service.ChangeMobile(r.Context(), a.ID, m, client(r))
	if err != nil {
		h.fail(w, r, err, func(status int, errs map[string]*web.Text, msg *web.Text) {
			fe := errs["mobile"]
			if fe == nil {
				fe = msg
			}
			h.renderMobile(w, r, status, newMobileView(a, m, fe))
		})
		return
	}
	h.renderCode(w, r, http.StatusOK, newCodeView(ch, nil, "", "/account/mobile/confirm", h.Service.now()))
}

func (h *Handler) confirmMobile(w http.ResponseWriter, r *http.Request) {
	a, ok := h.requireFreshLogin(w, r)
	if !ok {
		return
	}
	id := r.PostFormValue("c")
	if _, err := h.Service.ConfirmMobile(r.Context(), a.ID, id, r.PostFormValue("code"), client(r)); err != nil {
		h.fail(w, r, err, func(status int, errs map[string]*web.Text, msg *web.Text) {
			if ch, perr := h.Service.PendingChallenge(r.Context(), id); perr == nil {
				h.renderCode(w, r, status, newCodeView(ch, nil, "", "/account/mobile/confirm", h.Service.now()).failed(errs, msg))
				return
			}
			v := newMobileView(a, "", nil)
			v.Message = oneText(errs, msg)
			h.renderMobile(w, r, status, v)
		})
		return
	}
	http.Redirect(w, r, "/account?changed=mobile", http.StatusSeeOther)
}
