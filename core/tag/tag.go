package tag

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
)

// HistoryDays is how many days Tag.History covers.
const HistoryDays = 7

// MaxTagsPerTimeline caps how many tags one hashtag timeline request may
// name (the tag, any[], all[] and none[] together).
const MaxTagsPerTimeline = 10

// Tag is a hashtag as a viewer sees it.
type Tag struct {
	// ID is 0 for a name no status has used and nobody follows yet.
	ID   int64
	Name string
	// History is one entry per day, newest first.
	History []storage.TagDay
	// Following is whether the viewer follows it (false for anonymous).
	Following bool
}

// Service reads and follows hashtags over a Store.
type Service struct {
	store     *storage.Store
	timelines *timeline.Service
	now       func() time.Time
}

// New returns a Service.
func New(store *storage.Store, timelines *timeline.Service) *Service {
	return &Service{store: store, timelines: timelines, now: time.Now}
}

// Normalize checks a hashtag name (a leading "#" allowed) and returns it
// in the form it is stored: lower case. A name is letters, digits and
// underscores with at least one letter, as core/post recognises them.
func Normalize(name string) (string, bool) {
	name = strings.TrimPrefix(name, "#")
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", false
	}
	letter := false
	for _, r := range name {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case r == '_' || unicode.IsDigit(r):
		default:
			return "", false
		}
	}
	return strings.ToLower(name), letter
}

// Get returns the tag named name as viewer (nil for anonymous) sees it;
// ErrNotFound for a name that cannot be a hashtag.
func (s *Service) Get(ctx context.Context, viewer *storage.Account, name string) (*Tag, error) {
	norm, ok := Normalize(name)
	if !ok {
		return nil, fmt.Errorf("tag: get: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	t, err := s.store.TagByName(ctx, norm)
	if errors.Is(err, storage.ErrNotFound) {
		return &Tag{Name: norm, History: s.emptyHistory()}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tag: get: %w", err)
	}
	return s.load(ctx, viewer, t)
}

// Follow makes viewer follow the tag, creating it when no status has used
// it yet.
func (s *Service) Follow(ctx context.Context, viewer *storage.Account, name string) (*Tag, error) {
	norm, ok := Normalize(name)
	if !ok {
		return nil, fmt.Errorf("tag: follow: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	t, err := s.store.EnsureTag(ctx, norm)
	if err != nil {
		return nil, fmt.Errorf("tag: follow: %w", err)
	}
	if err := s.store.FollowTag(ctx, viewer.ID, t.ID); err != nil {
		return nil, fmt.Errorf("tag: follow: %w", err)
	}
	return s.load(ctx, viewer, t)
}

// Unfollow ends viewer's follow of the tag, if any, and takes out of
// viewer's home the statuses only the tag had brought there.
func (s *Service) Unfollow(ctx context.Context, viewer *storage.Account, name string) (*Tag, error) {
	norm, ok := Normalize(name)
	if !ok {
		return nil, fmt.Errorf("tag: unfollow: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	t, err := s.store.TagByName(ctx, norm)
	if errors.Is(err, storage.ErrNotFound) {
		return &Tag{Name: norm, History: s.emptyHistory()}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tag: unfollow: %w", err)
	}
	if err := s.store.UnfollowTag(ctx, viewer.ID, t.ID); err != nil {
		return nil, fmt.Errorf("tag: unfollow: %w", err)
	}
	return s.load(ctx, viewer, t)
}

// Followed is a followed tag with its follow's ID, the paging cursor.
type Followed struct {
	Cursor int64
	Tag    Tag
}

// Followed pages through the tags viewer follows, most recent first.
func (s *Service) Followed(ctx context.Context, viewer *storage.Account, p storage.Page) ([]Followed, error) {
	edges, err := s.store.FollowedTags(ctx, viewer.ID, p)
	if err != nil {
		return nil, fmt.Errorf("tag: followed: %w", err)
	}
	out := make([]Followed, len(edges))
	for i, e := range edges {
		t, err := s.history(ctx, &e.Tag)
		if err != nil {
			return nil, err
		}
		t.Following = true
		out[i] = Followed{Cursor: e.Cursor, Tag: *t}
	}
	return out, nil
}

// TimelineFilter narrows a hashtag timeline beyond its tag.
type TimelineFilter struct {
	Any, All, None []string
	LocalOnly      bool
	RemoteOnly     bool
	OnlyMedia      bool
}

// Timeline reads a page of the public statuses tagged name (or one of
// f.Any), with every tag of f.All and none of f.None, as viewer sees
// them. Names that cannot be hashtags are ErrInvalid in f, ErrNotFound as
// the timeline's own tag.
func (s *Service) Timeline(ctx context.Context, viewer *storage.Account, name string, f TimelineFilter, p storage.Page) (timeline.Result, error) {
	norm, ok := Normalize(name)
	if !ok {
		return timeline.Result{}, fmt.Errorf("tag: timeline: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	sf := storage.TagFilter{Any: []string{norm}, LocalOnly: f.LocalOnly, RemoteOnly: f.RemoteOnly, OnlyMedia: f.OnlyMedia}
	for _, part := range []struct {
		field string
		in    []string
		out   *[]string
	}{{"any", f.Any, &sf.Any}, {"all", f.All, &sf.All}, {"none", f.None, &sf.None}} {
		for _, n := range part.in {
			v, ok := Normalize(n)
			if !ok {
				return timeline.Result{}, core.Invalid(part.field, "contains an invalid hashtag name")
			}
			*part.out = append(*part.out, v)
		}
	}
	if len(sf.Any)+len(sf.All)+len(sf.None) > MaxTagsPerTimeline {
		return timeline.Result{}, core.Invalid("any", fmt.Sprintf("names too many hashtags (at most %d in all)", MaxTagsPerTimeline))
	}
	return s.timelines.Tagged(ctx, viewer, sf, p)
}

// load adds the history and the viewer's follow to a stored tag.
func (s *Service) load(ctx context.Context, viewer *storage.Account, t *storage.Tag) (*Tag, error) {
	out, err := s.history(ctx, t)
	if err != nil {
		return nil, err
	}
	if viewer != nil {
		if out.Following, err = s.store.FollowsTag(ctx, viewer.ID, t.ID); err != nil {
			return nil, fmt.Errorf("tag: %w", err)
		}
	}
	return out, nil
}

// history builds a Tag with its last HistoryDays days of use, today first.
func (s *Service) history(ctx context.Context, t *storage.Tag) (*Tag, error) {
	days, err := s.store.TagHistory(ctx, t.ID, s.firstDay(), HistoryDays)
	if err != nil {
		return nil, fmt.Errorf("tag: history: %w", err)
	}
	slices.Reverse(days)
	return &Tag{ID: t.ID, Name: t.Name, History: days}, nil
}

// emptyHistory is the history of a tag nobody has used.
func (s *Service) emptyHistory() []storage.TagDay {
	start := s.firstDay()
	out := make([]storage.TagDay, HistoryDays)
	for i := range out {
		out[i] = storage.TagDay{Day: start.AddDate(0, 0, HistoryDays-1-i)}
	}
	return out
}

// firstDay is the UTC midnight HistoryDays-1 days before today's.
func (s *Service) firstDay() time.Time {
	now := s.now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return today.AddDate(0, 0, -(HistoryDays - 1))
}
