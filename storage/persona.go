package storage

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"
)

// AccountsOfUser returns the local accounts (personas) of one sign-in,
// the first made first.
func (s *Store) AccountsOfUser(ctx context.Context, userID int64) ([]Account, error) {
	var out []Account
	if err := s.idb.NewSelect().Model(&out).Where("user_id = ?", userID).Where("domain = ''").
		Order("created_at ASC", "id ASC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: accounts of user %d: %w", userID, classify(err))
	}
	return out, nil
}

// CreatePersona stores a further local account for an existing user. The
// account's ID must be set by the caller (see ScatteredID); a taken
// username is ErrConflict.
func (s *Store) CreatePersona(ctx context.Context, userID int64, a *Account) error {
	if a.ID == 0 {
		return fmt.Errorf("storage: create persona: no ID")
	}
	a.UserID = &userID
	a.Domain = ""
	return s.CreateAccount(ctx, a)
}

// ScatteredID returns an ID for a row created at t whose 16 low bits are
// random rather than the generator's sequence: an ID that says nothing
// about which IDs were made just before it. Callers pick t (a persona
// takes a random moment of the past day, so that its ID does not tell
// when, to the millisecond, it was made). A collision is ErrConflict on
// insert, astronomically rare.
func ScatteredID(t time.Time) int64 {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return t.UnixMilli()<<16 | int64(binary.BigEndian.Uint16(b[:]))
}
