package api

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Reference renders a document as the Markdown API reference kept in
// docs/api/: the operations grouped by tag, each with its parameters,
// request body and responses, then the shared schemas.
func Reference(name string) (string, error) {
	d, err := load(name)
	if err != nil {
		return "", err
	}
	r := &refWriter{d: d}
	r.write(name)
	return r.b.String(), nil
}

type refWriter struct {
	d *doc
	b strings.Builder
}

func (r *refWriter) p(format string, args ...any) { fmt.Fprintf(&r.b, format, args...) }

func (r *refWriter) write(name string) {
	d := r.d
	r.p("# %s\n\n", d.Info.Title)
	r.p("Generated from [`api/%s`](../../api/%s) (OpenAPI %s, API version %s) by `go test ./api -update`; do not edit by hand.\n\n",
		name, name, d.OpenAPI, d.Info.Version)
	if d.Info.Description != "" {
		r.p("%s\n\n", strings.TrimSpace(d.Info.Description))
	}
	if len(d.Servers) > 0 {
		r.p("**Servers**\n\n")
		for _, s := range d.Servers {
			r.p("- `%s`%s\n", s.URL, dash(s.Description))
		}
		r.p("\n")
	}
	if len(d.Components.SecuritySchemes) > 0 {
		r.p("**Authentication**\n\n")
		for _, n := range sortedKeys(d.Components.SecuritySchemes) {
			s := d.Components.SecuritySchemes[n]
			kind := s.Type
			if s.Scheme != "" {
				kind += " " + s.Scheme
			}
			r.p("- `%s` (%s)%s\n", n, kind, dash(oneLine(s.Description)))
		}
		if len(d.Security) > 0 {
			r.p("\nUnless an operation says otherwise, every operation requires %s.\n", securityText(d.Security))
		}
		r.p("\n")
	}

	groups, order := r.byTag()
	r.p("## Operations\n\n")
	for _, tag := range order {
		r.p("- **%s**\n", tag)
		for _, o := range groups[tag] {
			r.p("  - [`%s %s`](#%s)%s\n", strings.ToUpper(o.op.method), o.path, anchor(o.op.ID), dash(o.op.Summary))
		}
	}
	r.p("\n")
	for _, tag := range order {
		r.p("## %s\n\n", tag)
		if desc := r.tagDescription(tag); desc != "" {
			r.p("%s\n\n", strings.TrimSpace(desc))
		}
		for _, o := range groups[tag] {
			r.operation(o.path, o.op)
		}
	}
	if len(d.Components.Schemas) > 0 {
		r.p("## Schemas\n\n")
		for _, n := range sortedKeys(d.Components.Schemas) {
			s := d.Components.Schemas[n]
			r.p("<a id=\"schema-%s\"></a>\n### %s\n\n", strings.ToLower(n), n)
			if s.Description != "" {
				r.p("%s\n\n", strings.TrimSpace(s.Description))
			}
			r.schemaBody(s)
		}
	}
}

type tagged struct {
	path string
	op   *operation
}

// byTag groups the operations by their first tag, tags in the order the
// document lists them, then in order of first use.
func (r *refWriter) byTag() (map[string][]tagged, []string) {
	groups := map[string][]tagged{}
	var order []string
	for _, t := range r.d.Tags {
		order = append(order, t.Name)
	}
	for _, p := range r.d.paths {
		for _, o := range p.ops {
			tag := "Other"
			if len(o.Tags) > 0 {
				tag = o.Tags[0]
			}
			if !slices.Contains(order, tag) {
				order = append(order, tag)
			}
			groups[tag] = append(groups[tag], tagged{p.path, o})
		}
	}
	return groups, slices.DeleteFunc(order, func(t string) bool { return len(groups[t]) == 0 })
}

func (r *refWriter) tagDescription(tag string) string {
	for _, t := range r.d.Tags {
		if t.Name == tag {
			return t.Description
		}
	}
	return ""
}

