package webtest

import (
	_ "embed"
	"fmt"
	"strings"
)

// AxeScript is axe-core (MPL-2.0, see axe/README.md), for browser tests to
// inject into a page before running AxeRun.
//
//go:embed axe/axe.min.js
var AxeScript string

// AxeRun is a script that runs axe-core on the whole page and resolves to
// its violations as JSON.
const AxeRun = `axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))))`

// AxeViolation is one rule axe-core found broken.
type AxeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

func (v AxeViolation) String() string {
	return fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
}
