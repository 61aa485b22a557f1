package web

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestPretranslate: a page whose constant messages and calls were
// written in at parse time, and whose fields the field cache rendered,
// renders byte for byte as one that calls t and the other functions and
// executes the field partial in place, in both languages, for the
// shell's pages and for messages holding every character HTML escapes,
// in text and in attribute values; a second rendering, from the cache,
// too.
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
<form>{{range .Data.Fields}}{{template "field" .}}{{end}}{{template "field" .Data.Ptr}}</form>
<script>var lang = {{lang}}, dir = {{dir}}, other = {{otherLangName}}, msg = {{t "x.tricky"}}, css = {{asset "css/site.css"}};</script>
<style>p::after { content: {{t "x.plain"}}; }</style>
<p lang="{{otherLang}}">{{t "x.plain"}}</p>
{{- end}}`)},
	}
	view := func(lang Lang, data any) *View {
		return &View{Lang: lang, Dir: lang.Dir(), OtherLang: lang.Other(), SwitchURL: "/?lang=" + string(lang.Other()),
			Title: "عنوان", Path: "/", Data: data, CSRFToken: "token", Updated: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC),
			Nav: []NavLink{{URL: "/", Label: "خانه", Current: true}}}
	}
	tricky := Text{Fa: `برچسب <b>&'"+</b>`, En: `label <b>&'"+</b>`}
	fields := struct {
		Fields []Field
		Ptr    *Field
	}{
		Fields: []Field{
			{ID: "f-a", Name: "a", Label: tricky, Required: true, Hint: tricky, Autocomplete: "one-time-code", InputMode: "numeric", Dir: "ltr"},
			// The same field typed in: not the empty one's markup.
			{ID: "f-a", Name: "a", Label: tricky, Required: true, Hint: tricky, Autocomplete: "one-time-code", InputMode: "numeric", Dir: "ltr", Value: "12"},
			{ID: "f-b", Name: "b", Label: tricky, Type: "email", Value: `x"<y>`, Error: &tricky},
			{ID: "f-c", Name: "c", Label: tricky, Type: "select", Options: []Option{{Value: "1", Label: tricky}, {Value: "2", Label: tricky, Selected: true}}},
			{ID: "f-d", Name: "d", Label: tricky, Type: "textarea"},
		},
		Ptr: &Field{ID: "f-e", Name: "e", Label: tricky, Hint: tricky},
	}
	pages := []struct {
		fsys  fstest.MapFS
		own   Messages
		shell bool
		name  string
		data  any
	}{
		{feature, own, false, "page.html", fields},
		{nil, nil, true, "continue.html", struct{ URL string }{"/next?a=1&b=2"}},
		{nil, nil, true, "error.html", struct{ Title, Body string }{"error.500.title", "error.500.body"}},
	}
	for _, lang := range []Lang{Fa, En} {
		for _, p := range pages {
			render := func(pre bool, times int) []string {
				t.Helper()
				parse := func(tmpl *template.Template, fsys fstest.MapFS, patterns ...string) *template.Template {
					if pre {
						out, err := parseFS(tmpl, fsys, lang, p.own, m.assets.URL, patterns...)
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
				cache := &fieldCache{}
				base := parse(template.New("").Funcs(m.funcs(lang, p.own, cache)), shell, "templates/*.html")
				if !pre {
					// The partial executed in place, as it was before the cache.
					template.Must(base.Parse(`{{define "field"}}{{template "field-markup" .}}{{end}}`))
				}
				cache.tmpl = template.Must(base.Clone())
				var tmpl *template.Template
				if p.shell {
					tmpl = parse(template.Must(base.Clone()), shell, "templates/pages/"+p.name)
				} else {
					tmpl = parse(template.Must(base.Clone()), p.fsys, p.name)
				}
				var out []string
				for range times {
					var buf bytes.Buffer
					if err := tmpl.ExecuteTemplate(&buf, "layout", view(lang, p.data)); err != nil {
						t.Fatal(err)
					}
					out = append(out, buf.String())
				}
				if n := cache.n.Load(); pre && p.data != nil && p.fsys != nil && n != 3 {
					t.Errorf("%s %s: %d fields kept, want 3 (the empty ones)", lang, p.name, n)
				}
				return out
			}
			called := render(false, 1)[0]
			for i, written := range render(true, 2) {
				if called != written {
					t.Errorf("%s %s, rendering %d: written-in messages and kept fields render differently:\ncalled:  %q\nwritten: %q", lang, p.name, i+1, called, written)
				}
			}
		}
	}
	// The written-in form is really used: the template text holds the
	// message, not the action.
	src := pretranslate(`<p>{{t "x.plain"}}</p><p>{{t "x.missing"}}</p><p>{{- t "x.plain"}}</p><html lang="{{lang}}" dir="{{dir}}"><a hreflang="{{otherLang}}">{{otherLangName}}</a>`+
		`<link href="{{asset "css/site.css"}}"><link href="{{asset "missing.css"}}">`, En, own, m.assets.URL)
	css, err := m.assets.URL("css/site.css")
	if err != nil {
		t.Fatal(err)
	}
	if want := `<p>plain</p><p>{{t "x.missing"}}</p><p>{{- t "x.plain"}}</p><html lang="en" dir="ltr"><a hreflang="fa">فارسی</a>` +
		`<link href="` + css + `"><link href="{{asset "missing.css"}}">`; src != want {
		t.Errorf("pretranslate = %q, want %q", src, want)
	}
	// In script and style elements, html/template's own escaping stays.
	mixed := `<p>{{lang}}</p><SCRIPT type="module">var l = {{lang}};</script ><p>{{dir}}</p><style>b { content: {{t "x.plain"}} }</style>{{t "x.plain"}}`
	if got, want := pretranslate(mixed, En, own, nil), `<p>en</p><SCRIPT type="module">var l = {{lang}};</script ><p>ltr</p><style>b { content: {{t "x.plain"}} }</style>plain`; got != want {
		t.Errorf("pretranslate = %q, want %q", got, want)
	}
	if !strings.Contains(pretranslate(`{{t "x.tricky"}}`, Fa, own, nil), "&lt;b&gt;&amp;&#39;&#34;&#43;\uFFFD&lt;/b&gt;") {
		t.Error("the Persian tricky message is not escaped as html/template escapes it")
	}
}
