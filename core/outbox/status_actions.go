package outbox

import "github.com/rounds-md/rounds/storage"

// The events of what local accounts do to statuses (core/post): Like,
// Announce and Update in ActivityPub, and their Undo. Account is the
// local account acting; Author wrote Status.

// Favourited: Account favourited Status.
type Favourited struct {
	Account, Author *storage.Account
	Status          *storage.Status
}

// Unfavourited: Account took back its favourite of Status. LikeURI is
// the ActivityPub id of the Like that made the favourite, as stored with
// it ("" when none was).
type Unfavourited struct {
	Account, Author *storage.Account
	Status          *storage.Status
	LikeURI         string
}

// Reblogged: Account boosted Status; Boost is the stored boost (its ID and
// visibility: public, unlisted, or private for an author's boost of a
// private status).
type Reblogged struct {
	Account, Author *storage.Account
	Status, Boost   *storage.Status
}

// Unreblogged: Account deleted Boost, its boost of Status.
type Unreblogged struct {
	Account, Author *storage.Account
	Status, Boost   *storage.Status
}

// StatusUpdated: Author edited Status (the row after the edit, with
// EditedAt set), which now mentions Mentions and carries Tags.
type StatusUpdated struct {
	Author   *storage.Account
	Status   *storage.Status
	Mentions []*storage.Account
	Tags     []string
}

func (Favourited) event()    {}
func (Unfavourited) event()  {}
func (Reblogged) event()     {}
func (Unreblogged) event()   {}
func (StatusUpdated) event() {}
