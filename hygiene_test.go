// Package panjereh_test holds repository-wide checks: every package is
// documented, and imports follow the layering of docs/architecture.md.
package panjereh_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/panjereh/panjereh/"

// infrastructure may be imported by features but never imports them; a
// package under one of these directories is infrastructure too.
var infrastructure = []string{"internal/sqldb", "internal/web", "internal/iran", "internal/config", "internal/audit", "internal/ecpem"}

func isInfrastructure(dir string) bool {
	for _, p := range infrastructure {
		if dir == p || strings.HasPrefix(dir, p+"/") {
			return true
		}
	}
	return false
}

type pkg struct {
	documented bool
	imports    map[string]bool
}

func packages(t *testing.T) map[string]*pkg {
	t.Helper()
	out := map[string]*pkg{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "data") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		p := out[dir]
		if p == nil {
			p = &pkg{imports: map[string]bool{}}
			out[dir] = p
		}
		if f.Doc != nil && strings.HasPrefix(f.Doc.Text(), "Package "+f.Name.Name+" ") || f.Name.Name == "main" && f.Doc != nil {
			p.documented = true
		}
		for _, imp := range f.Imports {
			p.imports[strings.Trim(imp.Path.Value, `"`)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEveryPackageIsDocumented(t *testing.T) {
	for dir, p := range packages(t) {
		if dir != "." && !p.documented {
			t.Errorf("%s: no package comment (add a doc.go starting \"Package ...\")", dir)
		}
	}
}

func TestImportLayering(t *testing.T) {
	for dir, p := range packages(t) {
		for imp := range p.imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			target := strings.TrimPrefix(imp, module)
			if target == "internal/app" && dir != "cmd/panjereh" {
				t.Errorf("%s imports internal/app: nothing may import the wiring", dir)
			}
			if isInfrastructure(dir) && !isInfrastructure(target) {
				t.Errorf("%s is shared infrastructure but imports the feature %s", dir, target)
			}
		}
	}
}
