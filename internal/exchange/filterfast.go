package exchange

import (
	"bytes"
	"encoding/json"
	"slices"
	"unicode/utf8"
)

// filterFast is filterJSON without decoding the answer into maps and
// encoding it back: it copies what grant keeps straight from body, in
// the form encoding/json would give it (members sorted by name, the last
// of duplicate names, no spaces, numbers as written). It handles a body
// that is a single valid JSON value whose strings and names need no
// re-escaping, which is nearly every answer; for anything else it
// reports false and filterJSON falls back on encoding/json.
func filterFast(body []byte, grant tree) ([]byte, bool) {
	if !json.Valid(body) {
		return nil, false
	}
	var scratch [16]member
	f := fastFilter{b: body, out: make([]byte, 0, len(body)), mem: scratch[:0]}
	start := f.space(0)
	if !f.filter(start, f.end(start), grant) {
		return nil, false
	}
	return f.out, true
}

// fastFilter walks a body that json.Valid accepted.
type fastFilter struct {
	b   []byte
	out []byte
	mem []member // the members of the objects being walked, a stack
}

// member is an object member: the text of its name, without quotes, and
// the bounds of its value.
type member struct {
	name       []byte
	start, end int
}

func (f *fastFilter) space(i int) int {
	for i < len(f.b) {
		switch f.b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// end returns the end of the value that starts at i.
func (f *fastFilter) end(i int) int {
	switch f.b[i] {
	case '"':
		return f.stringEnd(i)
	case '{', '[':
		depth := 0
		for j := i; ; j++ {
			switch f.b[j] {
			case '"':
				j = f.stringEnd(j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
	default: // a number, true, false or null
		j := i
		for j < len(f.b) {
			switch f.b[j] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return j
			}
			j++
		}
		return j
	}
}

// stringEnd returns the end of the string that starts at i.
func (f *fastFilter) stringEnd(i int) int {
	for j := i + 1; ; j++ {
		switch f.b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
}

// members pushes the members of the object that starts at i onto f.mem.
// Only names in keep are pushed, unless keep is nil. It reports false for
// a name encoding/json would write otherwise than it is written.
func (f *fastFilter) members(i int, keep tree) bool {
	j := f.space(i + 1)
	for f.b[j] != '}' {
		nameEnd := f.stringEnd(j)
		name := f.b[j+1 : nameEnd-1]
		if !plainString(name) {
			return false
		}
		v := f.space(f.space(nameEnd) + 1) // past the colon
		e := f.end(v)
		if _, ok := keep[string(name)]; ok || keep == nil {
			f.mem = append(f.mem, member{name: name, start: v, end: e})
		}
		j = f.space(e)
		if f.b[j] == ',' {
			j = f.space(j + 1)
		}
	}
	return true
}

// sorted orders f.mem[from:] by name and drops all but the last of each
// name, as a Go map and encoding/json would.
func (f *fastFilter) sorted(from int) []member {
	ms := f.mem[from:]
	slices.SortStableFunc(ms, func(a, b member) int { return bytes.Compare(a.name, b.name) })
	out := ms[:0]
	for k, m := range ms {
		if k+1 < len(ms) && bytes.Equal(ms[k+1].name, m.name) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// filter writes what t grants of the value in b[i:e]; a nil t grants it
// whole.
func (f *fastFilter) filter(i, e int, t tree) bool {
	switch f.b[i] {
	case '{':
		from := len(f.mem)
		if !f.members(i, t) {
			return false
		}
		f.out = append(f.out, '{')
		for k, m := range f.sorted(from) {
			if k > 0 {
				f.out = append(f.out, ',')
			}
			f.out = append(f.out, '"')
			f.out = append(f.out, m.name...)
			f.out = append(f.out, '"', ':')
			var sub tree
			if t != nil {
				sub = t[string(m.name)]
			}
			if !f.filter(m.start, m.end, sub) {
				return false
			}
		}
		f.out = append(f.out, '}')
		f.mem = f.mem[:from]
	case '[':
		f.out = append(f.out, '[')
		j := f.space(i + 1)
		for k := 0; f.b[j] != ']'; k++ {
			if k > 0 {
				f.out = append(f.out, ',')
			}
			end := f.end(j)
			if !f.filter(j, end, t) {
				return false
			}
			j = f.space(end)
			if f.b[j] == ',' {
				j = f.space(j + 1)
			}
		}
		f.out = append(f.out, ']')
	default:
		if t != nil {
			// A scalar where the right expects an object: grant nothing
			// of it.
			f.out = append(f.out, "null"...)
			return true
		}
		if f.b[i] == '"' && !plainString(f.b[i+1:e-1]) {
			return false
		}
		f.out = append(f.out, f.b[i:e]...)
	}
	return true
}

// plainString reports whether the text of a JSON string is what
// encoding/json writes for it: no escapes, valid UTF-8, and neither
// U+2028 nor U+2029, which it escapes. (json.Valid has already refused
// control characters.)
func plainString(s []byte) bool {
	ascii := true
	for _, c := range s {
		if c == '\\' {
			return false
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if ascii {
		return true
	}
	return utf8.Valid(s) && !bytes.Contains(s, []byte("\u2028")) && !bytes.Contains(s, []byte("\u2029"))
}
