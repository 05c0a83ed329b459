package jsonbody_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ginJSON matches gin's own JSON writers, which encode with
// encoding/json and bypass this package.
var ginJSON = regexp.MustCompile(`\.(JSON|AbortWithStatusJSON|IndentedJSON|PureJSON|SecureJSON|AsciiJSON)\(|gin/codec/json"`)

// TestEveryResponseGoesThroughJSONBody keeps web's handlers on jsonbody,
// so that every JSON response is encoded the one way.
func TestEveryResponseGoesThroughJSONBody(t *testing.T) {
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if ginJSON.MatchString(line) {
				t.Errorf("%s:%d: %s: write JSON with jsonbody", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
