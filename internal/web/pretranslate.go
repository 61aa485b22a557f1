package web

import (
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// Every page is parsed once per language, so a message named by a
// constant key, {{t "key"}}, is the same text every time the page is
// rendered. parseFS writes those messages into the template's text
// before parsing, escaped as html/template would escape them, which
// spares each rendering of a page a few dozen function calls: about a
// third of the time a page's template takes. Actions with trim markers,
// non-constant arguments or an unknown key are left for t at execution
// (an unknown key is then still an error).
var constantMessage = regexp.MustCompile(`\{\{t "([A-Za-z0-9_.\-]+)"\}\}`)

// parseFS is html/template's ParseFS with the constant messages of lang
// written in.
func parseFS(t *template.Template, fsys fs.FS, lang Lang, own Messages, patterns ...string) (*template.Template, error) {
	var files []string
	for _, p := range patterns {
		matches, err := fs.Glob(fsys, p)
		if err != nil {
			return nil, err
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("web: pattern matches no files: %#q", p)
		}
		files = append(files, matches...)
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		name := path.Base(f)
		tmpl := t
		if name != t.Name() {
			tmpl = t.New(name)
		}
		if _, err := tmpl.Parse(pretranslate(string(b), lang, own)); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// pretranslate replaces each {{t "key"}} in src with the message's text
// in lang, escaped for HTML text and quoted attribute values, the only
// places the window's templates use such messages (a test checks the
// output is the same as t's).
func pretranslate(src string, lang Lang, own Messages) string {
	return constantMessage.ReplaceAllStringFunc(src, func(action string) string {
		key := constantMessage.FindStringSubmatch(action)[1]
		text, ok := lookup(own, key)
		if !ok {
			return action
		}
		s := escapeText(text.In(lang))
		if strings.Contains(s, "{{") {
			return action
		}
		return s
	})
}

// escapeText escapes s as html/template escapes a string in HTML text
// or a quoted attribute value.
var escapeText = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
).Replace
