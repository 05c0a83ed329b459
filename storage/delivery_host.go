package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// DeliveryHost is the health of a remote host Rounds delivers to.
// FailingSince is when deliveries started failing without a success since;
// DeadSince is when the failures had lasted long enough for the host to
// be skipped. Any successful contact clears both.
type DeliveryHost struct {
	bun.BaseModel `bun:"table:delivery_hosts"`

	Host          string     `bun:"host,pk"`
	FailingSince  *time.Time `bun:"failing_since"`
	LastFailureAt *time.Time `bun:"last_failure_at"`
	LastSuccessAt *time.Time `bun:"last_success_at"`
	DeadSince     *time.Time `bun:"dead_since"`
}

// Dead reports whether deliveries to the host are skipped.
func (h *DeliveryHost) Dead() bool { return h != nil && h.DeadSince != nil }

// DeliveryHostByName returns the health record of host; ErrNotFound when
// there is none (the host never failed).
func (s *Store) DeliveryHostByName(ctx context.Context, host string) (*DeliveryHost, error) {
	h := new(DeliveryHost)
	if err := s.idb.NewSelect().Model(h).Where("host = ?", host).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: delivery host: %w", classify(err))
	}
	return h, nil
}

// RecordDeliverySuccess notes a successful contact with host: it is
// healthy again.
func (s *Store) RecordDeliverySuccess(ctx context.Context, host string, now time.Time) error {
	_, err := s.idb.NewRaw(`INSERT INTO delivery_hosts (host, last_success_at) VALUES (?, ?)
		ON CONFLICT (host) DO UPDATE SET last_success_at = EXCLUDED.last_success_at, failing_since = NULL, dead_since = NULL`,
		host, now.UTC()).Exec(ctx)
	if err != nil {
		return fmt.Errorf("storage: delivery success: %w", classify(err))
	}
	return nil
}

// ReviveDeliveryHost clears the failure marks of host, if it has any
// (a signed request from it arrived), and reports whether it had.
func (s *Store) ReviveDeliveryHost(ctx context.Context, host string) (bool, error) {
	res, err := s.idb.NewRaw(`UPDATE delivery_hosts SET failing_since = NULL, dead_since = NULL
		WHERE host = ? AND (failing_since IS NOT NULL OR dead_since IS NOT NULL)`, host).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: revive delivery host: %w", classify(err))
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RecordDeliveryFailure notes a failed delivery to host and marks it dead
// once it has been failing, without a success, for deadAfter. It returns
// the updated record.
func (s *Store) RecordDeliveryFailure(ctx context.Context, host string, now time.Time, deadAfter time.Duration) (*DeliveryHost, error) {
	now = now.UTC()
	var out *DeliveryHost
	err := s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		if _, err := tx.idb.NewRaw(`INSERT INTO delivery_hosts (host, failing_since, last_failure_at) VALUES (?, ?, ?)
			ON CONFLICT (host) DO UPDATE SET last_failure_at = EXCLUDED.last_failure_at,
			failing_since = COALESCE(delivery_hosts.failing_since, EXCLUDED.failing_since)`,
			host, now, now).Exec(ctx); err != nil {
			return fmt.Errorf("storage: delivery failure: %w", classify(err))
		}
		if _, err := tx.idb.NewRaw(`UPDATE delivery_hosts SET dead_since = ?
			WHERE host = ? AND dead_since IS NULL AND failing_since <= ?`, now, host, now.Add(-deadAfter)).Exec(ctx); err != nil {
			return fmt.Errorf("storage: delivery failure: %w", classify(err))
		}
		h, err := tx.DeliveryHostByName(ctx, host)
		out = h
		return err
	})
	return out, err
}

// DeliveryHosts lists the hosts with a health record, failing ones first.
func (s *Store) DeliveryHosts(ctx context.Context) ([]DeliveryHost, error) {
	var out []DeliveryHost
	if err := s.idb.NewSelect().Model(&out).OrderExpr("dead_since IS NULL, failing_since IS NULL, host").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: delivery hosts: %w", classify(err))
	}
	return out, nil
}
