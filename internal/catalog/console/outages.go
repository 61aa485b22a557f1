package console

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/catalog"
	"github.com/panjereh/panjereh/internal/iran"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/web"
)

// outageForm is the announcement form as typed, with its problems by
// field name.
type outageForm struct {
	Starts, Ends         string
	MessageFa, MessageEn string
	errs                 map[string]*web.Text
}

// outageSection is the outages part of a service's page.
type outageSection struct {
	List   []outageRow
	Form   web.Form
	Action string
}

type outageRow struct {
	Starts, Ends time.Time
	Message      web.Text
	Current      bool
	EndURL       string
}

// localLayouts are what a datetime-local control sends, with and
// without seconds.
var localLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"}

// parseLocal reads a date and time in Tehran.
func parseLocal(s string) (time.Time, error) {
	s = strings.TrimSpace(iran.ToASCIIDigits(s))
	var err error
	for _, layout := range localLayouts {
		var t time.Time
		if t, err = time.ParseInLocation(layout, s, iran.Tehran()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// parse checks the form and returns the outage it announces; every
// problem is said in both languages.
func (f *outageForm) parse(serviceID string, now time.Time) (catalog.Outage, bool) {
	f.errs = map[string]*web.Text{}
	o := catalog.Outage{ServiceID: serviceID, Message: pair(f.MessageFa, f.MessageEn)}
	var err error
	for _, x := range []struct {
		name, value string
		t           *time.Time
		missing     web.Text
	}{
		{"starts", f.Starts, &o.Starts, web.Text{Fa: "زمان آغاز قطعی را وارد کنید.", En: "Enter when the outage starts."}},
		{"ends", f.Ends, &o.Ends, web.Text{Fa: "زمان پایان قطعی را وارد کنید.", En: "Enter when the outage ends."}},
	} {
		switch {
		case strings.TrimSpace(x.value) == "":
			f.errs[x.name] = &x.missing
		default:
			if *x.t, err = parseLocal(x.value); err != nil {
				f.errs[x.name] = &web.Text{Fa: "تاریخ و ساعت را به شکل \u20662026-11-24T22:00\u2069 وارد کنید.", En: "Enter the date and time as 2026-11-24T22:00."}
			}
		}
	}
	if f.errs["starts"] == nil && f.errs["ends"] == nil {
		switch {
		case !o.Ends.After(o.Starts):
			f.errs["ends"] = &web.Text{Fa: "پایان قطعی باید پس از آغاز آن باشد.", En: "The outage must end after it starts."}
		case !o.Ends.After(now):
			f.errs["ends"] = &web.Text{Fa: "پایان قطعی گذشته است؛ زمانی در آینده وارد کنید.", En: "That end has passed; enter a time in the future."}
		}
	}
	if o.Message.Fa == "" {
		f.errs["message_fa"] = &web.Text{Fa: "متن فارسی اطلاعیه را بنویسید.", En: "Write the announcement in Persian."}
	}
	if o.Message.En == "" {
		f.errs["message_en"] = &web.Text{Fa: "متن انگلیسی اطلاعیه را بنویسید.", En: "Write the announcement in English."}
	}
	for name, s := range map[string]string{"message_fa": o.Message.Fa, "message_en": o.Message.En} {
		if n := len([]rune(s)); n > maxNote {
			f.errs[name] = &web.Text{Fa: "اطلاعیه بیش از ۵۰۰ نویسه است.", En: "The announcement is longer than 500 characters."}
		}
	}
	return o, len(f.errs) == 0
}

func (f outageForm) form() web.Form {
	field := func(name, label, value, typ, dir string) web.Field {
		return web.Field{ID: "out-" + strings.ReplaceAll(name, "_", "-"), Name: name, Label: messages[label], Value: value,
			Type: typ, Dir: dir, Required: true, Error: f.errs[name]}
	}
	starts := field("starts", "o.starts", f.Starts, "datetime-local", "ltr")
	starts.Hint = messages["o.time.hint"]
	ends := field("ends", "o.ends", f.Ends, "datetime-local", "ltr")
	ends.Hint = messages["o.time.hint"]
	return web.Form{Fields: []web.Field{starts, ends,
		field("message_fa", "o.message_fa", f.MessageFa, "textarea", "rtl"),
		field("message_en", "o.message_en", f.MessageEn, "textarea", "ltr")}}
}

// outageSection lists the service's current and future outages, with
// the announcement form.
func (c *Console) outageSection(r *http.Request, a access, id string, f outageForm) (*outageSection, error) {
	list, err := c.Store.Outages(r.Context(), id)
	if err != nil {
		return nil, err
	}
	now := c.now()
	base := serviceURL(a.agency.Code, id) + "/outages"
	sec := &outageSection{Form: f.form(), Action: base}
	for _, o := range list {
		if !o.Ends.After(now) {
			continue
		}
		sec.List = append(sec.List, outageRow{Starts: o.Starts, Ends: o.Ends, Message: o.Message, Current: !o.Starts.After(now), EndURL: base + "/" + o.ID + "/end"})
	}
	return sec, nil
}

func (c *Console) addOutage(w http.ResponseWriter, r *http.Request) {
	a, ver, ok := c.record(w, r)
	if !ok {
		return
	}
	f := outageForm{Starts: r.PostFormValue("starts"), Ends: r.PostFormValue("ends"),
		MessageFa: r.PostFormValue("message_fa"), MessageEn: r.PostFormValue("message_en")}
	o, valid := f.parse(ver.Record.ID, c.now())
	if valid {
		_, err := c.Store.AddOutage(r.Context(), o, a.v.NationalCode)
		var probs catalog.Problems
		switch {
		case errors.As(err, &probs):
			// The form's own checks come first; should the store still
			// object, say what it says.
			f.errs["starts"] = &web.Text{Fa: strings.Join(probs, "؛ "), En: strings.Join(probs, "; ")}
		case errors.Is(err, sqldb.ErrNotFound):
			c.m.NotFound(w, r)
			return
		case err != nil:
			c.m.ServerError(w, r, err)
			return
		default:
			c.changed(r)
			http.Redirect(w, r, serviceURL(a.agency.Code, ver.Record.ID)+"?outage=added#outages", http.StatusSeeOther)
			return
		}
	}
	c.renderService(w, r, http.StatusUnprocessableEntity, a, serviceState{saved: &ver, form: formOf(ver.Record), base: ver.Version, outage: f})
}

func (c *Console) endOutage(w http.ResponseWriter, r *http.Request) {
	a, ver, ok := c.record(w, r)
	if !ok {
		return
	}
	list, err := c.Store.Outages(r.Context(), ver.Record.ID)
	if err != nil {
		c.m.ServerError(w, r, err)
		return
	}
	// Only an outage of this service, not yet over, can be ended here.
	if !slices.ContainsFunc(list, func(o catalog.Outage) bool { return o.ID == r.PathValue("outage") }) {
		c.m.NotFound(w, r)
		return
	}
	if err := c.Store.EndOutage(r.Context(), r.PathValue("outage"), a.v.NationalCode); err != nil {
		c.m.ServerError(w, r, err)
		return
	}
	c.changed(r)
	http.Redirect(w, r, serviceURL(a.agency.Code, ver.Record.ID)+"?outage=ended#outages", http.StatusSeeOther)
}
