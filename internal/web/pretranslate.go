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

// constantCall is an action whose value is the same for every rendering
// of a page in one language, which parseFS writes in as it writes in
// messages: the page's language and direction, the other language and
// its name, and an asset's URL (written in only when it needs no
// escaping anywhere, as the assets' URLs do not).
var constantCall = regexp.MustCompile(`\{\{(lang|dir|otherLang|otherLangName|asset "([A-Za-z0-9_./\-]+)")\}\}`)

// plainURL is a URL that html/template leaves as it is in HTML text and
// in attribute values, URLs' included.
var plainURL = regexp.MustCompile(`^[A-Za-z0-9_./\-]+$`)

// scriptOrStyle is a script or style element, whose actions html/template
// escapes for JavaScript or CSS (a language's code in a script becomes a
// quoted string): pretranslate leaves them to it.
var scriptOrStyle = regexp.MustCompile(`(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>`)

// parseFS is html/template's ParseFS with the constant messages and
// calls of lang written in; asset looks up an asset's URL.
func parseFS(t *template.Template, fsys fs.FS, lang Lang, own Messages, asset func(string) (string, error), patterns ...string) (*template.Template, error) {
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
		if _, err := tmpl.Parse(pretranslate(string(b), lang, own, asset)); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// pretranslate replaces each {{t "key"}} in src with the message's text
// in lang, escaped for HTML text and quoted attribute values, and each
// constant call with its value (a test checks the output is the same as
// the calls'), outside script and style elements. Messages are not
// written into URL or event-handler attributes (href, on…, style), where
// html/template escapes otherwise; the window's templates put none there.
func pretranslate(src string, lang Lang, own Messages, asset func(string) (string, error)) string {
	var b strings.Builder
	at := 0
	for _, loc := range scriptOrStyle.FindAllStringIndex(src, -1) {
		b.WriteString(pretranslateHTML(src[at:loc[0]], lang, own, asset))
		b.WriteString(src[loc[0]:loc[1]])
		at = loc[1]
	}
	if at == 0 {
		return pretranslateHTML(src, lang, own, asset)
	}
	b.WriteString(pretranslateHTML(src[at:], lang, own, asset))
	return b.String()
}

// pretranslateHTML is pretranslate for src without script or style
// elements.
func pretranslateHTML(src string, lang Lang, own Messages, asset func(string) (string, error)) string {
	src = constantMessage.ReplaceAllStringFunc(src, func(action string) string {
		key := constantMessage.FindStringSubmatch(action)[1]
		text, ok := lookup(own, key)
		if !ok {
			return action
		}
		return written(action, escapeText(text.In(lang)))
	})
	return constantCall.ReplaceAllStringFunc(src, func(action string) string {
		m := constantCall.FindStringSubmatch(action)
		switch m[1] {
		case "lang":
			return string(lang)
		case "dir":
			return lang.Dir()
		case "otherLang":
			return string(lang.Other())
		case "otherLangName":
			return written(action, escapeText(lang.Other().Name()))
		}
		if asset == nil {
			return action
		}
		url, err := asset(m[2])
		if err != nil || !plainURL.MatchString(url) {
			return action // left for asset, which reports an unknown one
		}
		return url
	})
}

// written is s for action unless s would read as an action itself.
func written(action, s string) string {
	if strings.Contains(s, "{{") {
		return action
	}
	return s
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
