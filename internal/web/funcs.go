package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/iran"
)

// funcs returns the template functions for pages in lang, with the
// feature's own messages consulted before the shell's; fields renders
// the "field" partial.
func (m *Mux) funcs(lang Lang, own Messages, fields *fieldCache) template.FuncMap {
	return template.FuncMap{
		"lang":          func() Lang { return lang },
		"dir":           func() string { return lang.Dir() },
		"otherLang":     func() Lang { return lang.Other() },
		"otherLangName": func() string { return lang.Other().Name() },
		"fieldHTML":     fields.render,
		"t":             func(v any) (string, error) { return translate(lang, own, v) },
		"num":           func(v any) (string, error) { return formatNum(lang, v) },
		"date":          func(t time.Time) template.HTML { return formatDate(lang, t) },
		"dateTime":      func(t time.Time) template.HTML { return formatDateTime(lang, t) },
		"clock":         func(t time.Time) template.HTML { return formatClock(lang, t) },
		"asset":         m.assets.URL,
		"csrfField":     func(v *View) template.HTML { return csrfFieldHTML(v.CSRFToken) },
	}
}

// translate returns a catalogue entry by key, or a Text, in lang.
func translate(lang Lang, own Messages, v any) (string, error) {
	switch x := v.(type) {
	case Text:
		return x.In(lang), nil
	case *Text:
		if x == nil {
			return "", nil
		}
		return x.In(lang), nil
	case string:
		t, ok := lookup(own, x)
		if !ok {
			return "", fmt.Errorf("web: no message %q", x)
		}
		return t.In(lang), nil
	}
	return "", fmt.Errorf("web: t: cannot translate %T", v)
}

// formatNum writes an integer with grouped thousands, in Persian digits
// with the Persian separator on Persian pages. Strings have only their
// digits converted.
func formatNum(lang Lang, v any) (string, error) {
	var s string
	switch x := v.(type) {
	case int:
		s = group(strconv.Itoa(x), lang)
	case int64:
		s = group(strconv.FormatInt(x, 10), lang)
	case uint64:
		s = group(strconv.FormatUint(x, 10), lang)
	case string:
		s = x
	default:
		return "", fmt.Errorf("web: num: cannot format %T", v)
	}
	if lang == Fa {
		return iran.ToPersianDigits(s), nil
	}
	return iran.ToASCIIDigits(s), nil
}

func group(digits string, lang Lang) string {
	sep := ","
	if lang == Fa {
		sep = "\u066c" // ARABIC THOUSANDS SEPARATOR
	}
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatDate shows the Tehran calendar day of t: Jalali prose on Persian
// pages, with the Gregorian date in the machine-readable attribute and
// the tooltip; the Gregorian date on English pages.
func formatDate(lang Lang, t time.Time) template.HTML { return formatDay(lang, t, false) }

// formatDateTime shows t as formatDate does, with the time of day in
// hours and minutes after the date and the instant in the attribute, for
// moments a person may need to tell apart within a day (a session's last
// use, a login).
func formatDateTime(lang Lang, t time.Time) template.HTML { return formatDay(lang, t, true) }

func formatDay(lang Lang, t time.Time, clock bool) template.HTML {
	if t.IsZero() {
		return "—"
	}
	t = t.In(iran.Tehran())
	iso, greg, fa := t.Format(time.DateOnly), t.Format("2 January 2006"), iran.FormatJalaliLong(t)
	if clock {
		hm := t.Format("15:04")
		iso, greg, fa = t.Format(time.RFC3339), greg+", "+hm, fa+"، ساعت "+iran.ToPersianDigits(hm)
	}
	if lang == En {
		return template.HTML(`<time datetime="` + iso + `">` + greg + `</time>`)
	}
	return template.HTML(`<time datetime="` + iso + `" title="` + greg + `">` + template.HTMLEscapeString(fa) + `</time>`)
}

// formatClock writes t's Tehran time of day to the second, for moments
// minutes away, such as when a one-time code expires.
func formatClock(lang Lang, t time.Time) template.HTML {
	if t.IsZero() {
		return "—"
	}
	t = t.In(iran.Tehran())
	hms := t.Format(time.TimeOnly)
	if lang == Fa {
		hms = iran.ToPersianDigits(hms)
	}
	return template.HTML(`<time datetime="` + t.Format(time.RFC3339) + `">` + hms + `</time>`)
}
