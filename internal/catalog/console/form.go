package console

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/web"
)

// serviceForm is a service record as its edit form holds it: the values
// as typed, so that a form sent back keeps every one of them.
type serviceForm struct {
	ID                     string
	TitleFa, TitleEn       string
	SummaryFa, SummaryEn   string
	Aliases                string
	Audiences, LifeEvents  []string
	Categories, Channels   []string
	Assurance              string
	Inquiries              string
	Evaluation             string
	Counter                bool
	Fees                   []feeRow
	Days                   string
	TimeNoteFa, TimeNoteEn string
	Availability           string
	Maturity, Stage        string
	Electronic             bool
	Steps                  []stepRow
	Documents, Forms       string
	StartURL, Licence      string
	Reviewed               string
	ReviewedToday          bool
	Note                   string
}

// feeRow and stepRow are one row of the fees and the steps.
type feeRow struct{ TitleFa, TitleEn, Rials, Payment string }

type stepRow struct{ TitleFa, TitleEn, BodyFa, BodyEn string }

func (f feeRow) empty() bool { return blank(f.TitleFa, f.TitleEn, f.Rials) }

func (s stepRow) empty() bool { return blank(s.TitleFa, s.TitleEn, s.BodyFa, s.BodyEn) }

func blank(ss ...string) bool {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

const (
	// extraRows is how many empty fee and step rows the form offers.
	extraRows = 2
	// maxRows bounds the rows read from a form.
	maxRows = 60
	// maxNote is the longest editor's note the store accepts.
	maxNote = 500
)

// formOf fills the form with a saved record.
func formOf(sv catalog.Service) serviceForm {
	f := serviceForm{
		ID: sv.ID, TitleFa: sv.Title.Fa, TitleEn: sv.Title.En, SummaryFa: sv.Summary.Fa, SummaryEn: sv.Summary.En,
		Aliases: strings.Join(sv.Aliases, "\n"), Audiences: sv.Audiences, LifeEvents: sv.LifeEvents,
		Categories: sv.Categories, Channels: sv.Channels, Assurance: sv.Assurance,
		Inquiries: strings.Join(sv.Inquiries, "\n"), Evaluation: sv.Evaluation, Counter: sv.Counter,
		Days: strconv.Itoa(sv.Days), TimeNoteFa: sv.TimeNote.Fa, TimeNoteEn: sv.TimeNote.En,
		Availability: sv.Availability, Maturity: sv.Maturity, Stage: sv.Stage, Electronic: sv.Electronic,
		StartURL: sv.StartURL, Licence: sv.Licence, Reviewed: sv.Reviewed,
	}
	for _, fe := range sv.Fees {
		f.Fees = append(f.Fees, feeRow{fe.Title.Fa, fe.Title.En, strconv.FormatInt(fe.Rials, 10), fe.Payment})
	}
	for _, st := range sv.Steps {
		f.Steps = append(f.Steps, stepRow{st.Title.Fa, st.Title.En, st.Body.Fa, st.Body.En})
	}
	var docs, forms []string
	for _, d := range sv.Documents {
		docs = append(docs, d.Fa+" | "+d.En)
	}
	for _, fm := range sv.Forms {
		line := fm.Title.Fa + " | " + fm.Title.En
		if fm.URL != "" {
			line += " | " + fm.URL
		}
		forms = append(forms, line)
	}
	f.Documents, f.Forms = strings.Join(docs, "\n"), strings.Join(forms, "\n")
	f.padRows()
	return f
}

// padRows offers the empty rows after the filled ones.
func (f *serviceForm) padRows() {
	for range extraRows {
		f.Fees = append(f.Fees, feeRow{})
		f.Steps = append(f.Steps, stepRow{})
	}
}

// readForm reads a posted edit form. A body that cannot be read leaves
// the form empty, and its problems say what is missing.
func readForm(r *http.Request) serviceForm {
	_ = r.ParseForm()
	v := r.PostForm
	f := serviceForm{
		ID: v.Get("id"), TitleFa: v.Get("title_fa"), TitleEn: v.Get("title_en"),
		SummaryFa: v.Get("summary_fa"), SummaryEn: v.Get("summary_en"), Aliases: v.Get("aliases"),
		Audiences: v["audience"], LifeEvents: v["life_event"], Categories: v["category"], Channels: v["channel"],
		Assurance: v.Get("assurance"), Inquiries: v.Get("inquiries"), Evaluation: v.Get("evaluation"),
		Counter: v.Get("counter") == "on", Days: v.Get("days"), TimeNoteFa: v.Get("time_note_fa"),
		TimeNoteEn: v.Get("time_note_en"), Availability: v.Get("availability"), Maturity: v.Get("maturity"),
		Stage: v.Get("stage"), Electronic: v.Get("electronic") == "on", Documents: v.Get("documents"),
		Forms: v.Get("forms"), StartURL: v.Get("start_url"), Licence: v.Get("licence"), Reviewed: v.Get("reviewed"),
		ReviewedToday: v.Get("reviewed_today") == "on", Note: v.Get("note"),
	}
	for i := range rowCount(v.Get("fee_rows")) {
		p := fmt.Sprintf("fee_%d_", i)
		f.Fees = append(f.Fees, feeRow{v.Get(p + "title_fa"), v.Get(p + "title_en"), v.Get(p + "rials"), v.Get(p + "payment")})
	}
	for i := range rowCount(v.Get("step_rows")) {
		p := fmt.Sprintf("step_%d_", i)
		f.Steps = append(f.Steps, stepRow{v.Get(p + "title_fa"), v.Get(p + "title_en"), v.Get(p + "body_fa"), v.Get(p + "body_en")})
	}
	return f
}

func rowCount(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return min(n, maxRows)
}

// problem is one thing wrong with a form: Key names the part of the form
// (a field such as "title", a row's field such as "fee.2.rials", or ""
// for the record as a whole).
type problem struct {
	Key  string
	Text web.Text
}

// parse turns the form into the record of agency, with the problems of
// what could not be read. Empty fee and step rows are dropped and the
// filled ones close up, so that row n of the form is the record's fee or
// step n, as the catalog's problems number them. today is the Tehran
// date for "mark as reviewed today".
func (f *serviceForm) parse(agency, today string) (catalog.Service, []problem) {
	var probs []problem
	bad := func(key, faMsg, enMsg string) { probs = append(probs, problem{key, web.Text{Fa: faMsg, En: enMsg}}) }
	sv := catalog.Service{
		ID: strings.TrimSpace(iran.ToASCIIDigits(f.ID)), Agency: agency,
		Title: pair(f.TitleFa, f.TitleEn), Summary: pair(f.SummaryFa, f.SummaryEn),
		Audiences: f.Audiences, LifeEvents: f.LifeEvents, Categories: f.Categories, Channels: f.Channels,
		Assurance: f.Assurance, Evaluation: f.Evaluation, Counter: f.Counter,
		TimeNote: pair(f.TimeNoteFa, f.TimeNoteEn), Availability: f.Availability, Maturity: f.Maturity,
		Stage: f.Stage, Electronic: f.Electronic, StartURL: strings.TrimSpace(f.StartURL),
		Licence: strings.TrimSpace(f.Licence),
	}
	for _, l := range lines(f.Aliases) {
		sv.Aliases = append(sv.Aliases, iran.NormalizeText(l))
	}
	sv.Inquiries = lines(f.Inquiries)

	var fees []feeRow
	for _, row := range f.Fees {
		if row.empty() {
			continue
		}
		fees = append(fees, row)
		key := fmt.Sprintf("fee.%d.rials", len(fees))
		rials, err := strconv.ParseInt(digitsOnly(row.Rials), 10, 64)
		switch {
		case strings.TrimSpace(row.Rials) == "":
			bad(key, "مبلغ را به ریال بنویسید؛ برای خدمت رایگان صفر.", "Enter the amount in rials; zero if free.")
		case err != nil || rials < 0:
			bad(key, "مبلغ باید عددی درست و نامنفی به ریال باشد.", "The amount must be a whole, non-negative number of rials.")
		}
		sv.Fees = append(sv.Fees, catalog.Fee{Title: pair(row.TitleFa, row.TitleEn), Rials: rials, Payment: row.Payment})
	}
	var steps []stepRow
	for _, row := range f.Steps {
		if row.empty() {
			continue
		}
		steps = append(steps, row)
		sv.Steps = append(sv.Steps, catalog.Step{Title: pair(row.TitleFa, row.TitleEn), Body: pair(row.BodyFa, row.BodyEn)})
	}
	f.Fees, f.Steps = fees, steps
	f.padRows()

	days := strings.TrimSpace(iran.ToASCIIDigits(f.Days))
	var err error
	if days == "" {
		bad("days", "تعداد روزهای کاری را بنویسید؛ برای انجام بی‌درنگ صفر.", "Enter the number of working days; zero for at once.")
	} else if sv.Days, err = strconv.Atoi(days); err != nil {
		bad("days", "زمان انجام باید عددی درست از روزهای کاری باشد.", "The processing time must be a whole number of working days.")
	}

	// A line that does not split into its parts still becomes an entry,
	// with what it has, so that entries keep their line numbers and the
	// catalog's check says what is missing.
	for _, l := range lines(f.Documents) {
		parts := strings.Split(l, "|")
		if len(parts) != 2 {
			parts = []string{l, ""}
		}
		sv.Documents = append(sv.Documents, pair(parts[0], parts[1]))
	}
	for _, l := range lines(f.Forms) {
		parts := strings.Split(l, "|")
		var fm catalog.Form
		switch len(parts) {
		case 2, 3:
			fm.Title = pair(parts[0], parts[1])
			if len(parts) == 3 {
				fm.URL = strings.TrimSpace(parts[2])
			}
		default:
			fm.Title = pair(l, "")
		}
		sv.Forms = append(sv.Forms, fm)
	}

	if f.ReviewedToday {
		f.Reviewed, f.ReviewedToday = today, false
	}
	sv.Reviewed = strings.TrimSpace(iran.ToASCIIDigits(f.Reviewed))
	if n := len([]rune(strings.TrimSpace(f.Note))); n > maxNote {
		probs = append(probs, problem{"note", textf("p.note", maxNote, n)})
	}
	return sv, probs
}

// pair is a text in both languages as the catalog keeps it: Persian
// normalised (Persian yeh and kaf, no stray marks), white space
// collapsed.
func pair(fa, en string) web.Text {
	return web.Text{Fa: iran.NormalizeText(fa), En: strings.Join(strings.Fields(en), " ")}
}

// lines returns the non-empty lines of s, trimmed.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// digitsOnly reads an amount typed with Persian digits or thousands
// separators.
func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ',', '٬', '،', '_', ' ', '\u00a0', '\u200c':
			return -1
		}
		return r
	}, iran.ToASCIIDigits(strings.TrimSpace(s)))
}
