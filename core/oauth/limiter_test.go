package oauth

import (
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (f *fakeClock) now() time.Time { return f.t }

func TestLimiter(t *testing.T) {
	limits := Limits{AccountFailures: 3, IPFailures: 5, Window: 5 * time.Minute}
	type step struct {
		advance time.Duration
		op      string // "fail", "ok" (success), "allow?" (expect allowed), "deny?" (expect refused)
		ip      string
		account string
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"account limit", []step{
			{0, "fail", "1.1.1.1", "alice"}, {0, "fail", "1.1.1.2", "alice"},
			{0, "allow?", "1.1.1.3", "alice"},
			{0, "fail", "1.1.1.3", "Alice"}, // accounts compare without case
			{0, "deny?", "1.1.1.4", "alice"},
			{0, "allow?", "1.1.1.4", "bob"},
		}},
		{"ip limit", []step{
			{0, "fail", "9.9.9.9", "a"}, {0, "fail", "9.9.9.9", "b"}, {0, "fail", "9.9.9.9", "c"},
			{0, "fail", "9.9.9.9", "d"}, {0, "allow?", "9.9.9.9", "e"}, {0, "fail", "9.9.9.9", "e"},
			{0, "deny?", "9.9.9.9", "f"},
			{0, "allow?", "8.8.8.8", "f"},
		}},
		{"window slides", []step{
			{0, "fail", "1.1.1.1", "carol"}, {time.Minute, "fail", "1.1.1.1", "carol"}, {time.Minute, "fail", "1.1.1.1", "carol"},
			{0, "deny?", "1.1.1.1", "carol"},
			{3*time.Minute - time.Second, "deny?", "1.1.1.1", "carol"},
			{time.Second, "allow?", "1.1.1.1", "carol"}, // the first failure left the window
			{0, "fail", "1.1.1.1", "carol"},
			{0, "deny?", "1.1.1.1", "carol"},
		}},
		{"success clears the account, not the address", []step{
			{0, "fail", "2.2.2.2", "dave"}, {0, "fail", "2.2.2.2", "dave"},
			{0, "ok", "2.2.2.2", "dave"},
			{0, "fail", "2.2.2.2", "dave"}, {0, "fail", "2.2.2.2", "dave"},
			{0, "allow?", "2.2.2.2", "dave"},
			{0, "fail", "2.2.2.2", "erin"},
			{0, "deny?", "2.2.2.2", "frank"}, // the address kept all 5 failures
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
			l := NewLimiter(limits)
			l.now = clock.now
			for i, s := range tc.steps {
				clock.t = clock.t.Add(s.advance)
				switch s.op {
				case "fail":
					l.Fail(s.ip, s.account)
				case "ok":
					l.Succeed(s.account)
				case "allow?", "deny?":
					ok, wait := l.Allow(s.ip, s.account)
					if ok != (s.op == "allow?") {
						t.Fatalf("step %d: Allow(%s, %s) = %v, want %v", i, s.ip, s.account, ok, s.op == "allow?")
					}
					if !ok && (wait <= 0 || wait > limits.Window) {
						t.Fatalf("step %d: retry after %v, want within the window", i, wait)
					}
				}
			}
		})
	}
}

func TestLimiterForgetsOldKeys(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	l := NewLimiter(Limits{})
	l.now = clock.now
	for i := range 100 {
		l.Fail("10.0.0.1", string(rune('a'+i%26))+"user")
	}
	clock.t = clock.t.Add(l.limits.Window + time.Second)
	l.Allow("10.0.0.2", "someone") // sweeps
	if n := len(l.fails); n != 0 {
		t.Errorf("%d keys kept after the window passed, want 0", n)
	}
}

func TestLimitsDefaults(t *testing.T) {
	got := Limits{}.withDefaults()
	if got != DefaultLimits() || got.AccountFailures != 5 || got.IPFailures != 30 || got.Window != 5*time.Minute {
		t.Errorf("defaults = %+v", got)
	}
}
