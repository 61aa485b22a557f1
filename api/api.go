// Package api holds the OpenAPI 3.1 documents of Panjereh's own HTTP
// APIs: the national window's (window.yaml: the catalog, open data and
// single sign-on) and the exchange gateway's (exchange.yaml: forwarding,
// discovery, management and the data tracker). The window serves its
// document at /api/openapi.yaml and the gateway at /openapi.yaml.
//
// The API reference in docs/api/ is generated from these documents
// (`go test ./api -update` rewrites it, and the test fails while it is
// stale), and the servers' tests check that every API route they register
// is described and every described operation is served.
package api

import (
	"embed"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed *.yaml
var files embed.FS

// The documents.
const (
	Window   = "window.yaml"
	Exchange = "exchange.yaml"
)

// Names lists the documents.
func Names() []string { return []string{Window, Exchange} }

// Raw returns a document as written.
func Raw(name string) ([]byte, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	return b, nil
}

// methods are the HTTP methods an OpenAPI path item may describe, in the
// order the reference lists them.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Operation is one described METHOD and path.
type Operation struct {
	Method string // upper case
	Path   string
	ID     string
	// Browser marks an endpoint people's browsers are sent to (the
	// authorization and logout endpoints) rather than one programs call;
	// it is served as a page, not as an API route (x-browser: true).
	Browser bool
}

// Operations lists a document's operations in document order.
func Operations(name string) ([]Operation, error) {
	d, err := load(name)
	if err != nil {
		return nil, err
	}
	var ops []Operation
	for _, p := range d.paths {
		for _, o := range p.ops {
			ops = append(ops, Operation{Method: strings.ToUpper(o.method), Path: p.path, ID: o.ID, Browser: o.Browser})
		}
	}
	return ops, nil
}

// CheckRoutes compares a document with the route patterns a server
// registered as APIs (web.Mux.APIRoutes), in net/http's pattern syntax:
// "GET /a/{id}", "/a/{rest...}" for every method. It returns one line per
// route that is not described and per described operation (other than
// browser endpoints) that no route serves.
func CheckRoutes(name string, patterns []string) ([]string, error) {
	ops, err := Operations(name)
	if err != nil {
		return nil, err
	}
	return checkRoutes(name, ops, patterns), nil
}

func checkRoutes(name string, ops []Operation, patterns []string) []string {
	type route struct{ method, path string }
	var routes []route
	for _, p := range patterns {
		method, path, ok := strings.Cut(p, " ")
		if !ok {
			method, path = "", p
		}
		routes = append(routes, route{method, normalise(path)})
	}
	var problems []string
	for _, r := range routes {
		described := slices.ContainsFunc(ops, func(o Operation) bool {
			return o.Path == r.path && (r.method == "" || o.Method == r.method)
		})
		if !described {
			problems = append(problems, fmt.Sprintf("route %q is not described in %s", strings.TrimSpace(r.method+" "+r.path), name))
		}
	}
	for _, o := range ops {
		if o.Browser {
			continue
		}
		served := slices.ContainsFunc(routes, func(r route) bool {
			return r.path == o.Path && (r.method == "" || r.method == o.Method)
		})
		if !served {
			problems = append(problems, fmt.Sprintf("%s %s (%s) is described in %s but not served", o.Method, o.Path, o.ID, name))
		}
	}
	return problems
}

// normalise writes a net/http pattern's path as OpenAPI does: a trailing
// wildcard {rest...} becomes {rest}.
func normalise(path string) string {
	return strings.ReplaceAll(path, "...}", "}")
}

// doc is the part of a document the reference and the checks read, with
// the paths in document order.
type doc struct {
	OpenAPI string `yaml:"openapi"`
	Info    struct {
		Title       string `yaml:"title"`
		Version     string `yaml:"version"`
		Description string `yaml:"description"`
	} `yaml:"info"`
	Servers []struct {
		URL         string `yaml:"url"`
		Description string `yaml:"description"`
	} `yaml:"servers"`
	Tags []struct {
		Name        string `yaml:"name"`
		Description string `yaml:"description"`
	} `yaml:"tags"`
	Security   []map[string][]string `yaml:"security"`
	Components struct {
		Schemas         map[string]*schema    `yaml:"schemas"`
		Parameters      map[string]*parameter `yaml:"parameters"`
		Responses       map[string]*response  `yaml:"responses"`
		Headers         map[string]*header    `yaml:"headers"`
		SecuritySchemes map[string]struct {
			Type        string `yaml:"type"`
			Scheme      string `yaml:"scheme"`
			Description string `yaml:"description"`
		} `yaml:"securitySchemes"`
	} `yaml:"components"`
	Paths yaml.Node `yaml:"paths"`

	paths []pathItem
}

type pathItem struct {
	path string
	ops  []*operation
}

type operation struct {
	method      string
	ID          string                 `yaml:"operationId"`
	Summary     string                 `yaml:"summary"`
	Description string                 `yaml:"description"`
	Tags        []string               `yaml:"tags"`
	Parameters  []parameter            `yaml:"parameters"`
	RequestBody *body                  `yaml:"requestBody"`
	Responses   map[string]*response   `yaml:"responses"`
	Security    *[]map[string][]string `yaml:"security"`
	Browser     bool                   `yaml:"x-browser"`
}

type parameter struct {
	Ref         string  `yaml:"$ref"`
	Name        string  `yaml:"name"`
	In          string  `yaml:"in"`
	Required    bool    `yaml:"required"`
	Description string  `yaml:"description"`
	Schema      *schema `yaml:"schema"`
}

type body struct {
	Description string                `yaml:"description"`
	Required    bool                  `yaml:"required"`
	Content     map[string]*mediaType `yaml:"content"`
}

type response struct {
	Ref         string                `yaml:"$ref"`
	Description string                `yaml:"description"`
	Headers     map[string]*header    `yaml:"headers"`
	Content     map[string]*mediaType `yaml:"content"`
}

type header struct {
	Ref         string  `yaml:"$ref"`
	Description string  `yaml:"description"`
	Schema      *schema `yaml:"schema"`
}

type mediaType struct {
	Schema *schema `yaml:"schema"`
}

type schema struct {
	Ref                  string             `yaml:"$ref"`
	Type                 any                `yaml:"type"` // a name or a list of names
	Format               string             `yaml:"format"`
	Description          string             `yaml:"description"`
	Enum                 []any              `yaml:"enum"`
	Properties           map[string]*schema `yaml:"properties"`
	Required             []string           `yaml:"required"`
	Items                *schema            `yaml:"items"`
	AdditionalProperties any                `yaml:"additionalProperties"`
	OneOf                []*schema          `yaml:"oneOf"`
	AnyOf                []*schema          `yaml:"anyOf"`
	AllOf                []*schema          `yaml:"allOf"`
	Minimum              *float64           `yaml:"minimum"`
	Maximum              *float64           `yaml:"maximum"`
	MaxLength            *int               `yaml:"maxLength"`
	Pattern              string             `yaml:"pattern"`
	Default              any                `yaml:"default"`
	Example              any                `yaml:"example"`

	order []string // property names in document order
}

// UnmarshalYAML keeps the properties' order.
func (s *schema) UnmarshalYAML(n *yaml.Node) error {
	type plain schema
	if err := n.Decode((*plain)(s)); err != nil {
		return err
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "properties" {
			props := n.Content[i+1]
			for j := 0; j+1 < len(props.Content); j += 2 {
				s.order = append(s.order, props.Content[j].Value)
			}
		}
	}
	return nil
}

func load(name string) (*doc, error) {
	b, err := Raw(name)
	if err != nil {
		return nil, err
	}
	return parse(name, b)
}

func parse(name string, b []byte) (*doc, error) {
	var d doc
	if err := yaml.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("api: %s: %w", name, err)
	}
	if !strings.HasPrefix(d.OpenAPI, "3.1") {
		return nil, fmt.Errorf("api: %s: openapi %q, want 3.1", name, d.OpenAPI)
	}
	if d.Paths.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("api: %s: no paths", name)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(d.Paths.Content); i += 2 {
		p := pathItem{path: d.Paths.Content[i].Value}
		item := d.Paths.Content[i+1]
		byMethod := map[string]*yaml.Node{}
		for j := 0; j+1 < len(item.Content); j += 2 {
			byMethod[item.Content[j].Value] = item.Content[j+1]
		}
		for _, m := range methods {
			n, ok := byMethod[m]
			if !ok {
				continue
			}
			o := &operation{method: m}
			if err := n.Decode(o); err != nil {
				return nil, fmt.Errorf("api: %s: %s %s: %w", name, m, p.path, err)
			}
			if o.ID == "" || seen[o.ID] {
				return nil, fmt.Errorf("api: %s: %s %s: operationId %q missing or not unique", name, m, p.path, o.ID)
			}
			seen[o.ID] = true
			p.ops = append(p.ops, o)
		}
		d.paths = append(d.paths, p)
	}
	if err := d.checkRefs(); err != nil {
		return nil, fmt.Errorf("api: %s: %w", name, err)
	}
	return &d, nil
}

