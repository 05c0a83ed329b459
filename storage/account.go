package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Actor types, as ActivityStreams names them.
const (
	ActorPerson      = "Person"
	ActorApplication = "Application"
	ActorGroup       = "Group"
	ActorService     = "Service"
)

// Account is an actor: a local person, group or service, a remote actor
// this instance knows, or the instance actor. Local accounts have Domain ""
// and no stored URIs (they are derived from the instance's domain); remote
// ones keep what their server told us.
type Account struct {
	bun.BaseModel `bun:"table:accounts"`

	ID             int64      `bun:"id,pk"`
	UserID         *int64     `bun:"user_id"`
	Username       string     `bun:"username,notnull"`
	Domain         string     `bun:"domain,notnull"`
	ActorType      string     `bun:"actor_type,notnull"`
	DisplayName    string     `bun:"display_name,notnull"`
	Note           string     `bun:"note,notnull"`
	Locked         bool       `bun:"locked,notnull"`
	Bot            bool       `bun:"bot,notnull"`
	Discoverable   bool       `bun:"discoverable,notnull"`
	SuspendedAt    *time.Time `bun:"suspended_at"`
	PrivateKeyPEM  *string    `bun:"private_key_pem"`
	PublicKeyPEM   string     `bun:"public_key_pem,notnull"`
	PublicKeyURI   *string    `bun:"public_key_uri"`
	URI            *string    `bun:"uri"`
	URL            *string    `bun:"url"`
	InboxURI       *string    `bun:"inbox_uri"`
	OutboxURI      *string    `bun:"outbox_uri"`
	SharedInboxURI *string    `bun:"shared_inbox_uri"`
	FollowersURI   *string    `bun:"followers_uri"`
	FollowingURI   *string    `bun:"following_uri"`
	FetchedAt      *time.Time `bun:"fetched_at"`
	CreatedAt      time.Time  `bun:"created_at,notnull"`
	UpdatedAt      time.Time  `bun:"updated_at,notnull"`
}

// Local reports whether the account lives on this instance.
func (a *Account) Local() bool { return a.Domain == "" }

// Suspended reports whether the account is suspended.
func (a *Account) Suspended() bool { return a.SuspendedAt != nil }

// User is a local sign-in: the e-mail, password and role behind one or
// more local accounts.
type User struct {
	bun.BaseModel `bun:"table:users"`

	ID           int64      `bun:"id,pk"`
	Email        string     `bun:"email,notnull"`
	PasswordHash string     `bun:"password_hash,notnull"`
	Role         string     `bun:"role,notnull"`
	ConfirmedAt  *time.Time `bun:"confirmed_at"`
	Approved     bool       `bun:"approved,notnull"`
	LastActiveAt *time.Time `bun:"last_active_at"`
	CreatedAt    time.Time  `bun:"created_at,notnull"`
	UpdatedAt    time.Time  `bun:"updated_at,notnull"`
}

// CreateLocalAccount stores a new user and its first account in one
// transaction, filling in IDs and timestamps. A taken username or e-mail is
// ErrConflict.
func (s *Store) CreateLocalAccount(ctx context.Context, u *User, a *Account) error {
	return s.InTx(ctx, func(ctx context.Context, tx *Store) error {
		now := time.Now().UTC()
		u.ID, u.CreatedAt, u.UpdatedAt = tx.NewID(), now, now
		if _, err := tx.idb.NewInsert().Model(u).Exec(ctx); err != nil {
			return fmt.Errorf("storage: create user: %w", classify(err))
		}
		a.UserID = &u.ID
		a.Domain = ""
		return tx.CreateAccount(ctx, a)
	})
}

// CreateAccount stores an account, filling in its ID and timestamps; the
// domain is stored in lower case, as lookups compare it. A taken username
// on the same domain, or a known URI, is ErrConflict.
func (s *Store) CreateAccount(ctx context.Context, a *Account) error {
	a.Domain = strings.ToLower(a.Domain)
	now := time.Now().UTC()
	if a.ID == 0 {
		a.ID = s.NewID()
	}
	a.CreatedAt, a.UpdatedAt = now, now
	if _, err := s.idb.NewInsert().Model(a).Exec(ctx); err != nil {
		return fmt.Errorf("storage: create account: %w", classify(err))
	}
	return nil
}

// AccountByID returns the account with that ID.
func (s *Store) AccountByID(ctx context.Context, id int64) (*Account, error) {
	a := new(Account)
	if err := s.idb.NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: account %d: %w", id, classify(err))
	}
	return a, nil
}

// accountColumns are Account's columns but the private key, which only
// signing reads: the cached account reads (accountsByIDs) select them
// with a fixed text, prepared once.
const accountColumns = `id, user_id, username, domain, actor_type, display_name, note, locked, bot, discoverable,
	suspended_at, public_key_pem, public_key_uri, uri, url, inbox_uri, outbox_uri, shared_inbox_uri, followers_uri,
	following_uri, fetched_at, created_at, updated_at`

// AccountByUsername returns the account with that username (compared
// without case) on domain ("" for local).
func (s *Store) AccountByUsername(ctx context.Context, username, domain string) (*Account, error) {
	a := new(Account)
	err := s.idb.NewSelect().Model(a).
		Where("lower(username) = ?", strings.ToLower(username)).
		Where("domain = ?", strings.ToLower(domain)).
		Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: account %q: %w", username, classify(err))
	}
	return a, nil
}

// AccountFilter narrows ListAccounts.
type AccountFilter struct {
	// LocalOnly keeps accounts of this instance, people and groups alike,
	// and leaves out the instance actor.
	LocalOnly bool
}

// ListAccounts returns accounts oldest first.
func (s *Store) ListAccounts(ctx context.Context, f AccountFilter) ([]Account, error) {
	var out []Account
	q := s.idb.NewSelect().Model(&out).Order("id ASC")
	if f.LocalOnly {
		q = q.Where("domain = ''").Where("actor_type <> ?", ActorApplication)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: list accounts: %w", classify(err))
	}
	return out, nil
}

// SetSuspended suspends (at the given time) or, with nil, unsuspends the account.
func (s *Store) SetSuspended(ctx context.Context, id int64, at *time.Time) error {
	res, err := s.idb.NewUpdate().Model((*Account)(nil)).
		Set("suspended_at = ?", at).Set("updated_at = ?", time.Now().UTC()).
		Where("id = ?", id).Exec(ctx)
	return checkUpdated(res, err, "suspend account")
}

// UserByID returns the user with that ID.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	u := new(User)
	if err := s.idb.NewSelect().Model(u).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: user %d: %w", id, classify(err))
	}
	return u, nil
}

// UserByEmail returns the user with that e-mail, compared without case.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	u := new(User)
	if err := s.idb.NewSelect().Model(u).Where("lower(email) = ?", strings.ToLower(email)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: user by email: %w", classify(err))
	}
	return u, nil
}

// SetPasswordHash replaces a user's password hash.
func (s *Store) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	res, err := s.idb.NewUpdate().Model((*User)(nil)).
		Set("password_hash = ?", hash).Set("updated_at = ?", time.Now().UTC()).
		Where("id = ?", userID).Exec(ctx)
	return checkUpdated(res, err, "set password")
}

// CountAdmins counts users with the admin role.
func (s *Store) CountAdmins(ctx context.Context) (int, error) {
	n, err := s.idb.NewSelect().Model((*User)(nil)).Where("role = 'admin'").Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: count admins: %w", classify(err))
	}
	return int(n), nil
}
