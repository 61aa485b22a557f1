package api

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the API reference in docs/api from the documents")

// referencePath is where a document's reference lives.
func referencePath(name string) string {
	return filepath.Join("..", "docs", "api", strings.TrimSuffix(name, ".yaml")+".md")
}

func TestReferenceIsCurrent(t *testing.T) {
	for _, name := range Names() {
		got, err := Reference(name)
		if err != nil {
			t.Fatal(err)
		}
		path := referencePath(name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v: run go test ./api -update", err)
		}
		if string(want) != got {
			t.Errorf("%s is stale: run go test ./api -update\n%s", path, cmp.Diff(string(want), got))
		}
	}
}

func TestDocumentsDescribeOperations(t *testing.T) {
	for _, name := range Names() {
		ops, err := Operations(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(ops) < 10 {
			t.Errorf("%s describes %d operations", name, len(ops))
		}
		ref, err := Reference(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range ops {
			if !strings.Contains(ref, "### `"+o.Method+" "+o.Path+"`") {
				t.Errorf("%s: the reference has no section for %s %s", name, o.Method, o.Path)
			}
		}
	}
}

func TestCheckRoutes(t *testing.T) {
	ops := []Operation{
		{Method: "GET", Path: "/a/{id}", ID: "getA"},
		{Method: "GET", Path: "/f/{rest}", ID: "getF"},
		{Method: "POST", Path: "/f/{rest}", ID: "postF"},
		{Method: "GET", Path: "/authorize", ID: "authorize", Browser: true},
		{Method: "DELETE", Path: "/gone", ID: "gone"},
	}
	got := checkRoutes("test.yaml", ops, []string{"GET /a/{id}", "/f/{rest...}", "PUT /new", "GET /healthz"})
	want := []string{
		`route "PUT /new" is not described in test.yaml`,
		`route "GET /healthz" is not described in test.yaml`,
		"DELETE /gone (gone) is described in test.yaml but not served",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestUnresolvedReferences(t *testing.T) {
	doc := `openapi: 3.1.0
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - $ref: '#/components/parameters/Missing'
      responses:
        '200':
          $ref: '#/components/responses/Ok'
        '404':
          $ref: '#/components/responses/Gone'
components:
  responses:
    Ok:
      description: fine
      headers:
        X-Id:
          $ref: '#/components/headers/Nope'
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Thing'
`
	_, err := parse("test.yaml", []byte(doc))
	want := "unresolved references: #/components/headers/Nope, #/components/parameters/Missing, #/components/responses/Gone, #/components/schemas/Thing"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
}
