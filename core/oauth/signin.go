package oauth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/storage"
)

// dummyHash is a password hash checked when the login names nobody, so
// that an unknown login costs as much time as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, err := account.HashPassword("rounds: no such user")
	if err != nil {
		panic(fmt.Sprintf("oauth: dummy hash: %v", err))
	}
	return h
})

// SignIn checks a login (an e-mail address or a local username) and a
// password coming from the client address ip, within the failure limits.
// It returns the user and the account they act as, or: a *RateLimitError
// when too many sign-ins failed lately, ErrBadCredentials for an unknown
// login or a wrong password, ErrSuspended, ErrNotApproved or
// ErrNotConfirmed (told only to someone who knows the password).
func (s *Service) SignIn(ctx context.Context, login, password, ip string) (*storage.User, *storage.Account, error) {
	login = strings.TrimPrefix(strings.TrimSpace(login), "@")
	user, acct, err := s.lookupLogin(ctx, login)
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return nil, nil, err
	}
	key := login
	if user != nil {
		key = "user:" + strconv.FormatInt(user.ID, 10)
	}
	if ok, wait := s.limiter.Allow(ip, key); !ok {
		s.log.WarnContext(ctx, "oauth: sign-in rate limited", "ip", ip)
		return nil, nil, &RateLimitError{RetryAfter: wait}
	}
	if user == nil {
		account.CheckPassword(dummyHash(), password)
		s.limiter.Fail(ip, key)
		return nil, nil, ErrBadCredentials
	}
	if !account.CheckPassword(user.PasswordHash, password) {
		s.limiter.Fail(ip, key)
		s.log.InfoContext(ctx, "oauth: wrong password", "user_id", user.ID)
		return nil, nil, ErrBadCredentials
	}
	s.limiter.Succeed(key)
	if err := usable(user, acct); err != nil {
		return nil, nil, err
	}
	return user, acct, nil
}

// lookupLogin finds the user and account a login names: an e-mail address
// when it holds an @, a local username otherwise. core.ErrNotFound when
// it names nobody who can sign in.
func (s *Service) lookupLogin(ctx context.Context, login string) (*storage.User, *storage.Account, error) {
	if login == "" {
		return nil, nil, core.ErrNotFound
	}
	var user *storage.User
	var acct *storage.Account
	var err error
	if strings.Contains(login, "@") {
		if user, err = s.store.UserByEmail(ctx, login); err == nil {
			acct, err = s.store.FirstAccountOfUser(ctx, user.ID)
		}
	} else if acct, err = s.store.AccountByUsername(ctx, login, ""); err == nil {
		if acct.UserID == nil {
			return nil, nil, core.ErrNotFound
		}
		user, err = s.store.UserByID(ctx, *acct.UserID)
	}
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, core.ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("oauth: sign in: %w", err)
	}
	return user, acct, nil
}

// usable reports why a user and account may not act now, nil when they may.
func usable(u *storage.User, a *storage.Account) error {
	switch {
	case a.Suspended():
		return ErrSuspended
	case !u.Approved:
		return ErrNotApproved
	case u.ConfirmedAt == nil:
		return ErrNotConfirmed
	}
	return nil
}
