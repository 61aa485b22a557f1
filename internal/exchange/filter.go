package exchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Items is a set of granted data items. An item is a dotted path into the
// JSON response, such as "name" or "address.postCode"; arrays are crossed
// transparently, so "signatories.nationalCode" names that field of every
// signatory. Granting a path grants everything below it. An empty set
// grants the whole response.
type Items []string

// All reports whether the set grants the whole response.
func (it Items) All() bool { return len(it) == 0 }

// tree is Items as a tree of path segments; a leaf grants its subtree.
type tree map[string]tree

func (it Items) tree() tree {
	root := tree{}
	for _, p := range it {
		node := root
		segs := strings.Split(p, ".")
		for i, seg := range segs {
			child, ok := node[seg]
			if ok && child == nil {
				break // a shorter path already grants this subtree
			}
			if i == len(segs)-1 {
				node[seg] = nil
				break
			}
			if !ok {
				child = tree{}
				node[seg] = child
			}
			node = child
		}
	}
	return root
}

// grant returns the set as a tree for filterJSON, or nil when it grants
// the whole response.
func (it Items) grant() tree {
	if it.All() {
		return nil
	}
	return it.tree()
}

// FilterJSON returns body with every object member that items does not
// grant removed (B2). Numbers keep their exact text. A body that is not
// JSON is an error: a right limited to some items can only be enforced on
// JSON answers.
func FilterJSON(body []byte, items Items) ([]byte, error) {
	return filterJSON(body, items.grant())
}

// filterJSON is FilterJSON with the items as a tree, which the gateway
// builds once per right; a nil tree grants everything.
func filterJSON(body []byte, grant tree) ([]byte, error) {
	if grant == nil {
		return body, nil
	}
	if out, ok := filterFast(body, grant); ok {
		return out, nil
	}
	return filterDecoded(body, grant)
}

// filterDecoded filters by decoding the answer and encoding what is
// granted of it; its output is what filterFast must match.
func filterDecoded(body []byte, grant tree) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("exchange: filter: the answer is not JSON: %w", err)
	}
	v = prune(v, grant)
	// The filtered answer is seldom longer than the answer.
	buf := bytes.NewBuffer(make([]byte, 0, len(body)+1))
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("exchange: filter: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// prune keeps what t grants of v. A nil t grants v whole.
func prune(v any, t tree) any {
	if t == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, sub := range t {
			if val, ok := x[k]; ok {
				out[k] = prune(val, sub)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = prune(e, t)
		}
		return out
	default:
		// A scalar where the right expects an object: grant nothing of it.
		return nil
	}
}
