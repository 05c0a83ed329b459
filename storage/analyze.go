package storage

import (
	"context"
	"fmt"
)

// Analyze refreshes the query planner's statistics (ANALYZE on both
// engines), as after a bulk load: PostgreSQL's autovacuum would get to it
// eventually, SQLite never does by itself, and until then plans are made
// for empty tables.
func (s *Store) Analyze(ctx context.Context) error {
	if _, err := s.idb.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("storage: analyze: %w", classify(err))
	}
	return nil
}
