package console

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/web"
)

// formView is the edit form as its template shows it: every control with
// its label, value and error.
type formView struct {
	Fields   map[string]web.Field
	Groups   map[string]checkGroup
	Boxes    map[string]checkBox
	Fees     []feeView
	Steps    []stepView
	StepsErr *web.Text
	// Problems is the error summary: every problem, linked to its field.
	Problems []summaryItem
}

// checkGroup is a set of checkboxes under one legend.
type checkGroup struct {
	ID, Name string
	Legend   web.Text
	Error    *web.Text
	Options  []checkOption
}

type checkOption struct {
	ID, Value string
	Label     web.Text
	Checked   bool
}

// checkBox is a single checkbox.
type checkBox struct {
	ID, Name string
	Label    web.Text
	Hint     web.Text
	Checked  bool
	Error    *web.Text
}

// feeView and stepView are one row of fees or steps.
type feeView struct {
	Legend                           web.Text
	TitleFa, TitleEn, Rials, Payment web.Field
}

type stepView struct {
	Legend                           web.Text
	TitleFa, TitleEn, BodyFa, BodyEn web.Field
}

// summaryItem is one line of the error summary.
type summaryItem struct {
	Anchor string
	Label  web.Text
	Text   web.Text
}

// formTop is the id the summary links to for a problem of the record as
// a whole.
const formTop = "svc-form"

// builder attaches problems to the controls they are about and
// remembers where each was shown, for the summary's links.
type builder struct {
	errs    map[string][]web.Text
	anchors map[string]summaryItem
}

func (b *builder) err(key string) *web.Text {
	ts := b.errs[key]
	if len(ts) == 0 {
		return nil
	}
	var fa, en []string
	for _, t := range ts {
		fa, en = append(fa, t.Fa), append(en, t.En)
	}
	return &web.Text{Fa: strings.Join(fa, " "), En: strings.Join(en, " ")}
}

// attach gives f the errors of key; prefix names the row f is in.
func (b *builder) attach(key string, f *web.Field, prefix *web.Text) {
	if f.Error = b.err(key); f.Error == nil {
		return
	}
	label := f.Label
	if prefix != nil {
		label = web.Text{Fa: prefix.Fa + "، " + label.Fa, En: prefix.En + ", " + label.En}
	}
	if _, ok := b.anchors[key]; !ok {
		b.anchors[key] = summaryItem{Anchor: f.ID, Label: label}
	}
}

func (b *builder) field(key, name, labelKey, value string) web.Field {
	f := web.Field{ID: "svc-" + strings.ReplaceAll(name, "_", "-"), Name: name, Label: messages[labelKey], Value: value,
		Hint: messages[labelKey+".hint"]}
	b.attach(key, &f, nil)
	return f
}

// pair returns the Persian and English controls of a text. A problem is
// shown beside the English one when only the English is missing, else
// beside the Persian one.
func (b *builder) pair(key, name string, label web.Text, fa, en, typ string, prefix *web.Text) (web.Field, web.Field) {
	id := "svc-" + strings.ReplaceAll(name, "_", "-")
	f := web.Field{ID: id + "-fa", Name: name + "_fa", Type: typ, Value: fa, Dir: "rtl",
		Label: web.Text{Fa: textf("f.fa", label.Fa).Fa, En: textf("f.fa", label.En).En}}
	e := web.Field{ID: id + "-en", Name: name + "_en", Type: typ, Value: en, Dir: "ltr",
		Label: web.Text{Fa: textf("f.en", label.Fa).Fa, En: textf("f.en", label.En).En}}
	if strings.TrimSpace(fa) != "" && strings.TrimSpace(en) == "" {
		b.attach(key, &e, prefix)
	} else {
		b.attach(key, &f, prefix)
	}
	return f, e
}

func (b *builder) selectField(key, name, labelKey, value, prefix string, values []string, choose bool) web.Field {
	f := b.field(key, name, labelKey, "")
	f.Type = "select"
	if choose || !slices.Contains(values, value) {
		f.Options = append(f.Options, web.Option{Value: "", Label: messages["f.choose"], Selected: !slices.Contains(values, value)})
	}
	for _, v := range values {
		f.Options = append(f.Options, web.Option{Value: v, Label: messages[prefix+"."+v], Selected: v == value})
	}
	return f
}

