// Package webtest holds checks that every feature's page tests share:
// that a rendered page is accessible by construction (labels on every
// control, a skip link first, the landmarks) and well formed.
package webtest

import (
	"fmt"
	stdhtml "html"
	"strings"

	"golang.org/x/net/html"
)

// AccessibilityProblems parses page and lists what breaks the shell's
// accessibility rules: a form control without an id or without a <label
// for> naming it, a skip link that is not the first focusable element or
// whose target is missing, a missing header, nav, main or footer
// landmark, a missing lang or dir on <html>, or a duplicate id. It
// returns nil for a page without problems.
func AccessibilityProblems(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{"parse: " + err.Error()}
	}
	var (
		problems  []string
		controls  []*html.Node
		labelFor  = map[string]bool{}
		ids       = map[string]int{}
		landmarks = map[string]bool{}
		focusable []*html.Node
		root      *html.Node
	)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if id := attr(n, "id"); id != "" {
				ids[id]++
			}
			switch n.Data {
			case "html":
				root = n
			case "label":
				labelFor[attr(n, "for")] = true
			case "input":
				if t := attr(n, "type"); t != "hidden" && t != "submit" && t != "button" && t != "reset" && t != "image" {
					controls = append(controls, n)
				}
			case "select", "textarea":
				controls = append(controls, n)
			case "header", "nav", "main", "footer":
				landmarks[n.Data] = true
			}
			if isFocusable(n) {
				focusable = append(focusable, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if root == nil || attr(root, "lang") == "" || attr(root, "dir") == "" {
		problems = append(problems, "<html> lacks lang or dir")
	}
	for _, c := range controls {
		id := attr(c, "id")
		switch {
		case id == "":
			problems = append(problems, fmt.Sprintf("<%s name=%q> has no id", c.Data, attr(c, "name")))
		case !labelFor[id]:
			problems = append(problems, fmt.Sprintf("<%s id=%q> has no <label for>", c.Data, id))
		}
	}
	for id, n := range ids {
		if n > 1 {
			problems = append(problems, fmt.Sprintf("id %q used %d times", id, n))
		}
	}
	for _, l := range []string{"header", "nav", "main", "footer"} {
		if !landmarks[l] {
			problems = append(problems, "no <"+l+"> landmark")
		}
	}
	if len(focusable) == 0 || attr(focusable[0], "class") != "skip" {
		problems = append(problems, "the first focusable element is not the skip link")
	} else if target := strings.TrimPrefix(attr(focusable[0], "href"), "#"); ids[target] == 0 {
		problems = append(problems, "the skip link's target #"+target+" is missing")
	}
	return problems
}

// Controls counts the form controls (inputs other than hidden and
// buttons, selects, textareas) on page, so that tests can make sure the
// label check looked at something.
func Controls(page string) int {
	return strings.Count(page, "<select") + strings.Count(page, "<textarea") +
		strings.Count(page, "<input") - strings.Count(page, `type="hidden"`)
}

func isFocusable(n *html.Node) bool {
	switch n.Data {
	case "a":
		return attr(n, "href") != ""
	case "input":
		return attr(n, "type") != "hidden"
	case "select", "textarea", "button":
		return true
	}
	return attr(n, "tabindex") != "" && attr(n, "tabindex") != "-1"
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// ContinueTarget returns where a page rendered by Mux.Continue sends the
// browser on (its refresh target), or "" when body is not such a page.
// Test clients use it where a browser would follow the refresh.
func ContinueTarget(body string) string {
	const marker = `<meta http-equiv="refresh" content="0;url=`
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	rest := body[i+len(marker):]
	j := strings.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return stdhtml.UnescapeString(rest[:j])
}
