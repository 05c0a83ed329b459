package account

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// MaxPersonas is how many accounts one sign-in may hold.
const MaxPersonas = 5

// personaScatter is how far back a persona's ID time is drawn, so that
// the ID does not tell, to the millisecond, when it was made.
const personaScatter = 24 * time.Hour

// NewPersona is what it takes to add a persona to a sign-in.
type NewPersona struct {
	Username    string
	DisplayName string
	Locked      bool
}

// Personas returns the personas (local accounts) of the sign-in behind
// the local account a, the first made first, a included. Show them only
// to that sign-in and to staff: nothing else links them.
func (s *Service) Personas(ctx context.Context, a *storage.Account) ([]storage.Account, error) {
	if a == nil || !a.Local() || a.UserID == nil {
		return nil, fmt.Errorf("account: personas: %w", core.ErrForbidden)
	}
	out, err := s.store.AccountsOfUser(ctx, *a.UserID)
	if err != nil {
		return nil, fmt.Errorf("account: personas: %w", err)
	}
	return out, nil
}

// CreatePersona adds a persona to the sign-in behind the local account
// a: a full account with its own username, key pair, followers and
// profile, and nothing public in common with a. It takes the defaults a
// sign-up takes (discoverable, not a bot), so that nothing sets personas
// apart from other accounts; its ID carries a random moment of the last
// day and random low bits, so that it says nothing about when, to the
// millisecond, nor next to which other row, it was made.
func (s *Service) CreatePersona(ctx context.Context, a *storage.Account, n NewPersona) (*storage.Account, error) {
	existing, err := s.Personas(ctx, a)
	if err != nil {
		return nil, err
	}
	n.Username = strings.TrimPrefix(strings.TrimSpace(n.Username), "@")
	if !usernameRe.MatchString(n.Username) {
		return nil, fmt.Errorf("account: persona: %w", core.Invalid("username", "must be 1 to 30 letters, digits or underscores"))
	}
	if strings.EqualFold(n.Username, s.inst.Host()) {
		return nil, fmt.Errorf("account: persona: %w", core.Invalid("username", "is reserved"))
	}
	if len([]rune(n.DisplayName)) > 30 {
		return nil, fmt.Errorf("account: persona: %w", core.Invalid("display_name", "must be at most 30 characters"))
	}
	if len(existing) >= MaxPersonas {
		return nil, fmt.Errorf("account: persona: %w", core.Errorf(core.ErrForbidden, "a sign-in may hold at most %d personas", MaxPersonas))
	}
	priv, pub, err := newKeyPair(s.keyBits)
	if err != nil {
		return nil, err
	}
	// The ID time is a random moment of the last day, whatever the
	// sign-in's other personas: the e-mail sign-in picks the first account
	// by created_at, not by ID.
	now := time.Now().UTC()
	from := now.Add(-personaScatter)
	p := &storage.Account{
		Username: n.Username, ActorType: storage.ActorPerson, DisplayName: n.DisplayName,
		Locked: n.Locked, Discoverable: true, PrivateKeyPEM: &priv, PublicKeyPEM: pub,
	}
	for attempt := 0; ; attempt++ {
		p.ID = storage.ScatteredID(randomTime(from, now))
		err = s.store.CreatePersona(ctx, *a.UserID, p)
		if err == nil || !errors.Is(err, storage.ErrConflict) || attempt == 2 {
			break
		}
		if _, e := s.store.AccountByUsername(ctx, n.Username, ""); e == nil {
			break // the username, not the ID, is taken
		}
	}
	if err != nil {
		if errors.Is(err, storage.ErrConflict) {
			return nil, fmt.Errorf("account: persona: %w", core.Errorf(core.ErrConflict, "username %s is already taken", n.Username))
		}
		return nil, fmt.Errorf("account: persona: %w", err)
	}
	s.log.InfoContext(ctx, "persona created", "account_id", p.ID)
	return p, nil
}

// randomTime returns a uniformly random moment in [from, to].
func randomTime(from, to time.Time) time.Time {
	span := to.Sub(from).Milliseconds()
	if span <= 0 {
		return to
	}
	n, err := rand.Int(rand.Reader, big.NewInt(span+1))
	if err != nil {
		return to
	}
	return from.Add(time.Duration(n.Int64()) * time.Millisecond)
}
