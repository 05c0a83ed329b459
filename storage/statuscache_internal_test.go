package storage

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestWritesStatuses checks which statements bump the status cache's
// generation: every one that may change or remove a row of statuses
// that exists, and not the INSERT of a new status.
func TestWritesStatuses(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  bool
	}{
		{insertStatus, false},
		{`INSERT INTO statuses (id, updated_at) VALUES (1, now())`, false},
		{`SELECT * FROM statuses`, false},
		{`INSERT INTO home_feed (account_id, status_id) SELECT 1, id FROM statuses`, false},
		{`INSERT INTO account_stats (account_id) VALUES (1) ON CONFLICT (account_id) DO UPDATE SET statuses_count = 2`, false},
		{`UPDATE accounts SET suspended_at = NULL`, false},
		{`UPDATE "statuses" AS "status" SET "content" = 'x' WHERE (id = 1)`, true},
		{`update statuses set deleted_at = now()`, true},
		{`DELETE FROM statuses WHERE id = 1`, true},
		{`DELETE FROM "accounts" WHERE id = 1`, true},
		{`INSERT INTO statuses (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET content = EXCLUDED.content`, true},
		{`INSERT INTO "statuses" ("id") VALUES (1) ON CONFLICT DO NOTHING`, false},
		{`INSERT OR REPLACE INTO statuses (id) VALUES (1)`, true},
		{`insert or  replace into home_feed (id) VALUES (1)`, true},
		{`INSERT OR IGNORE INTO statuses (id) VALUES (1)`, false},
		{`INSERT OR IGNORE INTO home_feed (account_id, status_id) SELECT 1, id FROM statuses`, false},
		{`REPLACE INTO statuses (id) VALUES (1)`, true},
		{`WITH x AS (SELECT 1) UPDATE statuses SET sensitive = TRUE`, true},
		{`WITH x AS (DELETE FROM follows RETURNING 1) INSERT INTO jobs (args) VALUES ('UPDATE statuses')`, true}, // over-strict: harmless
		{`ALTER TABLE statuses ADD COLUMN x INT`, true},
		{`DROP TABLE statuses`, true},
	} {
		if _, got := writes(tc.query); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
}

// TestStatusesWriters scans the code's statements: the one INSERT into
// statuses is InsertStatus's, which cannot change a row that exists
// (TestWritesStatuses), and no statement uses SQLite's REPLACE, which
// would. Other writers (UPDATE, DELETE, any INSERT ... DO UPDATE) are
// taken as changes whatever their text, so they need no listing.
func TestStatusesWriters(t *testing.T) {
	insert := regexp.MustCompile(`(?i)\bINTO\s+"?statuses"?[\s(]|\.NewInsert\(\)\.Model\(\s*(&|\(\*)?(st|status)`)
	replace := regexp.MustCompile(`(?i)\bREPLACE\s+INTO\b|\bINSERT\s+OR\s+REPLACE\b`)
	var found []string
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			strings.Contains(path, string(filepath.Separator)+"migrations"+string(filepath.Separator)) {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range insert.FindAllIndex(b, -1) {
			found = append(found, path+": "+string(b[m[0]:m[1]]))
		}
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "//") && replace.MatchString(line) {
				t.Errorf("%s uses REPLACE or INSERT OR REPLACE: check that it bumps the status cache", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || !strings.HasPrefix(found[0], filepath.Join("..", "storage", "status.go")) {
		t.Errorf("statements inserting into statuses: %q; want only InsertStatus's", found)
	}
}
