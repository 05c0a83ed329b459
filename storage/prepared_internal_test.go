package storage

import (
	"testing"
	"time"
)

// TestPGTextArray: words are quoted, and quotes and backslashes in them
// escaped, so that PostgreSQL reads back the same words.
func TestPGTextArray(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{nil, `{}`},
		{[]string{"inbox"}, `{"inbox"}`},
		{[]string{"a", `b"c`, `d\e`, "f,g", ""}, `{"a","b\"c","d\\e","f,g",""}`},
	} {
		if got := pgTextArray(c.in); got != c.want {
			t.Errorf("pgTextArray(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestDriverArgs: on SQLite, times reach the driver as bun writes them
// (UTC, microseconds, an explicit offset), so that stored times compare
// as text; other arguments, and every argument on PostgreSQL, pass as
// they are.
func TestDriverArgs(t *testing.T) {
	at := time.Date(2026, 11, 28, 1, 2, 3, 456789000, time.FixedZone("", 3600))
	var none *time.Time
	s := &Store{dialect: SQLite}
	got := s.driverArgs([]any{at, &at, none, int64(7), "x"})
	want := []any{"2026-11-28 00:02:03.456789+00:00", "2026-11-28 00:02:03.456789+00:00", none, int64(7), "x"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("SQLite argument %d = %#v, want %#v", i, got[i], want[i])
		}
	}
	pg := &Store{dialect: Postgres}
	if got := pg.driverArgs([]any{at}); got[0] != any(at) {
		t.Errorf("PostgreSQL time = %#v, want it unchanged", got[0])
	}
}