// checkRefs reports the first $ref to a schema the document lacks.
func (d *doc) checkRefs() error {
	var bad []string
	var walk func(s *schema)
	walk = func(s *schema) {
		if s == nil {
			return
		}
		if s.Ref != "" {
			if _, ok := d.Components.Schemas[refName(s.Ref)]; !ok {
				bad = append(bad, s.Ref)
			}
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		if ap, ok := s.AdditionalProperties.(map[string]any); ok && ap["$ref"] != nil {
			if _, ok := d.Components.Schemas[refName(fmt.Sprint(ap["$ref"]))]; !ok {
				bad = append(bad, fmt.Sprint(ap["$ref"]))
			}
		}
		for _, list := range [][]*schema{s.OneOf, s.AnyOf, s.AllOf} {
			for _, x := range list {
				walk(x)
			}
		}
	}
	for _, s := range d.Components.Schemas {
		walk(s)
	}
	check := func(r string, found bool) {
		if r != "" && !found {
			bad = append(bad, r)
		}
	}
	walkResponse := func(r *response) {
		for _, mt := range r.Content {
			walk(mt.Schema)
		}
		for _, h := range r.Headers {
			_, ok := component(d.Components.Headers, "headers", h.Ref)
			check(h.Ref, ok)
			walk(h.Schema)
		}
	}
	for _, par := range d.Components.Parameters {
		walk(par.Schema)
	}
	for _, r := range d.Components.Responses {
		walkResponse(r)
	}
	for _, h := range d.Components.Headers {
		walk(h.Schema)
	}
	for _, p := range d.paths {
		for _, o := range p.ops {
			for _, par := range o.Parameters {
				_, ok := component(d.Components.Parameters, "parameters", par.Ref)
				check(par.Ref, ok)
				walk(par.Schema)
			}
			if o.RequestBody != nil {
				for _, mt := range o.RequestBody.Content {
					walk(mt.Schema)
				}
			}
			for _, r := range o.Responses {
				_, ok := component(d.Components.Responses, "responses", r.Ref)
				check(r.Ref, ok)
				walkResponse(r)
			}
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return fmt.Errorf("unresolved references: %s", strings.Join(slices.Compact(bad), ", "))
	}
	return nil
}

// component returns what a reference such as
// "#/components/responses/NotFound" names among m, the components of kind.
func component[T any](m map[string]*T, kind, ref string) (*T, bool) {
	c, ok := m[strings.TrimPrefix(ref, "#/components/"+kind+"/")]
	return c, ok && c != nil
}

func refName(ref string) string {
	return strings.TrimPrefix(ref, "#/components/schemas/")
}

// Handler serves a document as application/yaml (RFC 9512).
func Handler(name string) http.HandlerFunc {
	b, err := Raw(name)
	return func(w http.ResponseWriter, r *http.Request) {
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Write(b)
	}
}
