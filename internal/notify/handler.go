package notify

import (
	"embed"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// messages are the development page's texts.
var messages = web.Messages{
	"devsms.title":    {Fa: "پیامک‌های محیط توسعه", En: "Development SMS"},
	"devsms.lead":     {Fa: "در این نسخهٔ نمایشی هیچ پیامکی به تلفن کسی نمی‌رسد؛ پیامک‌هایی که سامانه از سرشمارهٔ ۴۰۴۰ فرستاده است، تازه‌ترین در بالا، این‌جا دیده می‌شوند.", En: "In this demo no SMS reaches anyone's phone; the messages the platform sent from the 4040 short code are listed here, newest first."},
	"devsms.to":       {Fa: "شمارهٔ همراه گیرنده", En: "Recipient's mobile number"},
	"devsms.filter":   {Fa: "نمایش", En: "Show"},
	"devsms.all":      {Fa: "همهٔ پیامک‌ها", En: "All messages"},
	"devsms.none":     {Fa: "هنوز پیامکی فرستاده نشده است.", En: "No message has been sent yet."},
	"devsms.json":     {Fa: "همین فهرست به صورت JSON:", En: "The same list as JSON:"},
	"devsms.time":     {Fa: "زمان", En: "Time"},
	"devsms.mobile":   {Fa: "گیرنده", En: "To"},
	"devsms.sender":   {Fa: "فرستنده", En: "From"},
	"devsms.purpose":  {Fa: "نوع", En: "Purpose"},
	"devsms.text":     {Fa: "متن", En: "Text"},
	"devsms.code":     {Fa: "کد", En: "Code"},
	"devsms.status":   {Fa: "وضعیت", En: "Status"},
	"status.queued":   {Fa: "در صف", En: "Queued"},
	"status.sending":  {Fa: "در حال ارسال", En: "Sending"},
	"status.sent":     {Fa: "ارسال شد", En: "Sent"},
	"status.failed":   {Fa: "ناموفق", En: "Failed"},
	"status.expired":  {Fa: "منقضی شد", En: "Expired"},
	"purpose.otp":     {Fa: "رمز یک‌بارمصرف", En: "One-time code"},
	"purpose.notice":  {Fa: "اطلاع‌رسانی", En: "Notice"},
	"purpose.unknown": {Fa: "دیگر", En: "Other"},
}

// Mount registers the development SMS page on m: GET /dev/sms as a page
// (or as JSON when the request prefers application/json) and GET
// /dev/sms.json, both with the optional ?to=09... filter and ?limit=N.
// Only `panjereh demo` and development instances mount it: it shows
// one-time codes to anyone who can reach it.
func (d *DevSink) Mount(m *web.Mux) {
	pages := m.MustParseTemplates(templates, messages, "templates/*.html")
	m.Page("GET /dev/sms", func(w http.ResponseWriter, r *http.Request) {
		if wantsJSON(r) {
			d.serveJSON(w, r)
			return
		}
		d.servePage(m, pages, w, r)
	})
	m.API("GET /dev/sms.json", d.serveJSON)
}

// DevMessage is a message as the development page's JSON shows it.
type DevMessage struct {
	ID        string     `json:"id"`
	To        string     `json:"to"`
	Sender    string     `json:"sender"`
	Purpose   string     `json:"purpose"`
	Body      string     `json:"body"`
	Code      string     `json:"code,omitempty"` // the one-time code, of an otp message only
	Status    Status     `json:"status"`
	Attempts  int        `json:"attempts"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
	// Jalali is the creation time in Tehran on the Jalali calendar,
	// "1403/09/28 14:05:09".
	Jalali string `json:"jalali"`
	// Gregorian is the same time in Tehran on the Gregorian calendar,
	// "2024-12-18 14:05:09".
	Gregorian string `json:"gregorian"`
	LastError string `json:"last_error,omitempty"`
}

func devMessage(s Stored) DevMessage {
	t := s.CreatedAt.In(iran.Tehran())
	clock := t.Format("15:04:05")
	dm := DevMessage{ID: s.ID, To: s.To, Sender: s.Sender, Purpose: s.Purpose, Body: s.Body, Code: OTPCode(s.Purpose, s.Body),
		Status: s.Status, Attempts: s.Attempts, CreatedAt: s.CreatedAt,
		Jalali: iran.ToJalali(t).String() + " " + clock, Gregorian: t.Format("2006-01-02") + " " + clock,
		LastError: s.LastError}
	if !s.SentAt.IsZero() {
		sent := s.SentAt
		dm.SentAt = &sent
	}
	return dm
}

// query reads ?to= and ?limit=, answering a problem when to is not a
// mobile number.
func (d *DevSink) query(w http.ResponseWriter, r *http.Request) (to string, limit int, ok bool) {
	limit = 50
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 {
		limit = min(n, 500)
	}
	to = strings.TrimSpace(r.URL.Query().Get("to"))
	if to == "" {
		return "", limit, true
	}
	norm, err := iran.NormalizeMobile(to)
	if err != nil {
		p := web.NewProblem(http.StatusBadRequest, "mobile", "to: not a mobile number", "شمارهٔ همراه نادرست است.")
		if ve, ok := err.(*iran.ValidationError); ok {
			p.Code, p.Detail, p.DetailFa = ve.Code, "to: "+ve.En, ve.Fa
		}
		web.WriteProblem(w, r, p)
		return "", 0, false
	}
	return norm, limit, true
}

func (d *DevSink) serveJSON(w http.ResponseWriter, r *http.Request) {
	to, limit, ok := d.query(w, r)
	if !ok {
		return
	}
	list, err := d.Outbox.Latest(r.Context(), to, limit)
	if err != nil {
		web.WriteInternalError(w, r, d.Outbox.logger(), err)
		return
	}
	out := make([]DevMessage, 0, len(list))
	for _, s := range list {
		out = append(out, devMessage(s))
	}
	w.Header().Set("Cache-Control", "no-store")
	web.WriteJSON(w, http.StatusOK, map[string]any{"messages": out})
}

// devPage is what the development page shows.
type devPage struct {
	To   string
	Rows []devRow
}

// devRow is one message on the development page.
type devRow struct {
	DevMessage
	StatusText, PurposeText web.Text
	// Lines are the body's lines, shown with line breaks.
	Lines []string
}

func newDevRow(s Stored) devRow {
	row := devRow{DevMessage: devMessage(s), StatusText: messages["status."+string(s.Status)],
		PurposeText: messages["purpose.unknown"], Lines: strings.Split(s.Body, "\n")}
	if t, ok := messages["purpose."+s.Purpose]; ok {
		row.PurposeText = t
	}
	return row
}

func (d *DevSink) servePage(m *web.Mux, pages *web.Templates, w http.ResponseWriter, r *http.Request) {
	to, limit, ok := d.query(w, r)
	if !ok {
		return
	}
	list, err := d.Outbox.Latest(r.Context(), to, limit)
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	data := devPage{To: to}
	for _, s := range list {
		data.Rows = append(data.Rows, newDevRow(s))
	}
	m.Render(w, r, http.StatusOK, pages, web.Page{Name: "devsms.html", Title: "devsms.title", Data: data})
}

// wantsJSON reports whether the client asked for JSON rather than a page.
func wantsJSON(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}
