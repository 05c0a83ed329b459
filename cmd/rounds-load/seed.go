package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"time"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/storage"
)

// password is every seeded account's password.
const password = "rounds-load password"

// username is the name of the i-th seeded account (1-based).
func username(i int) string { return fmt.Sprintf("load%d", i) }

// seedReport says what seeding did.
type seedReport struct {
	Skipped  bool    `json:"skipped"` // the database was seeded before
	Accounts int     `json:"accounts"`
	Follows  int     `json:"follows"`
	Statuses int     `json:"statuses"` // local statuses in the database
	Seconds  float64 `json:"seconds"`
}

// seed fills st with o.accounts accounts, o.follows follows each and
// o.statuses statuses, unless the first seeded account exists already
// (then it only counts). Statuses are fanned out into home feeds as
// posting does, by storage.FanOut in the inserting transaction.
func seed(ctx context.Context, st *storage.Store, o options, log io.Writer) (seedReport, error) {
	start := time.Now()
	if _, err := st.AccountByUsername(ctx, username(1), ""); err == nil {
		u, err := st.Usage(ctx, time.Now())
		if err != nil {
			return seedReport{}, err
		}
		fmt.Fprintf(log, "seed: database already seeded (%d users, %d local statuses); not seeding again\n", u.Users, u.LocalPosts)
		return seedReport{Skipped: true, Accounts: u.Users, Statuses: u.LocalPosts}, nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return seedReport{}, err
	}
	ids, err := seedAccounts(ctx, st, o.accounts, log)
	if err != nil {
		return seedReport{}, err
	}
	follows, err := seedFollows(ctx, st, ids, o.follows, log)
	if err != nil {
		return seedReport{}, err
	}
	if err := seedStatuses(ctx, st, ids, o.statuses, log); err != nil {
		return seedReport{}, err
	}
	fmt.Fprintf(log, "seed: refreshing planner statistics\n")
	if err := st.Analyze(ctx); err != nil {
		return seedReport{}, err
	}
	return seedReport{Accounts: len(ids), Follows: follows, Statuses: o.statuses, Seconds: time.Since(start).Seconds()}, nil
}

