package outbox

import "github.com/rounds-md/rounds/storage"

// Voted: Voter voted in Poll, on Status by Author, for the options
// Choices (indexes). A local voter's vote in a remote author's poll is
// sent to the author's server (one Note per choice, as Mastodon sends
// them); a vote (local, or received from another server) in a local
// author's poll changes tallies that other servers show.
type Voted struct {
	Voter, Author *storage.Account
	Status        *storage.Status
	Poll          *storage.Poll
	Choices       []int
}

func (Voted) event() {}

// PollClosed: Poll, on Status by Author, reached its end and was closed.
type PollClosed struct {
	Author *storage.Account
	Status *storage.Status
	Poll   *storage.Poll
}

func (PollClosed) event() {}
