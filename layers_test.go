package rounds_test

// The layer rule of docs/architecture.md, checked over every Go file in the
// module:
//
//	cmd → web → federation → core → storage
//
// Arrows point down only: web may import federation, core and storage;
// federation core and storage; core storage; storage only its own
// subpackages. A helper package (webtest, storagetest, ...) is in its
// parent's layer and follows its rule. gin and go-json live only under
// web/, go-fed and httpsig only under federation/, bun only under storage/.
//
// In-package test files follow their package's rule. External test
// packages (package x_test) may import any Rounds package, as cmd does,
// but the third-party rule holds for them too.

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// module is the module path of Rounds.
const module = "github.com/rounds-md/rounds"

// layers maps each top-level folder to the Rounds layers it may import.
var layers = map[string][]string{
	"cmd":        {"cmd", "web", "federation", "core", "storage"},
	"web":        {"web", "federation", "core", "storage"},
	"federation": {"federation", "core", "storage"},
	"core":       {"core", "storage"},
	"storage":    {"storage"},
}

// confined lists third-party modules and the one layer allowed to import them.
var confined = []struct{ prefix, layer string }{
	{"github.com/gin-gonic/", "web"},
	{"github.com/go-fed/", "federation"},
	{"github.com/uptrace/bun", "storage"},
	{"github.com/goccy/go-json", "web"},
}

// pkgImports is one package's imports, by kind of file. Path is relative to
// the module root ("" for the root, "core/account" ...).
type pkgImports struct {
	Path         string
	Imports      []string // non-test files
	TestImports  []string // _test.go files of the package itself
	XTestImports []string // _test.go files of package x_test
}

// violation is one import that breaks the rule.
type violation struct {
	Pkg, Import, Why string
}

func (v violation) String() string {
	return fmt.Sprintf("%s imports %s: %s", v.Pkg, v.Import, v.Why)
}

// layerOf returns the top-level folder of a module-relative path.
func layerOf(rel string) string {
	first, _, _ := strings.Cut(rel, "/")
	return first
}

