package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// TestClaimPlanAfterRefresh: with the statistics of an empty queue and
// then a burst of jobs, PostgreSQL's plan for the claim reads and sorts
// every queued job; after RefreshJobStats it walks the jobs_claim index.
// The claim's sub-select is explained as a generic plan, as it runs.
func TestClaimPlanAfterRefresh(t *testing.T) {
	s := storagetest.Open(t, storage.Postgres)
	ctx := context.Background()
	if err := s.RefreshJobStats(ctx); err != nil { // the statistics of an empty queue
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for i := range 500 {
		j := &storage.Job{Kind: "deliver", Args: `{"body":"` + strings.Repeat("x", 1800) + `"}`, Priority: 1 + i%2,
			MaxAttempts: 3, RunAt: now.Add(-time.Minute)}
		if err := s.EnqueueJob(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	name := fmt.Sprintf("claim_plan_%d", time.Now().UnixNano())
	if _, err := conn.ExecContext(ctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `PREPARE `+name+`(text, timestamptz, text[]) AS SELECT id FROM jobs
		WHERE state = $1 AND run_at <= $2 AND kind = ANY($3) ORDER BY priority, run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`); err != nil {
		t.Fatal(err)
	}
	plan := func() string {
		t.Helper()
		return strings.Join(queryStrings(t, conn, `EXPLAIN EXECUTE `+name+`('available', now(), '{deliver}')`), "\n")
	}
	t.Logf("with the statistics of an empty queue:\n%s", plan())
	if err := s.RefreshJobStats(ctx); err != nil {
		t.Fatal(err)
	}
	if p := plan(); !strings.Contains(p, "Index Scan using jobs_claim") || strings.Contains(p, "Sort") {
		t.Errorf("after RefreshJobStats the claim does not walk jobs_claim:\n%s", p)
	}
}
