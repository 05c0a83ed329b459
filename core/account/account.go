package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/storage"
)

// Roles a user may hold.
const (
	RoleAdmin     = "admin"
	RoleModerator = "moderator"
	RoleMember    = "member"
)

// usernameRe is Mastodon's rule for local usernames.
var usernameRe = regexp.MustCompile(`^[A-Za-z0-9_]{1,30}$`)

// Service applies the account rules over a Store.
type Service struct {
	store   *storage.Store
	inst    instance.Config
	log     *slog.Logger
	keyBits int
	pwCost  PasswordCost

	mu sync.Mutex
	// onSuspend are called after an account's suspension changes.
	onSuspend []func()
}

// OnSuspend registers fn to be called after SetSuspended changes an
// account, so that what caches who may act (core/oauth's token cache)
// forgets at once. Register at start-up.
func (s *Service) OnSuspend(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onSuspend = append(s.onSuspend, fn)
}

// New returns a Service.
func New(store *storage.Store, inst instance.Config, log *slog.Logger, opts ...Option) *Service {
	s := &Service{store: store, inst: inst, log: log, keyBits: KeyBits, pwCost: DefaultPasswordCost}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Option changes a Service's cryptographic costs.
type Option func(*Service)

// WithTestCosts makes key pairs of 1024 bits and password hashes with
// argon2id's smallest parameters, which cost a fraction of the real ones.
// For test instances only (web/webtest): the code paths are the same, the
// work is not. Production never sets it.
func WithTestCosts() Option {
	return func(s *Service) {
		s.keyBits = 1024
		s.pwCost = PasswordCost{Time: 1, MemoryKiB: 64}
	}
}

// NewAccount is what it takes to create a local account.
type NewAccount struct {
	Username    string
	Email       string
	Password    string
	Role        string // admin, moderator or member (default)
	DisplayName string
	Locked      bool
	// Approved marks the sign-up as approved by staff; accounts made by
	// the CLI or an admin are.
	Approved bool
	// Confirmed marks the e-mail as confirmed.
	Confirmed bool
}

// Validate checks a NewAccount, returning an InvalidError for the first
// field that breaks a rule.
func (n *NewAccount) Validate() error {
	if !usernameRe.MatchString(n.Username) {
		return core.Invalid("username", "must be 1 to 30 letters, digits or underscores")
	}
	if !validEmail(n.Email) {
		return core.Invalid("email", "is not a valid e-mail address")
	}
	if err := ValidatePassword(n.Password); err != nil {
		return err
	}
	switch n.Role {
	case "":
		n.Role = RoleMember
	case RoleAdmin, RoleModerator, RoleMember:
	default:
		return core.Invalid("role", "must be admin, moderator or member")
	}
	if len([]rune(n.DisplayName)) > 30 {
		return core.Invalid("display_name", "must be at most 30 characters")
	}
	return nil
}

// validEmail accepts a bare address whose domain has a dot (or is localhost).
func validEmail(e string) bool {
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e {
		return false
	}
	domain := e[strings.LastIndex(e, "@")+1:]
	return strings.Contains(domain, ".") || domain == "localhost"
}

// ValidatePassword checks a new password's length.
func ValidatePassword(p string) error {
	if len([]rune(p)) < MinPasswordLength {
		return core.Invalid("password", fmt.Sprintf("must be at least %d characters", MinPasswordLength))
	}
	if len(p) > maxPasswordLength {
		return core.Invalid("password", fmt.Sprintf("must be at most %d bytes", maxPasswordLength))
	}
	return nil
}

// Create makes a local user and its account, with a fresh key pair, and
// tells the admins and moderators (admin.sign_up), whoever made it: a
// sign-up, the API or "rounds admin account create".
func (s *Service) Create(ctx context.Context, n NewAccount) (*storage.Account, error) {
	if err := n.Validate(); err != nil {
		return nil, fmt.Errorf("account: create: %w", err)
	}
	if strings.EqualFold(n.Username, s.inst.Host()) {
		return nil, fmt.Errorf("account: create: %w", core.Invalid("username", "is reserved"))
	}
	hash, err := HashPasswordCost(n.Password, s.pwCost)
	if err != nil {
		return nil, err
	}
	priv, pub, err := newKeyPair(s.keyBits)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	u := &storage.User{Email: n.Email, PasswordHash: hash, Role: n.Role, Approved: n.Approved}
	if n.Confirmed {
		u.ConfirmedAt = &now
	}
	a := &storage.Account{
		Username: n.Username, ActorType: storage.ActorPerson, DisplayName: n.DisplayName,
		Locked: n.Locked, Discoverable: true, PrivateKeyPEM: &priv, PublicKeyPEM: pub,
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if err := tx.CreateLocalAccount(ctx, u, a); err != nil {
			return err
		}
		return notify.Staff(ctx, tx, notify.AdminSignUp, a.ID, 0)
	})
	if err != nil {
		if errors.Is(err, storage.ErrConflict) {
			if _, e := s.store.UserByEmail(ctx, n.Email); e == nil {
				return nil, fmt.Errorf("account: create: %w", core.Errorf(core.ErrConflict, "email %s is already taken", n.Email))
			}
			return nil, fmt.Errorf("account: create: %w", core.Errorf(core.ErrConflict, "username %s is already taken", n.Username))
		}
		return nil, fmt.Errorf("account: create: %w", err)
	}
	s.log.InfoContext(ctx, "account created", "account_id", a.ID, "role", n.Role)
	return a, nil
}

