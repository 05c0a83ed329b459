package storage_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

func TestOpenErrors(t *testing.T) {
	for _, tc := range []struct {
		name, dsn string
		want      []string
		not       string
	}{
		{"unsupported engine", "mysql://root:hunter2@127.0.0.1/rounds", []string{"unsupported database", "sqlite:PATH or a postgres:// URL"}, "hunter2"},
		{"sqlite without a path", "sqlite:", []string{"needs a file path"}, ""},
		{"unreachable postgres", "postgres://nobody:hunter2@127.0.0.1:1/x", []string{"cannot reach the postgres database"}, "hunter2"},
		{"empty", "", []string{"unsupported database"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := storage.Open(context.Background(), storage.Config{DSN: tc.dsn})
			if err == nil {
				s.Close()
				t.Fatal("opened")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if tc.not != "" && strings.Contains(err.Error(), tc.not) {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func TestOpenSQLiteMakesItsDirectory(t *testing.T) {
	for _, prefix := range []string{"sqlite:", "sqlite://"} {
		path := filepath.Join(t.TempDir(), "nested", "dir", "rounds.db")
		s, err := storage.Open(context.Background(), storage.Config{DSN: prefix + path})
		if err != nil {
			t.Fatalf("%s: %v", prefix, err)
		}
		if s.Dialect() != storage.SQLite {
			t.Errorf("dialect %s", s.Dialect())
		}
		if _, err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: the database file is not at %s: %v", prefix, path, err)
		}
	}
}

func TestInTx(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := s.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		// A failing function rolls back everything it wrote, nested calls included.
		err := s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			if _, _, err := newLocal(ctx, tx, "alice", "alice@example.org"); err != nil {
				return err
			}
			return tx.InTx(ctx, func(ctx context.Context, inner *storage.Store) error {
				if _, _, err := newLocal(ctx, inner, "bob", "bob@example.org"); err != nil {
					return err
				}
				return boom
			})
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx returned %v, want the function's error", err)
		}
		for _, name := range []string{"alice", "bob"} {
			if _, err := s.AccountByUsername(ctx, name, ""); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("%s after rollback: %v, want ErrNotFound", name, err)
			}
		}
		// A succeeding one commits.
		err = s.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
			_, _, err := newLocal(ctx, tx, "carol", "carol@example.org")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AccountByUsername(ctx, "carol", ""); err != nil {
			t.Errorf("carol after commit: %v", err)
		}
	})
}