func (r *refWriter) operation(path string, o *operation) {
	r.p("<a id=\"%s\"></a>\n### `%s %s`\n\n", anchor(o.ID), strings.ToUpper(o.method), path)
	line := "`" + o.ID + "`"
	if o.Summary != "" {
		line += ": " + o.Summary
	}
	r.p("%s\n\n", line)
	if o.Browser {
		r.p("*A browser endpoint: agencies send people's browsers here; it answers with pages and redirects.*\n\n")
	}
	if o.Description != "" {
		r.p("%s\n\n", strings.TrimSpace(o.Description))
	}
	if o.Security != nil {
		if len(*o.Security) == 0 {
			r.p("**Authentication:** none.\n\n")
		} else {
			r.p("**Authentication:** %s.\n\n", securityText(*o.Security))
		}
	}
	if len(o.Parameters) > 0 {
		r.p("**Parameters**\n\n| name | in | type | required | description |\n|---|---|---|---|---|\n")
		for _, par := range o.Parameters {
			par := r.param(par)
			r.p("| `%s` | %s | %s | %s | %s |\n", par.Name, par.In, r.typeOf(par.Schema), yes(par.Required), cell(par.Description+enumText(par.Schema)))
		}
		r.p("\n")
	}
	if b := o.RequestBody; b != nil {
		r.p("**Request body**%s\n\n", dash(oneLine(b.Description)))
		for _, ct := range sortedKeys(b.Content) {
			r.p("`%s`%s\n\n", ct, typeSuffix(r, b.Content[ct].Schema))
			r.inline(b.Content[ct].Schema)
		}
	}
	if len(o.Responses) > 0 {
		r.p("**Responses**\n\n| status | content | description |\n|---|---|---|\n")
		codes := sortedKeys(o.Responses)
		for _, code := range codes {
			resp := r.response(o.Responses[code])
			var content []string
			for _, ct := range sortedKeys(resp.Content) {
				content = append(content, "`"+ct+"`"+typeSuffix(r, resp.Content[ct].Schema))
			}
			desc := oneLine(resp.Description)
			for _, h := range sortedKeys(resp.Headers) {
				hd := r.header(resp.Headers[h])
				desc += fmt.Sprintf(" Header `%s`%s.", h, dash(oneLine(hd.Description)))
			}
			r.p("| %s | %s | %s |\n", code, strings.Join(content, "<br>"), cell(strings.TrimSpace(desc)))
		}
		r.p("\n")
		for _, code := range codes {
			if !strings.HasPrefix(code, "2") {
				continue
			}
			resp := r.response(o.Responses[code])
			for _, ct := range sortedKeys(resp.Content) {
				if s := resp.Content[ct].Schema; s != nil && s.Ref == "" && len(s.Properties) > 0 {
					r.p("Fields of the %s answer:\n\n", code)
					r.inline(s)
				}
			}
		}
	}
}

// inline writes an anonymous object schema's fields; a named one is
// linked in the line before.
func (r *refWriter) inline(s *schema) {
	if s == nil || s.Ref != "" {
		return
	}
	if len(s.Properties) > 0 {
		r.fields(s)
		return
	}
	if s.Items != nil && s.Items.Ref == "" && len(s.Items.Properties) > 0 {
		r.p("Each item:\n\n")
		r.fields(s.Items)
	}
}

func (r *refWriter) schemaBody(s *schema) {
	switch {
	case len(s.Properties) > 0:
		r.fields(s)
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0 || len(s.AllOf) > 0:
		r.p("Type: %s\n\n", r.typeOf(s))
	default:
		r.p("Type: %s%s\n\n", r.typeOf(s), enumText(s))
	}
}

func (r *refWriter) fields(s *schema) {
	r.p("| field | type | required | description |\n|---|---|---|---|\n")
	r.fieldRows("", s, 0)
	r.p("\n")
}

