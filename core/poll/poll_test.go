package poll

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

func TestDraftValidate(t *testing.T) {
	ok := func(d Draft) Draft { return d }
	base := Draft{Options: []string{"A", "B"}, ExpiresIn: 10 * time.Minute}
	with := func(fn func(*Draft)) Draft {
		d := base
		d.Options = append([]string(nil), base.Options...)
		fn(&d)
		return d
	}
	cases := []struct {
		name  string
		d     Draft
		valid bool
	}{
		{"two options", ok(base), true},
		{"four options", with(func(d *Draft) { d.Options = []string{"A", "B", "C", "D"} }), true},
		{"one option", with(func(d *Draft) { d.Options = []string{"A"} }), false},
		{"no options", with(func(d *Draft) { d.Options = nil }), false},
		{"five options", with(func(d *Draft) { d.Options = []string{"A", "B", "C", "D", "E"} }), false},
		{"50 characters", with(func(d *Draft) { d.Options[0] = strings.Repeat("é", 50) }), true},
		{"51 characters", with(func(d *Draft) { d.Options[0] = strings.Repeat("é", 51) }), false},
		{"blank option", with(func(d *Draft) { d.Options[1] = "  " }), false},
		{"duplicates after trimming", with(func(d *Draft) { d.Options = []string{"A", " A "} }), false},
		{"invalid UTF-8", with(func(d *Draft) { d.Options[0] = "\xff" }), false},
		{"five minutes", with(func(d *Draft) { d.ExpiresIn = MinExpiresIn }), true},
		{"under five minutes", with(func(d *Draft) { d.ExpiresIn = MinExpiresIn - time.Second }), false},
		{"a month", with(func(d *Draft) { d.ExpiresIn = MaxExpiresIn }), true},
		{"over a month", with(func(d *Draft) { d.ExpiresIn = MaxExpiresIn + time.Second }), false},
		{"no expiry", with(func(d *Draft) { d.ExpiresIn = 0 }), false},
	}
	for _, tc := range cases {
		err := tc.d.Validate()
		if tc.valid != (err == nil) {
			t.Errorf("%s: Validate() = %v", tc.name, err)
		}
		if err != nil && !errors.Is(err, core.ErrInvalid) {
			t.Errorf("%s: %v is not ErrInvalid", tc.name, err)
		}
	}
}

func TestCheckVote(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	end := now.Add(time.Hour)
	past := now.Add(-time.Second)
	single := &storage.Poll{AccountID: 1, ExpiresAt: &end, Options: make([]storage.PollOption, 3)}
	multi := &storage.Poll{AccountID: 1, ExpiresAt: &end, Multiple: true, Options: make([]storage.PollOption, 3)}
	ended := &storage.Poll{AccountID: 1, ExpiresAt: &past, Options: make([]storage.PollOption, 3)}
	closed := &storage.Poll{AccountID: 1, ExpiresAt: &end, ClosedAt: &past, Options: make([]storage.PollOption, 3)}
	voter, author := &storage.Account{ID: 2}, &storage.Account{ID: 1}
	cases := []struct {
		name    string
		p       *storage.Poll
		voter   *storage.Account
		choices []int
		valid   bool
	}{
		{"one choice", single, voter, []int{2}, true},
		{"own poll", single, author, []int{0}, false},
		{"two on a single-choice poll", single, voter, []int{0, 1}, false},
		{"two on a multiple-choice poll", multi, voter, []int{0, 2}, true},
		{"all on a multiple-choice poll", multi, voter, []int{2, 1, 0}, true},
		{"duplicates", multi, voter, []int{1, 1}, false},
		{"none", single, voter, nil, false},
		{"out of range", single, voter, []int{3}, false},
		{"negative", single, voter, []int{-1}, false},
		{"past its end", ended, voter, []int{0}, false},
		{"closed", closed, voter, []int{0}, false},
	}
	for _, tc := range cases {
		err := checkVote(tc.p, tc.voter, tc.choices, now)
		if tc.valid != (err == nil) {
			t.Errorf("%s: checkVote = %v", tc.name, err)
		}
		if err != nil && !errors.Is(err, core.ErrInvalid) {
			t.Errorf("%s: %v is not ErrInvalid", tc.name, err)
		}
	}
}
