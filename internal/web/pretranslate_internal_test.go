package web

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestPretranslate: a page whose constant messages were written in at
// parse time renders byte for byte as one that calls t for them, in
// both languages, for the shell's pages and for messages holding every
// character HTML escapes, in text and in attribute values.
func TestPretranslate(t *testing.T) {
	m, err := New(Options{StatsFlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(t.Context()) })
	own := Messages{
		"x.tricky": {Fa: `«نقل» <b>&'"+` + "\x00" + `</b> نیم‌فاصله`, En: `"quoted" <i>&amp; it's 1+1</i>`},
		"x.plain":  {Fa: "ساده", En: "plain"},
	}
	feature := fstest.MapFS{
		"page.html": {Data: []byte(`{{define "content" -}}
<h1 title="{{t "x.tricky"}}">{{t "x.tricky"}}</h1>
<p aria-label="{{t "x.plain"}}">{{t "x.plain"}} {{t "error.home"}}</p>
{{- end}}`)},
	}
	view := func(lang Lang, data any) *View {
		return &View{Lang: lang, Dir: lang.Dir(), OtherLang: lang.Other(), SwitchURL: "/?lang=" + string(lang.Other()),
			Title: "عنوان", Path: "/", Data: data, CSRFToken: "token", Updated: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC),
			Nav: []NavLink{{URL: "/", Label: "خانه", Current: true}}}
	}
	pages := []struct {
		fsys  fstest.MapFS
		own   Messages
		shell bool
		name  string
		data  any
	}{
		{feature, own, false, "page.html", nil},
		{nil, nil, true, "continue.html", struct{ URL string }{"/next?a=1&b=2"}},
		{nil, nil, true, "error.html", struct{ Title, Body string }{"error.500.title", "error.500.body"}},
	}
	for _, lang := range []Lang{Fa, En} {
		for _, p := range pages {
			render := func(pre bool) string {
				t.Helper()
				parse := func(tmpl *template.Template, fsys fstest.MapFS, patterns ...string) *template.Template {
					if pre {
						out, err := parseFS(tmpl, fsys, lang, p.own, patterns...)
						if err != nil {
							t.Fatal(err)
						}
						return out
					}
					return template.Must(tmpl.ParseFS(fsys, patterns...))
				}
				shell := fstest.MapFS{}
				for _, name := range []string{"templates/layout.html", "templates/forms.html", "templates/pages/continue.html", "templates/pages/error.html"} {
					b, err := shellTemplates.ReadFile(name)
					if err != nil {
						t.Fatal(err)
					}
					shell[name] = &fstest.MapFile{Data: b}
				}
				base := parse(template.New("").Funcs(m.funcs(lang, p.own)), shell, "templates/*.html")
				var tmpl *template.Template
				if p.shell {
					tmpl = parse(template.Must(base.Clone()), shell, "templates/pages/"+p.name)
				} else {
					tmpl = parse(template.Must(base.Clone()), p.fsys, p.name)
				}
				var buf bytes.Buffer
				if err := tmpl.ExecuteTemplate(&buf, "layout", view(lang, p.data)); err != nil {
					t.Fatal(err)
				}
				return buf.String()
			}
			called, written := render(false), render(true)
			if called != written {
				t.Errorf("%s %s: written-in messages render differently:\ncalled:  %q\nwritten: %q", lang, p.name, called, written)
			}
		}
	}
	// The written-in form is really used: the template text holds the
	// message, not the action.
	src := pretranslate(`<p>{{t "x.plain"}}</p><p>{{t "x.missing"}}</p><p>{{- t "x.plain"}}</p>`, En, own)
	if want := `<p>plain</p><p>{{t "x.missing"}}</p><p>{{- t "x.plain"}}</p>`; src != want {
		t.Errorf("pretranslate = %q, want %q", src, want)
	}
	if !strings.Contains(pretranslate(`{{t "x.tricky"}}`, Fa, own), "&lt;b&gt;&amp;&#39;&#34;&#43;\uFFFD&lt;/b&gt;") {
		t.Error("the Persian tricky message is not escaped as html/template escapes it")
	}
}
