package timeline

import (
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
)

func TestViewPoll(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	later, earlier := now.Add(time.Minute), now.Add(-time.Minute)
	open := &storage.Poll{AccountID: 1, ExpiresAt: &later}
	hidden := &storage.Poll{AccountID: 1, ExpiresAt: &later, HideTotals: true}
	hiddenEnded := &storage.Poll{AccountID: 1, ExpiresAt: &earlier, HideTotals: true}
	hiddenClosed := &storage.Poll{AccountID: 1, ExpiresAt: &later, ClosedAt: &earlier, HideTotals: true}
	author, voter := &storage.Account{ID: 1}, &storage.Account{ID: 2}
	cases := []struct {
		name                       string
		p                          *storage.Poll
		viewer                     *storage.Account
		choices                    []int
		expired, showTotals, voted bool
		ownVotes                   int
	}{
		{"anonymous, open", open, nil, nil, false, true, false, 0},
		{"voter before voting", open, voter, nil, false, true, false, 0},
		{"voter after voting", open, voter, []int{0, 2}, false, true, true, 2},
		{"author", open, author, nil, false, true, true, 0},
		{"hidden totals, voter", hidden, voter, []int{1}, false, false, true, 1},
		{"hidden totals, anonymous", hidden, nil, nil, false, false, false, 0},
		{"hidden totals, author", hidden, author, nil, false, true, true, 0},
		{"hidden totals, past its end", hiddenEnded, nil, nil, true, true, false, 0},
		{"hidden totals, closed early", hiddenClosed, voter, nil, true, true, false, 0},
	}
	for _, tc := range cases {
		v := ViewPoll(tc.p, tc.viewer, tc.choices, now)
		if v.Expired != tc.expired || v.ShowTotals != tc.showTotals || v.Voted != tc.voted || len(v.OwnVotes) != tc.ownVotes || v.OwnVotes == nil {
			t.Errorf("%s: %+v", tc.name, v)
		}
	}
}
