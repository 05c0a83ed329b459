package storage

import (
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
		{`BEGIN`, nil},
		{`COMMIT`, nil},
	} {
		if got := writtenKinds(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
}
