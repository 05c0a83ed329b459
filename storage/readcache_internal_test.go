package storage

import (
	"regexp"
	"slices"
	"testing"
)

// TestWrittenKinds checks which statements invalidate which kinds.
func TestWrittenKinds(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  []cacheKind
	}{
		{`SELECT * FROM accounts`, nil},
		{`INSERT INTO "account_profiles" ("account_id") VALUES (1) ON CONFLICT (account_id) DO UPDATE SET fields = EXCLUDED.fields`, []cacheKind{kindExtras}},
		{`UPDATE "accounts" AS "account" SET suspended_at = NULL WHERE (id = 1)`, cacheDeps["accounts"]},
		{`DELETE FROM blocks WHERE account_id = 1`, []cacheKind{kindTies}},
		{`INSERT INTO jobs (args) VALUES ('{"text":"UPDATE accounts SET x"}')`, nil},
		{`  (INSERT INTO mutes (id) VALUES (1))`, []cacheKind{kindMutes}},
		{`WITH gone AS (SELECT id FROM x) DELETE FROM list_accounts WHERE list_id IN (SELECT id FROM gone)`, []cacheKind{kindExclusiveLists}},
		{"INSERT OR IGNORE INTO home_feed (account_id, status_id, author_id)\n\tSELECT 1, 2, 3", []cacheKind{kindHomeHead}},
		{`insert or replace into "mutes" (id) values (1)`, []cacheKind{kindMutes}},
		{`BEGIN`, nil},
		{`COMMIT`, nil},
	} {
		if got, _ := writes(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
}

// TestWriteTargetsAsTheExpression: the scanner finds the tables the
// regular expression it replaced found.
func TestWriteTargetsAsTheExpression(t *testing.T) {
	expr := regexp.MustCompile(`(?i)\b(?:INSERT\s+(?:OR\s+[a-z]+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?([a-z_]+)"?`)
	for _, q := range []string{
		`WITH done AS ( DELETE FROM jobs WHERE id = 1 RETURNING id), claimed AS ( UPDATE jobs SET state = 'running' WHERE id = (SELECT id FROM jobs) RETURNING *) SELECT * FROM claimed`,
		`WITH fresh AS (INSERT INTO inbox_activities (activity_id) VALUES ('x') ON CONFLICT DO NOTHING RETURNING activity_id) INSERT INTO jobs (kind) SELECT 'k' FROM fresh`,
		`INSERT INTO "account_profiles" ("account_id") VALUES (1) ON CONFLICT (account_id) DO UPDATE SET fields = EXCLUDED.fields`,
		"update\tFollows\nset x = 1",
		`delete  from "blocks"`,
		`DELETEFROM blocks; INSERTINTO mutes; XUPDATE accounts; UPDATEx accounts`,
		`UPDATE`, `INSERT INTO`, `DELETE FROM "`, `UPDATE "`, `update accounts2 set`, `insert into_x (a)`,
		`WITH a AS (UPDATE lists SET x = 'UPDATE accounts') DELETE FROM list_accounts`,
		`INSERT INTO jobs (args) VALUES ('{"text":"UPDATE accounts SET x"}')`,
		"INSERT OR IGNORE INTO home_feed (a)", "insert  or\treplace\ninto \"mutes\"", `INSERT OR`, `INSERT OR IGNORE`, `INSERT OR IGNORE INTO`,
		`INSERT ORINTO x`, `INSERT OR IGNOREINTO x`,
	} {
		var want, got []string
		for _, m := range expr.FindAllStringSubmatch(q, -1) {
			want = append(want, m[1])
		}
		writeTargets(q, func(_ byte, table string) bool { got = append(got, table); return true })
		if !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", q, got, want)
		}
	}
}