func (b *builder) group(key, name, labelKey string, checked []string, options []checkOption) checkGroup {
	g := checkGroup{ID: "svc-" + name, Name: name, Legend: messages[labelKey], Error: b.err(key)}
	for i, o := range options {
		o.ID = fmt.Sprintf("svc-%s-%d", name, i)
		o.Checked = slices.Contains(checked, o.Value)
		g.Options = append(g.Options, o)
	}
	// A value the form was sent with that is not among the options
	// stays, so that its problem can be seen and unticked.
	for _, v := range checked {
		if !slices.ContainsFunc(options, func(o checkOption) bool { return o.Value == v }) {
			g.Options = append(g.Options, checkOption{ID: fmt.Sprintf("svc-%s-%d", name, len(g.Options)), Value: v,
				Label: web.Text{Fa: v, En: v}, Checked: true})
		}
	}
	if g.Error != nil && len(g.Options) > 0 {
		if _, ok := b.anchors[key]; !ok {
			b.anchors[key] = summaryItem{Anchor: g.Options[0].ID, Label: g.Legend}
		}
	}
	return g
}

func (b *builder) box(key, name, labelKey string, checked bool) checkBox {
	c := checkBox{ID: "svc-" + strings.ReplaceAll(name, "_", "-"), Name: name, Label: messages[labelKey],
		Hint: messages[labelKey+".hint"], Checked: checked, Error: b.err(key)}
	if c.Error != nil {
		if _, ok := b.anchors[key]; !ok {
			b.anchors[key] = summaryItem{Anchor: c.ID, Label: c.Label}
		}
	}
	return c
}

func enumOptions(prefix string, values ...string) []checkOption {
	var out []checkOption
	for _, v := range values {
		out = append(out, checkOption{Value: v, Label: messages[prefix+"."+v]})
	}
	return out
}

func termOptions(terms []catalog.Term) []checkOption {
	var out []checkOption
	for _, t := range terms {
		out = append(out, checkOption{Value: t.Key, Label: t.Title})
	}
	return out
}

