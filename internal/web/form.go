package web

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
