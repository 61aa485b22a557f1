package web

import (
	"html/template"
	"sync"
	"sync/atomic"
)

// Field is one form control with everything its accessible rendering
// needs. The "field" template renders it with a <label for> that always
// names it, a visible star and required + aria-required when mandatory,
// its hint and its error linked by aria-describedby.
type Field struct {
	ID    string // element id, unique on the page; also the summary's link target
	Name  string // form field name
	Label Text
	// Type is the input type ("text", "tel", "email", ...), or "select"
	// or "textarea". Empty means "text".
	Type     string
	Value    string
	Options  []Option // for Type "select"
	Required bool
	Hint     Text
	Error    *Text // why the value was rejected, or nil
	// Autocomplete, InputMode and Dir are passed to the control when set;
	// Dir "ltr" suits codes typed in Latin digits on a Persian page.
	Autocomplete string
	InputMode    string
	Dir          string
}

// Option is one choice of a select field.
type Option struct {
	Value    string
	Label    Text
	Selected bool
}

// Form is an ordered set of fields. The "form-errors" template renders an
// error summary whose entries link to the fields, and "required-note"
// explains the star when any field is mandatory.
type Form struct {
	Fields []Field
}

// HasRequired reports whether any field is mandatory.
func (f Form) HasRequired() bool {
	for _, fl := range f.Fields {
		if fl.Required {
			return true
		}
	}
	return false
}

// Invalid returns the fields that carry an error, in order.
func (f Form) Invalid() []Field {
	var out []Field
	for _, fl := range f.Fields {
		if fl.Error != nil {
			out = append(out, fl)
		}
	}
	return out
}

// Field returns the field with the given name, or a zero Field.
func (f Form) Field(name string) Field {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return fl
		}
	}
	return Field{}
}

// fieldCache renders the "field" partial of one feature's pages in one
// language. A field shown empty and without an error, as every form
// first is, renders the same every time: its markup is kept and written
// again instead of executing the partial's two dozen actions, about a
// fifth of the time a login page takes to render.
type fieldCache struct {
	tmpl *template.Template // the shell's and the feature's partials
	done sync.Map           // fieldKey -> template.HTML
	n    atomic.Int64
}

// maxCachedFields bounds the fields kept: forms are written in code, so a
// window has a few hundred; a field whose label came from data would not
// fill memory.
const maxCachedFields = 4096

// fieldKey is everything the partial shows of a field shown empty.
type fieldKey struct {
	ID, Name, Type               string
	Label, Hint                  Text
	Required                     bool
	Autocomplete, InputMode, Dir string
}

// render renders v, a Field or a *Field, with the "field-markup" partial.
func (c *fieldCache) render(v any) (template.HTML, error) {
	f, ok := v.(Field)
	if p, isPtr := v.(*Field); isPtr && p != nil {
		f, ok = *p, true
	}
	cacheable := ok && f.Value == "" && f.Error == nil && len(f.Options) == 0
	var key fieldKey
	if cacheable {
		key = fieldKey{ID: f.ID, Name: f.Name, Type: f.Type, Label: f.Label, Hint: f.Hint, Required: f.Required,
			Autocomplete: f.Autocomplete, InputMode: f.InputMode, Dir: f.Dir}
		if h, hit := c.done.Load(key); hit {
			return h.(template.HTML), nil
		}
	}
	buf := getBuffer()
	defer putBuffer(buf)
	if err := c.tmpl.ExecuteTemplate(buf, "field-markup", v); err != nil {
		return "", err
	}
	h := template.HTML(buf.String())
	if cacheable && c.n.Load() < maxCachedFields {
		if _, loaded := c.done.LoadOrStore(key, h); !loaded {
			c.n.Add(1)
		}
	}
	return h, nil
}