// buildForm lays the form out with its problems; isNew makes the ID a
// field and offers "choose" in the lists.
func buildForm(sn *catalog.Snapshot, a catalog.Agency, f serviceForm, probs []problem, isNew bool) formView {
	b := &builder{errs: map[string][]web.Text{}, anchors: map[string]summaryItem{}}
	for _, p := range probs {
		b.errs[p.Key] = append(b.errs[p.Key], p.Text)
	}
	v := formView{Fields: map[string]web.Field{}, Groups: map[string]checkGroup{}, Boxes: map[string]checkBox{}}
	put := func(fs ...web.Field) {
		for _, f := range fs {
			v.Fields[f.Name] = f
		}
	}
	if isNew {
		id := b.field("id", "id", "f.id", f.ID)
		id.Dir, id.InputMode, id.Required, id.Autocomplete = "ltr", "numeric", true, "off"
		id.Hint = textf("f.id.hint", a.Number)
		put(id)
	}
	put(required(b.pair("title", "title", messages["f.title"], f.TitleFa, f.TitleEn, "", nil))...)
	put(required(b.pair("summary", "summary", messages["f.summary"], f.SummaryFa, f.SummaryEn, "textarea", nil))...)
	aliases := b.field("aliases", "aliases", "f.aliases", f.Aliases)
	aliases.Type = "textarea"
	put(aliases)

	v.Groups["audience"] = b.group("audiences", "audience", "f.audiences", f.Audiences,
		enumOptions("audience", catalog.AudiencePeople, catalog.AudienceHouseholds, catalog.AudienceBusinesses, catalog.AudienceForeigners))
	v.Groups["life_event"] = b.group("life_events", "life_event", "f.life_events", f.LifeEvents, termOptions(sn.LifeEvents))
	v.Groups["category"] = b.group("categories", "category", "f.categories", f.Categories, termOptions(sn.Categories))

	put(b.selectField("assurance", "assurance", "f.assurance", f.Assurance, "assurance", []string{"loa1", "loa2", "loa3"}, isNew))
	inq := b.field("inquiries", "inquiries", "f.inquiries", f.Inquiries)
	inq.Type, inq.Dir = "textarea", "ltr"
	put(inq)
	put(b.selectField("evaluation", "evaluation", "f.evaluation", f.Evaluation, "evaluation",
		[]string{catalog.EvalSurveyAfter, catalog.EvalSMSSurvey, catalog.EvalCounter, catalog.EvalMystery}, isNew))
	v.Groups["channel"] = b.group("channels", "channel", "f.channels", f.Channels,
		enumOptions("channel", catalog.ChannelNational, catalog.ChannelAgency, catalog.ChannelApp, catalog.ChannelUSSD,
			catalog.ChannelSMS, catalog.ChannelCounter, catalog.ChannelInPerson))
	v.Boxes["counter"] = b.box("counter", "counter", "f.counter", f.Counter)
	put(b.selectField("maturity", "maturity", "f.maturity", f.Maturity, "maturity",
		[]string{catalog.MaturityInformational, catalog.MaturityInteractive, catalog.MaturityTransactional, catalog.MaturitySmart}, isNew))
	put(b.selectField("stage", "stage", "f.stage", f.Stage, "stage",
		[]string{catalog.StageDefine, catalog.StageValidate, catalog.StageDiagnose, catalog.StageFix, catalog.StageElectronic, catalog.StageSmart}, isNew))
	v.Boxes["electronic"] = b.box("electronic", "electronic", "f.electronic", f.Electronic)
	start := b.field("start_url", "start_url", "f.start_url", f.StartURL)
	start.Type, start.Dir = "url", "ltr"
	licence := b.field("licence", "licence", "f.licence", f.Licence)
	licence.Dir, licence.Autocomplete = "ltr", "off"
	put(start, licence)

	for i, row := range f.Fees {
		n := strconv.Itoa(i + 1)
		legend := textf("f.fee", i+1)
		p := fmt.Sprintf("fee_%d_", i)
		fv := feeView{Legend: legend}
		fv.TitleFa, fv.TitleEn = b.pair("fee."+n+".title", p+"title", messages["f.fee.title"], row.TitleFa, row.TitleEn, "", &legend)
		fv.Rials = web.Field{ID: "svc-fee-" + strconv.Itoa(i) + "-rials", Name: p + "rials", Label: messages["f.fee.rials"],
			Value: row.Rials, Dir: "ltr", InputMode: "numeric"}
		b.attach("fee."+n+".rials", &fv.Rials, &legend)
		fv.Payment = web.Field{ID: "svc-fee-" + strconv.Itoa(i) + "-payment", Name: p + "payment", Label: messages["f.fee.payment"], Type: "select"}
		fv.Payment.Options = []web.Option{{Value: "", Label: messages["f.choose"], Selected: row.Payment == ""}}
		for _, pm := range []string{catalog.PayOnline, catalog.PayCounter, catalog.PayBank, catalog.PayNone} {
			fv.Payment.Options = append(fv.Payment.Options, web.Option{Value: pm, Label: messages["payment."+pm], Selected: pm == row.Payment})
		}
		b.attach("fee."+n+".payment", &fv.Payment, &legend)
		v.Fees = append(v.Fees, fv)
	}

	days := b.field("days", "days", "f.days", f.Days)
	days.Dir, days.InputMode, days.Required = "ltr", "numeric", true
	put(days)
	put(b.pair("time_note", "time_note", messages["f.time_note"], f.TimeNoteFa, f.TimeNoteEn, "textarea", nil))
	put(b.selectField("availability", "availability", "f.availability", f.Availability, "availability",
		[]string{catalog.Always, catalog.OfficeHours}, isNew))

	for i, row := range f.Steps {
		n := strconv.Itoa(i + 1)
		legend := textf("f.step", i+1)
		p := fmt.Sprintf("step_%d_", i)
		sv := stepView{Legend: legend}
		sv.TitleFa, sv.TitleEn = b.pair("step."+n+".title", p+"title", messages["f.step.title"], row.TitleFa, row.TitleEn, "", &legend)
		sv.BodyFa, sv.BodyEn = b.pair("step."+n+".body", p+"body", messages["f.step.body"], row.BodyFa, row.BodyEn, "textarea", &legend)
		v.Steps = append(v.Steps, sv)
	}
	if v.StepsErr = b.err("steps"); v.StepsErr != nil && len(v.Steps) > 0 {
		b.anchors["steps"] = summaryItem{Anchor: v.Steps[0].TitleFa.ID, Label: messages["f.steps"]}
	}
	docs := b.field("documents", "documents", "f.documents", f.Documents)
	docs.Type = "textarea"
	forms := b.field("forms", "forms", "f.forms", f.Forms)
	forms.Type = "textarea"
	put(docs, forms)

	reviewed := b.field("reviewed", "reviewed", "f.reviewed", f.Reviewed)
	reviewed.Type, reviewed.Dir, reviewed.Required = "date", "ltr", true
	note := b.field("note", "note", "f.note", f.Note)
	note.Type = "textarea"
	put(reviewed, note)
	v.Boxes["reviewed_today"] = b.box("reviewed_today", "reviewed_today", "f.reviewed_today", f.ReviewedToday)

	for _, p := range probs {
		it, ok := b.anchors[p.Key]
		if !ok {
			it = summaryItem{Anchor: formTop}
		}
		it.Text = p.Text
		v.Problems = append(v.Problems, it)
	}
	return v
}

// required marks fields as mandatory.
func required(fs ...web.Field) []web.Field {
	for i := range fs {
		fs[i].Required = true
	}
	return fs
}