// matchesModule reports whether path is the module prefix or inside it
// (a prefix ending in "/" matches anything below it).
func matchesModule(path, prefix string) bool {
	if strings.HasSuffix(prefix, "/") {
		return strings.HasPrefix(path, prefix)
	}
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// checkLayers returns every violation of the layer rule in pkgs.
func checkLayers(pkgs []pkgImports) []violation {
	var out []violation
	for _, p := range pkgs {
		name := module
		if p.Path != "" {
			name += "/" + p.Path
		}
		layer := layerOf(p.Path)
		allowed, known := layers[layer]
		if p.Path == "" { // the module root holds only tests such as this one
			allowed, known = layers["cmd"], true
		}
		if !known {
			out = append(out, violation{name, "-", "the folder " + layer + "/ is in no layer; add it to layers_test.go and docs/architecture.md"})
			continue
		}
		check := func(imports []string, xtest bool) {
			for _, imp := range imports {
				for _, c := range confined {
					if matchesModule(imp, c.prefix) && layer != c.layer {
						out = append(out, violation{name, imp, strings.TrimSuffix(c.prefix, "/") + " may be imported only under " + c.layer + "/"})
					}
				}
				if xtest || !matchesModule(imp, module) || imp == module {
					continue
				}
				target := layerOf(strings.TrimPrefix(imp, module+"/"))
				ok := false
				for _, a := range allowed {
					ok = ok || a == target
				}
				if !ok {
					out = append(out, violation{name, imp, layer + " may import only " + strings.Join(allowed, ", ")})
				}
			}
		}
		check(p.Imports, false)
		check(p.TestImports, false)
		check(p.XTestImports, true)
	}
	return out
}

// moduleImports reads the imports of every Go file in the module under
// root, whatever its build constraints, skipping what the go command skips
// (testdata, folders starting with . or _, nested modules).
func moduleImports(root string) ([]pkgImports, error) {
	byDir := map[string]*pkgImports{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		dir = filepath.ToSlash(dir)
		if dir == "." {
			dir = ""
		}
		p := byDir[dir]
		if p == nil {
			p = &pkgImports{Path: dir}
			byDir[dir] = p
		}
		var list *[]string
		switch {
		case !strings.HasSuffix(path, "_test.go"):
			list = &p.Imports
		case strings.HasSuffix(f.Name.Name, "_test"):
			list = &p.XTestImports
		default:
			list = &p.TestImports
		}
		for _, imp := range f.Imports {
			s, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			*list = append(*list, s)
		}
		return nil
	})
	var out []pkgImports
	for _, p := range byDir {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

// TestLayers checks the layer rule over the whole module.
func TestLayers(t *testing.T) {
	pkgs, err := moduleImports(".")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range pkgs {
		seen[p.Path] = true
	}
	// Guard against walking the wrong folder and checking nothing.
	for _, must := range []string{"cmd/rounds", "web", "core", "storage"} {
		if !seen[must] {
			t.Fatalf("found no package %s: is the test running at the module root?", must)
		}
	}
	for _, v := range checkLayers(pkgs) {
		t.Error(v)
	}
}

// TestLayersCatchViolations runs the checker over a made-up module, to show
// that it reports each kind of violation and lets the allowed imports pass.
func TestLayersCatchViolations(t *testing.T) {
	m := func(rel string) string { return module + "/" + rel }
	pkgs := []pkgImports{
		// Allowed.
		{Path: "cmd/rounds", Imports: []string{m("web"), m("federation"), m("core/account"), m("storage"), "gopkg.in/yaml.v3"}},
		{Path: "web/mastodon", Imports: []string{m("web/httperr"), m("core/post"), m("storage"), m("federation"), "github.com/gin-gonic/gin"}},
		{Path: "federation/deref", Imports: []string{m("core/account"), m("storage"), "github.com/go-fed/httpsig", "net/http"}},
		{Path: "core/account", Imports: []string{m("core"), m("core/instance"), m("storage"), "golang.org/x/crypto/argon2"},
			TestImports: []string{m("storage/storagetest")}},
		{Path: "storage", Imports: []string{m("storage/migrations"), "github.com/uptrace/bun", "github.com/uptrace/bun/dialect/pgdialect"}},
		{Path: "storage/storagetest", Imports: []string{m("storage"), "github.com/jackc/pgx/v5/stdlib"}},
		{Path: "web", XTestImports: []string{m("web/webtest"), m("cmd/rounds"), "github.com/gin-gonic/gin"}},
		{Path: "core/post", Imports: []string{"github.com/uptrace/bunrouter"}}, // not bun
		{Path: "", XTestImports: []string{"go/parser"}},

		// Violations.
		{Path: "core/post", Imports: []string{m("web"), "github.com/uptrace/bun", m("storage")}},
		{Path: "storage", Imports: []string{m("core")}},
		{Path: "web/webtest", Imports: []string{"github.com/go-fed/activity/streams"}},
		{Path: "federation/federationtest", Imports: []string{m("web/webtest")}},
		{Path: "federation", Imports: []string{"github.com/gin-gonic/gin/binding"}},
		{Path: "core/account", TestImports: []string{m("federation")}},
		{Path: "core/visibility", XTestImports: []string{"github.com/uptrace/bun/dialect/sqlitedialect"}},
		{Path: "tools/gen", Imports: []string{"fmt"}},
	}
	var got []string
	for _, v := range checkLayers(pkgs) {
		got = append(got, v.String())
	}
	want := []string{
		m("core/post") + " imports " + m("web") + ": core may import only core, storage",
		m("core/post") + " imports github.com/uptrace/bun: github.com/uptrace/bun may be imported only under storage/",
		m("storage") + " imports " + m("core") + ": storage may import only storage",
		m("web/webtest") + " imports github.com/go-fed/activity/streams: github.com/go-fed may be imported only under federation/",
		m("federation/federationtest") + " imports " + m("web/webtest") + ": federation may import only federation, core, storage",
		m("federation") + " imports github.com/gin-gonic/gin/binding: github.com/gin-gonic may be imported only under web/",
		m("core/account") + " imports " + m("federation") + ": core may import only core, storage",
		m("core/visibility") + " imports github.com/uptrace/bun/dialect/sqlitedialect: github.com/uptrace/bun may be imported only under storage/",
		m("tools/gen") + " imports -: the folder tools/ is in no layer; add it to layers_test.go and docs/architecture.md",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestModuleImportsReadsFiles checks the file walk on a small tree: each
// kind of file lands in its list, and skipped folders are skipped.
func TestModuleImportsReadsFiles(t *testing.T) {
	root := t.TempDir()
	write := func(rel, body string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("core/a/a.go", "//go:build linux\n\npackage a\n\nimport \""+module+"/web\"\n")
	write("core/a/a_test.go", "package a\n\nimport \"github.com/uptrace/bun\"\n")
	write("core/a/x_test.go", "package a_test\n\nimport (\n\t\"testing\"\n\tg \"github.com/gin-gonic/gin\"\n)\n")
	write("core/a/testdata/t.go", "package t\n\nimport \"github.com/gin-gonic/gin\"\n")
	write("_old/o.go", "package o\n\nimport \"github.com/gin-gonic/gin\"\n")
	write("tools/go.mod", "module tools\n")
	write("tools/t.go", "package t\n\nimport \"github.com/gin-gonic/gin\"\n")
	pkgs, err := moduleImports(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []pkgImports{{
		Path:         "core/a",
		Imports:      []string{module + "/web"},
		TestImports:  []string{"github.com/uptrace/bun"},
		XTestImports: []string{"testing", "github.com/gin-gonic/gin"},
	}}
	if !reflect.DeepEqual(pkgs, want) {
		t.Errorf("read %+v, want %+v", pkgs, want)
	}
	if n := len(checkLayers(pkgs)); n != 3 {
		t.Errorf("%d violations in the small tree, want 3: %v", n, checkLayers(pkgs))
	}
}
