package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// How a verification was made or revoked.
const (
	// VerifiedViaCLI: by an operator with "rounds admin account verify".
	VerifiedViaCLI = "cli"
	// VerifiedViaWeb: by a signed-in admin or moderator on the admin pages.
	VerifiedViaWeb = "web"
	// VerifiedViaFederation: stated by a remote account's own instance in
	// its actor document.
	VerifiedViaFederation = "federation"
)

// Verification is one verification of an account's credential: made by
// local staff (Issuer "", VerifiedByID the staff account when known) or,
// for a remote account, stated by its own instance (Issuer its domain).
// Revoked rows stay as history.
type Verification struct {
	bun.BaseModel `bun:"table:credential_verifications"`

	ID           int64      `bun:"id,pk"`
	AccountID    int64      `bun:"account_id,notnull"`
	Credential   string     `bun:"credential,notnull"`
	Issuer       string     `bun:"issuer,notnull"`
	VerifiedByID *int64     `bun:"verified_by_id"`
	VerifiedVia  string     `bun:"verified_via,notnull"`
	VerifiedAt   time.Time  `bun:"verified_at,notnull"`
	RevokedAt    *time.Time `bun:"revoked_at"`
	RevokedByID  *int64     `bun:"revoked_by_id"`
	RevokedVia   string     `bun:"revoked_via,notnull"`
}

// Active reports whether the verification is in force.
func (v *Verification) Active() bool { return v.RevokedAt == nil }

// ReplaceVerification puts v in force for its account, revoking (as of
// v.VerifiedAt, by the same hand) the one in force before, in one
// transaction. v's ID is filled in.
func (s *Store) ReplaceVerification(ctx context.Context, v *Verification) error {
	return s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		if _, err := tx.RevokeVerification(ctx, v.AccountID, v.VerifiedByID, v.VerifiedVia, v.VerifiedAt); err != nil {
			return err
		}
		v.ID = tx.NewID()
		v.VerifiedAt = v.VerifiedAt.UTC()
		v.RevokedAt, v.RevokedByID, v.RevokedVia = nil, nil, ""
		if _, err := tx.idb.NewInsert().Model(v).Exec(ctx); err != nil {
			return fmt.Errorf("storage: verify: %w", classify(err))
		}
		return nil
	})
}

// RevokeVerification ends the verification in force for the account, if
// any, recording who ended it, how and when; it reports whether there was
// one.
func (s *Store) RevokeVerification(ctx context.Context, accountID int64, by *int64, via string, at time.Time) (bool, error) {
	res, err := s.idb.NewUpdate().Model((*Verification)(nil)).
		Set("revoked_at = ?", at.UTC()).Set("revoked_by_id = ?", by).Set("revoked_via = ?", via).
		Where("account_id = ?", accountID).Where("revoked_at IS NULL").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: revoke verification: %w", classify(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("storage: revoke verification: %w", err)
	}
	return n > 0, nil
}

// ActiveVerificationsOf returns the verifications in force among the
// accounts ids, keyed by account ID.
func (s *Store) ActiveVerificationsOf(ctx context.Context, ids []int64) (map[int64]*Verification, error) {
	return cachedByID(ctx, s, kindVerification, ids, s.activeVerificationsOf, copyOf[Verification])
}

func (s *Store) activeVerificationsOf(ctx context.Context, ids []int64) (map[int64]*Verification, error) {
	out := map[int64]*Verification{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Verification
	if err := s.idb.NewSelect().Model(&rows).Where("account_id IN (?)", bun.In(ids)).
		Where("revoked_at IS NULL").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: verifications: %w", classify(err))
	}
	for i := range rows {
		out[rows[i].AccountID] = &rows[i]
	}
	return out, nil
}

// VerificationHistory returns every verification of the account, newest
// first.
func (s *Store) VerificationHistory(ctx context.Context, accountID int64) ([]Verification, error) {
	var rows []Verification
	if err := s.idb.NewSelect().Model(&rows).Where("account_id = ?", accountID).
		Order("id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: verification history: %w", classify(err))
	}
	return rows, nil
}
