package outbox

import (
	"context"

	"github.com/rounds-md/rounds/storage"
)

// Publisher learns of every change other servers may need to hear about.
// Publish runs inside the transaction of the change: it must use tx for
// every read and write, and its error rolls the change back.
type Publisher interface {
	Publish(ctx context.Context, tx *storage.Store, ev Event) error
}

// Event is one change, as one of the types below. A publisher ignores the
// events it has nothing to do for (a follow between two local accounts).
type Event interface{ event() }

// StatusCreated: Author wrote Status (local, already stored, with its ID),
// mentioning Mentions and carrying the hashtags Tags. InReplyTo is the
// parent when the status is a reply.
type StatusCreated struct {
	Author    *storage.Account
	Status    *storage.Status
	Mentions  []*storage.Account
	Tags      []string
	InReplyTo *storage.Status
}

// StatusDeleted: Author deleted Status, which mentioned Mentions. Status
// is the row as it was before deletion (its visibility decides who hears
// of the deletion).
type StatusDeleted struct {
	Author   *storage.Account
	Status   *storage.Status
	Mentions []*storage.Account
}

// Followed: Follower asked to follow Target. RequestID is the stored
// follow request's ID (a follow of a remote account always starts as a
// request, confirmed by the remote server's Accept).
type Followed struct {
	Follower, Target *storage.Account
	RequestID        int64
}

// Unfollowed: Follower stopped following Target, or withdrew a request.
type Unfollowed struct {
	Follower, Target *storage.Account
	// FollowURI is the ActivityPub id of the follow being undone, when known.
	FollowURI string
}

// FollowAccepted: Target accepted Follower (at once, for an unlocked
// account, or by authorising a request).
type FollowAccepted struct {
	Follower, Target *storage.Account
	// FollowURI is the ActivityPub id of the Follow a remote follower
	// sent, when known.
	FollowURI string
}

// FollowRejected: Target refused Follower's request.
type FollowRejected struct {
	Follower, Target *storage.Account
	// FollowURI is the ActivityPub id of the refused Follow, when known.
	FollowURI string
}

// Blocked: Account blocked Target. BlockID is the stored block's ID.
type Blocked struct {
	Account, Target *storage.Account
	BlockID         int64
}

// Unblocked: Account lifted its block of Target.
type Unblocked struct {
	Account, Target *storage.Account
}

// ProfileUpdated: Account's profile changed (display name, note, images,
// locked, fields, its professional profile or its verification); Account
// is the row as it is now. Other servers refetch nothing: the Update
// carries the actor as the public sees it.
type ProfileUpdated struct {
	Account *storage.Account
}

func (StatusCreated) event()  {}
func (StatusDeleted) event()  {}
func (Followed) event()       {}
func (Unfollowed) event()     {}
func (FollowAccepted) event() {}
func (FollowRejected) event() {}
func (Blocked) event()        {}
func (Unblocked) event()      {}
func (ProfileUpdated) event() {}

// Nop is a Publisher that publishes nothing.
type Nop struct{}

// Publish does nothing.
func (Nop) Publish(context.Context, *storage.Store, Event) error { return nil }
