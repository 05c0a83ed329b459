package outbox

import "github.com/rounds-md/rounds/storage"

// Voted: Voter (local) voted in Poll, on Status by Author, for the
// options Choices (indexes). Only a poll of a remote author needs its
// server told (one Note per choice, as Mastodon sends them).
type Voted struct {
	Voter, Author *storage.Account
	Status        *storage.Status
	Poll          *storage.Poll
	Choices       []int
}

func (Voted) event() {}