// Local returns the local account with that username.
func (s *Service) Local(ctx context.Context, username string) (*storage.Account, error) {
	a, err := s.store.AccountByUsername(ctx, username, "")
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return nil, fmt.Errorf("account %q: %w", username, core.ErrNotFound)
		}
		return nil, err
	}
	return a, nil
}

// LocalPerson returns the local, unsuspended account a username names, as
// discovery and profile pages show it: ErrNotFound for the unknown and the
// instance actor, ErrGone for the suspended.
func (s *Service) LocalPerson(ctx context.Context, username string) (*storage.Account, error) {
	a, err := s.Local(ctx, username)
	if err != nil {
		return nil, err
	}
	if a.ActorType == storage.ActorApplication {
		return nil, fmt.Errorf("account %q: %w", username, core.ErrNotFound)
	}
	if a.Suspended() {
		return a, fmt.Errorf("account %q: %w", username, core.ErrGone)
	}
	return a, nil
}

// List returns the local accounts, oldest first.
func (s *Service) List(ctx context.Context) ([]storage.Account, error) {
	return s.store.ListAccounts(ctx, storage.AccountFilter{LocalOnly: true})
}

// SetSuspended suspends or unsuspends a local account. The instance actor
// is not an account anyone may suspend: it is ErrNotFound, as in LocalPerson.
func (s *Service) SetSuspended(ctx context.Context, username string, suspended bool) error {
	a, err := s.Local(ctx, username)
	if err != nil {
		return err
	}
	if a.ActorType == storage.ActorApplication {
		return fmt.Errorf("account %q: %w", username, core.ErrNotFound)
	}
	var at *time.Time
	if suspended {
		now := time.Now().UTC()
		at = &now
	}
	if err := s.store.SetSuspended(ctx, a.ID, at); err != nil {
		return fmt.Errorf("account: suspend: %w", err)
	}
	s.mu.Lock()
	hooks := s.onSuspend
	s.mu.Unlock()
	for _, fn := range hooks {
		fn()
	}
	s.log.InfoContext(ctx, "account suspension changed", "account_id", a.ID, "suspended", suspended)
	return nil
}

// SetPassword replaces the password of a local account's user.
func (s *Service) SetPassword(ctx context.Context, username, password string) error {
	if err := ValidatePassword(password); err != nil {
		return fmt.Errorf("account: password: %w", err)
	}
	a, err := s.Local(ctx, username)
	if err != nil {
		return err
	}
	if a.UserID == nil {
		return fmt.Errorf("account: password: %w", core.Invalid("username", "has no sign-in"))
	}
	hash, err := HashPasswordCost(password, s.pwCost)
	if err != nil {
		return err
	}
	return s.store.SetPasswordHash(ctx, *a.UserID, hash)
}

// HasAdmin reports whether any user holds the admin role.
func (s *Service) HasAdmin(ctx context.Context) (bool, error) {
	n, err := s.store.CountAdmins(ctx)
	return n > 0, err
}

// InstanceActor returns the instance actor, creating it with its own key
// pair on first use. It is an Application named after the host, as
// Mastodon's is, and signs the instance's own fetches.
func (s *Service) InstanceActor(ctx context.Context) (*storage.Account, error) {
	name := s.inst.Host()
	a, err := s.store.AccountByUsername(ctx, name, "")
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	priv, pub, err := newKeyPair(s.keyBits)
	if err != nil {
		return nil, err
	}
	a = &storage.Account{
		Username: name, ActorType: storage.ActorApplication, Locked: true,
		PrivateKeyPEM: &priv, PublicKeyPEM: pub,
	}
	if err := s.store.CreateAccount(ctx, a); err != nil {
		if errors.Is(err, storage.ErrConflict) { // another process made it first
			return s.store.AccountByUsername(ctx, name, "")
		}
		return nil, fmt.Errorf("account: instance actor: %w", err)
	}
	return a, nil
}