func (r *refWriter) fieldRows(prefix string, s *schema, depth int) {
	for _, n := range s.order {
		f := s.Properties[n]
		if f == nil {
			continue
		}
		r.p("| `%s%s` | %s | %s | %s |\n", prefix, n, r.typeOf(f), yes(slices.Contains(s.Required, n)), cell(f.Description+enumText(f)))
		if depth < 3 && f.Ref == "" {
			switch {
			case len(f.Properties) > 0:
				r.fieldRows(prefix+n+".", f, depth+1)
			case f.Items != nil && f.Items.Ref == "" && len(f.Items.Properties) > 0:
				r.fieldRows(prefix+n+"[].", f.Items, depth+1)
			}
		}
	}
}

// typeOf names a schema's type, linking named schemas.
func (r *refWriter) typeOf(s *schema) string {
	if s == nil {
		return ""
	}
	if s.Ref != "" {
		n := refName(s.Ref)
		return fmt.Sprintf("[%s](#schema-%s)", n, strings.ToLower(n))
	}
	var alts []*schema
	alts = append(append(alts, s.OneOf...), s.AnyOf...)
	if len(alts) > 0 {
		var names []string
		for _, a := range alts {
			names = append(names, r.typeOf(a))
		}
		return strings.Join(names, " or ")
	}
	if len(s.AllOf) > 0 {
		var names []string
		for _, a := range s.AllOf {
			names = append(names, r.typeOf(a))
		}
		return strings.Join(names, " and ")
	}
	var t string
	switch v := s.Type.(type) {
	case string:
		t = v
	case []any:
		var names []string
		for _, x := range v {
			names = append(names, fmt.Sprint(x))
		}
		t = strings.Join(names, " or ")
	}
	if strings.Contains(t, "array") && s.Items != nil {
		t = strings.Replace(t, "array", "array of "+r.typeOf(s.Items), 1)
	}
	if ap, ok := s.AdditionalProperties.(map[string]any); ok && t == "object" {
		if ref, ok := ap["$ref"].(string); ok {
			t = "map of " + r.typeOf(&schema{Ref: ref})
		} else if at, ok := ap["type"].(string); ok {
			t = "map of " + at
		}
	}
	if s.Format != "" {
		t += " (" + s.Format + ")"
	}
	if t == "" {
		t = "any"
	}
	return t
}

func (r *refWriter) param(p parameter) parameter {
	if c, ok := component(r.d.Components.Parameters, "parameters", p.Ref); p.Ref != "" && ok {
		return *c
	}
	return p
}

func (r *refWriter) response(resp *response) *response {
	if resp == nil {
		return &response{}
	}
	if c, ok := component(r.d.Components.Responses, "responses", resp.Ref); resp.Ref != "" && ok {
		return c
	}
	return resp
}

func (r *refWriter) header(h *header) *header {
	if h == nil {
		return &header{}
	}
	if c, ok := component(r.d.Components.Headers, "headers", h.Ref); h.Ref != "" && ok {
		return c
	}
	return h
}

func typeSuffix(r *refWriter, s *schema) string {
	if s == nil {
		return ""
	}
	return ": " + r.typeOf(s)
}

func securityText(reqs []map[string][]string) string {
	var alts []string
	for _, req := range reqs {
		var all []string
		for _, n := range sortedKeys(req) {
			t := "`" + n + "`"
			if len(req[n]) > 0 {
				t += " (" + strings.Join(req[n], ", ") + ")"
			}
			all = append(all, t)
		}
		if len(all) == 0 {
			alts = append(alts, "none")
			continue
		}
		alts = append(alts, strings.Join(all, " and "))
	}
	return strings.Join(alts, " or ")
}

func enumText(s *schema) string {
	if s == nil || len(s.Enum) == 0 {
		return ""
	}
	var vals []string
	for _, v := range s.Enum {
		vals = append(vals, "`"+fmt.Sprint(v)+"`")
	}
	return " One of " + strings.Join(vals, ", ") + "."
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, errA := strconv.Atoi(keys[i])
		b, errB := strconv.Atoi(keys[j])
		if errA == nil && errB == nil {
			return a < b
		}
		return keys[i] < keys[j]
	})
	return keys
}

func anchor(id string) string { return "op-" + strings.ToLower(id) }

func dash(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", `\|`) }