// seedAccounts creates n confirmed, approved members. They share one
// password hash and one RSA key: hashing (argon2id) and key generation
// would otherwise take minutes, and neither matters to what is measured.
func seedAccounts(ctx context.Context, st *storage.Store, n int, log io.Writer) ([]int64, error) {
	hash, err := account.HashPassword(password)
	if err != nil {
		return nil, err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	priv := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	pub := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	now := time.Now().UTC()
	ids := make([]int64, 0, n)
	const batch = 200
	for lo := 1; lo <= n; lo += batch {
		err := st.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			for i := lo; i < lo+batch && i <= n; i++ {
				u := &storage.User{Email: username(i) + "@load.invalid", PasswordHash: hash, Role: account.RoleMember, Approved: true, ConfirmedAt: &now}
				a := &storage.Account{Username: username(i), ActorType: storage.ActorPerson, DisplayName: "Load " + username(i),
					Discoverable: true, PrivateKeyPEM: &priv, PublicKeyPEM: pub}
				if err := tx.CreateLocalAccount(ctx, u, a); err != nil {
					return fmt.Errorf("seed: account %d: %w", i, err)
				}
				ids = append(ids, a.ID)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(log, "seed: %d accounts\n", len(ids))
	return ids, nil
}

// seedFollows makes every account follow f others chosen at random (a
// fixed seed, so runs are comparable): each account ends with about f
// followers, so a status fans out into about f home feeds.
func seedFollows(ctx context.Context, st *storage.Store, ids []int64, f int, log io.Writer) (int, error) {
	f = min(f, len(ids)-1)
	rng := mrand.New(mrand.NewPCG(1, 2))
	total := 0
	const batch = 50 // accounts per transaction
	for lo := 0; lo < len(ids); lo += batch {
		err := st.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			for i := lo; i < lo+batch && i < len(ids); i++ {
				chosen := map[int]bool{i: true}
				for len(chosen) < f+1 {
					j := rng.IntN(len(ids))
					if chosen[j] {
						continue
					}
					chosen[j] = true
					if err := tx.UpsertFollow(ctx, &storage.Follow{AccountID: ids[i], TargetAccountID: ids[j], ShowReblogs: true}); err != nil {
						return fmt.Errorf("seed: follow: %w", err)
					}
					total++
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	fmt.Fprintf(log, "seed: %d follows\n", total)
	return total, nil
}

// seedStatuses writes m statuses by random authors: 75% public, 15%
// unlisted, 10% private; one in ten with a hashtag, one in twenty
// mentioning someone. Each is fanned out to its author's followers (and
// the mentioned account) in the transaction that inserts it, as posting
// does. PostgreSQL gets four writers, each with its own authors (so that
// no two transactions update one author's counters); SQLite has one
// writer at a time anyway.
func seedStatuses(ctx context.Context, st *storage.Store, ids []int64, m int, log io.Writer) error {
	workers := 1
	if st.Dialect() == storage.Postgres {
		workers = 4
	}
	start := time.Now()
	errs := make(chan error, workers)
	progress := make(chan int, 64)
	for w := 0; w < workers; w++ {
		go func(w int) {
			errs <- seedStatusWorker(ctx, st, ids, m, w, workers, progress)
		}(w)
	}
	done, finished := 0, 0
	next := 10_000
	var firstErr error
	for finished < workers {
		select {
		case n := <-progress:
			done += n
			if done >= next {
				fmt.Fprintf(log, "seed: %d statuses (%.0f/s)\n", done, float64(done)/time.Since(start).Seconds())
				next += 10_000
			}
		case err := <-errs:
			finished++
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}
	}
	if firstErr != nil {
		return firstErr
	}
	fmt.Fprintf(log, "seed: %d statuses in %.1fs\n", m, time.Since(start).Seconds())
	return nil
}

// seedStatusWorker writes worker w's share of the m statuses: those whose
// author index is w modulo workers.
func seedStatusWorker(ctx context.Context, st *storage.Store, ids []int64, m, w, workers int, progress chan<- int) error {
	rng := mrand.New(mrand.NewPCG(3, uint64(w)))
	var mine []int64
	for i, id := range ids {
		if i%workers == w {
			mine = append(mine, id)
		}
	}
	count := m / workers
	if w < m%workers {
		count++
	}
	const batch = 250
	for lo := 0; lo < count; lo += batch {
		n := min(batch, count-lo)
		err := st.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			for k := 0; k < n; k++ {
				if err := seedStatus(ctx, tx, rng, mine, ids, lo+k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		progress <- n
	}
	return nil
}

// seedStatus writes one status and its fan-out.
func seedStatus(ctx context.Context, tx *storage.Store, rng *mrand.Rand, authors, everyone []int64, k int) error {
	vis := "public"
	switch r := rng.IntN(100); {
	case r >= 90:
		vis = "private"
	case r >= 75:
		vis = "unlisted"
	}
	text := fmt.Sprintf("Load status %d: morning report, three admissions overnight, one transfer to the ICU.", k)
	var tags []string
	if rng.IntN(10) == 0 {
		tags = []string{"grandrounds"}
		text += " #grandrounds"
	}
	var mentions []int64
	if rng.IntN(20) == 0 {
		mentions = []int64{everyone[rng.IntN(len(everyone))]}
	}
	lang := "en"
	s := &storage.Status{
		AccountID: authors[rng.IntN(len(authors))], Local: true, Text: text, Content: "<p>" + text + "</p>",
		Visibility: vis, Language: &lang,
	}
	if err := tx.InsertStatus(ctx, storage.NewStatus{Status: s, MentionIDs: mentions, Tags: tags}); err != nil {
		return fmt.Errorf("seed: status: %w", err)
	}
	if err := tx.FanOut(ctx, s, true, false, mentions); err != nil {
		return fmt.Errorf("seed: fan out: %w", err)
	}
	return nil
}
