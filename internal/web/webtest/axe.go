package webtest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
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

// Axe runs axe-core on the page the browser in ctx shows and reports
// every violation as an error of t, naming page.
func Axe(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](AxeScript)); err != nil {
		t.Fatalf("inject axe-core into %s: %v", page, err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[string](AxeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe-core on %s: %v", page, err)
	}
	var vs []AxeViolation
	if err := json.Unmarshal([]byte(res), &vs); err != nil {
		t.Fatalf("axe-core result: %v\n%s", err, res)
	}
	for _, v := range vs {
		t.Errorf("axe-core on %s: %s", page, v)
	}
}
