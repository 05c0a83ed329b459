package follow

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/storage"
)

// MaxNoteChars caps a private note about an account, as Mastodon does.
const MaxNoteChars = 2000

// MuteOptions are a mute's settings.
type MuteOptions struct {
	// Notifications mutes the account's notifications too (Mastodon's
	// default is true).
	Notifications bool
	// Duration ends the mute after this long; 0 mutes until unmuted.
	Duration time.Duration
}

// Mute makes actor mute the account: its posts (and boosts of them) leave
// actor's home, list, public and hashtag timelines and, with
// Notifications, its notifications leave actor's; its profile and threads
// still show them. Muting again replaces the options.
func (s *Service) Mute(ctx context.Context, actor *storage.Account, id int64, o MuteOptions) (*Relationship, error) {
	if o.Duration < 0 {
		return nil, fmt.Errorf("mute: %w", core.Invalid("duration", "must not be negative"))
	}
	t, err := s.target(ctx, actor, id, "mute")
	if err != nil {
		return nil, fmt.Errorf("mute: %w", err)
	}
	m := &storage.Mute{AccountID: actor.ID, TargetAccountID: t.ID, HideNotifications: o.Notifications}
	if o.Duration > 0 {
		at := time.Now().Add(o.Duration).UTC().Truncate(time.Millisecond)
		m.ExpiresAt = &at
	}
	if err := s.store.UpsertMute(ctx, m); err != nil {
		return nil, fmt.Errorf("mute: %w", err)
	}
	s.log.InfoContext(ctx, "mute", "account_id", actor.ID, "target_id", t.ID)
	return s.Relationship(ctx, actor, t.ID)
}

// Unmute lifts actor's mute of the account, if any.
func (s *Service) Unmute(ctx context.Context, actor *storage.Account, id int64) (*Relationship, error) {
	t, err := s.target(ctx, actor, id, "unmute")
	if err != nil {
		return nil, fmt.Errorf("unmute: %w", err)
	}
	if _, err := s.store.DeleteMute(ctx, actor.ID, t.ID); err != nil {
		return nil, fmt.Errorf("unmute: %w", err)
	}
	return s.Relationship(ctx, actor, t.ID)
}

// Muted is an account of actor's mute list with the mute's expiry (nil:
// until unmuted).
type Muted struct {
	Entry
	ExpiresAt *time.Time
}

// Mutes lists the accounts actor mutes now, newest mute first.
func (s *Service) Mutes(ctx context.Context, actor *storage.Account, p storage.Page) ([]Muted, error) {
	edges, err := s.store.Mutes(ctx, actor.ID, time.Now(), p)
	if err != nil {
		return nil, fmt.Errorf("follow: mutes: %w", err)
	}
	expiry := make(map[int64]*time.Time, len(edges))
	plain := make([]storage.Edge, len(edges))
	for i, e := range edges {
		plain[i], expiry[e.Cursor] = e.Edge, e.ExpiresAt
	}
	entries, err := s.entries(ctx, func() ([]storage.Edge, error) { return plain, nil })
	if err != nil {
		return nil, err
	}
	out := make([]Muted, len(entries))
	for i, e := range entries {
		out[i] = Muted{Entry: e, ExpiresAt: expiry[e.Cursor]}
	}
	return out, nil
}

// SetNote stores actor's private note about the account (an empty one
// removes it). Only actor ever sees it, in Relationship.Note.
func (s *Service) SetNote(ctx context.Context, actor *storage.Account, id int64, comment string) (*Relationship, error) {
	if !utf8.ValidString(comment) {
		return nil, fmt.Errorf("note: %w", core.Invalid("Comment", "is not valid UTF-8"))
	}
	if utf8.RuneCountInString(comment) > MaxNoteChars {
		return nil, fmt.Errorf("note: %w", core.Invalid("Comment", fmt.Sprintf("is too long (maximum is %d characters)", MaxNoteChars)))
	}
	t, err := s.profiles.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("note: %w", err)
	}
	if err := s.store.SetAccountNote(ctx, actor.ID, t.ID, comment); err != nil {
		return nil, fmt.Errorf("note: %w", err)
	}
	return s.Relationship(ctx, actor, t.ID)
}

// RemoveFromFollowers ends the account's follow of actor: actor's posts
// leave the (former) follower's home feed, except those mentioning it, and
// a remote follower's server hears that its follow was rejected.
func (s *Service) RemoveFromFollowers(ctx context.Context, actor *storage.Account, id int64) (*Relationship, error) {
	t, err := s.target(ctx, actor, id, "remove")
	if err != nil {
		return nil, fmt.Errorf("remove from followers: %w", err)
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		f, err := tx.FollowBetween(ctx, t.ID, actor.ID)
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.DeleteFollow(ctx, t.ID, actor.ID); err != nil {
			return err
		}
		if t.Local() {
			if err := tx.RemoveFromHome(ctx, t.ID, actor.ID, true); err != nil {
				return err
			}
		}
		return s.publish(ctx, tx, outbox.FollowRejected{Follower: t.Account, Target: actor, FollowURI: deref(f.URI)})
	})
	if err != nil {
		return nil, fmt.Errorf("remove from followers: %w", err)
	}
	s.log.InfoContext(ctx, "follower removed", "account_id", actor.ID, "target_id", t.ID)
	return s.Relationship(ctx, actor, t.ID)
}

// addMutesAndNotes completes relationships with actor's mutes in force and
// its notes.
func (s *Service) addMutesAndNotes(ctx context.Context, actor *storage.Account, ids []int64, rs []Relationship) error {
	mutes, err := s.store.MutesAmong(ctx, actor.ID, ids, time.Now())
	if err != nil {
		return fmt.Errorf("follow: relationships: %w", err)
	}
	notes, err := s.store.AccountNotes(ctx, actor.ID, ids)
	if err != nil {
		return fmt.Errorf("follow: relationships: %w", err)
	}
	for i := range rs {
		if m, ok := mutes[rs[i].ID]; ok {
			rs[i].Muting, rs[i].MutingNotifications, rs[i].MutingExpiresAt = true, m.HideNotifications, m.ExpiresAt
		}
		rs[i].Note = notes[rs[i].ID]
	}
	return nil
}
