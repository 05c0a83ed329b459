package credential

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/storage"
)

// Directory paging limits (Mastodon's for GET /api/v1/directory).
const (
	DefaultDirectoryLimit = 40
	MaxDirectoryLimit     = 80
	// directoryBatch is how many candidates are read at a time while
	// looking for entries the viewer may see.
	directoryBatch = 200
)

// DirectoryQuery is a directory search. Filters on profile fields match
// only where the viewer may see the field: a radiologist whose specialty
// is for followers is found by specialty only by followers.
type DirectoryQuery struct {
	Specialty      string
	Subspecialty   string
	Institution    string // a substring, without case
	Stage          string
	GraduationYear int
	// Text is a substring of the username, display name or a shown
	// institution, department, training program or interest.
	Text string
	// LocalOnly keeps this instance's accounts; otherwise remote
	// accounts this instance knows are listed too.
	LocalOnly bool
	// Professional keeps only accounts with a professional profile (the
	// Rounds directory); Mastodon's directory lists every discoverable
	// account.
	Professional bool
	// Order is "active" (latest status first) or "new" (default).
	Order  string
	Offset int
	Limit  int
}

// Entry is one directory answer: the account and what the viewer may
// see of its professional profile.
type Entry struct {
	Account *storage.Account
	Shown   Shown
}

// check validates and normalises the query.
func (q *DirectoryQuery) check(vocab *Vocabulary) error {
	q.Specialty = strings.ToLower(strings.TrimSpace(q.Specialty))
	q.Subspecialty = strings.ToLower(strings.TrimSpace(q.Subspecialty))
	q.Stage = strings.ToLower(strings.TrimSpace(q.Stage))
	q.Institution, q.Text = strings.TrimSpace(q.Institution), strings.TrimSpace(q.Text)
	if q.Specialty != "" {
		if _, ok := vocab.Specialty(q.Specialty); !ok {
			return core.Invalid("specialty", "is not a known specialty")
		}
	}
	if q.Subspecialty != "" {
		found := false
		for _, sp := range vocab.Specialties() {
			if (q.Specialty == "" || sp.Code == q.Specialty) && known(sp.Subspecialties, q.Subspecialty) {
				found = true
			}
		}
		if !found {
			return core.Invalid("subspecialty", "is not a known subspecialty")
		}
	}
	if q.Stage != "" && !known(Stages, q.Stage) {
		return core.Invalid("stage", "must be one of "+codes(Stages))
	}
	if q.GraduationYear != 0 && (q.GraduationYear < MinGradYear || q.GraduationYear > MaxGradYear) {
		return core.Invalid("graduation_year", fmt.Sprintf("must be between %d and %d", MinGradYear, MaxGradYear))
	}
	for _, t := range []struct{ name, v string }{{"institution", q.Institution}, {"q", q.Text}} {
		if err := checkText(t.name, t.v, MaxTextRunes); err != nil {
			return err
		}
	}
	switch q.Order {
	case "", "new":
		q.Order = "new"
	case "active":
	default:
		return core.Invalid("order", "must be active or new")
	}
	if q.Offset < 0 {
		return core.Invalid("offset", "must not be negative")
	}
	if q.Limit <= 0 {
		q.Limit = DefaultDirectoryLimit
	}
	q.Limit = min(q.Limit, MaxDirectoryLimit)
	return nil
}

// Directory lists the discoverable accounts matching q that viewer (nil
// for anonymous) may find: the filters match only fields the viewer may
// see, accounts across a block are left out, and each entry carries the
// profile as the viewer may see it.
func (s *Service) Directory(ctx context.Context, viewer *storage.Account, admin bool, q DirectoryQuery) ([]Entry, error) {
	if err := q.check(s.vocab); err != nil {
		return nil, fmt.Errorf("credential: directory: %w", err)
	}
	sq := storage.DirectoryQuery{
		LocalOnly: q.LocalOnly, WithProfile: q.Professional,
		Specialty: q.Specialty, Subspecialty: q.Subspecialty, Institution: q.Institution,
		Stage: q.Stage, GraduationYear: q.GraduationYear, Text: q.Text, Order: q.Order, Limit: directoryBatch,
	}
	skip := q.Offset
	var out []Entry
	for {
		accts, _, err := s.store.DirectoryCandidates(ctx, sq)
		if err != nil {
			return nil, fmt.Errorf("credential: directory: %w", err)
		}
		ptrs := make([]*storage.Account, len(accts))
		ids := make([]int64, len(accts))
		for i := range accts {
			ptrs[i], ids[i] = &accts[i], accts[i].ID
		}
		cards, err := s.Cards(ctx, ptrs)
		if err != nil {
			return nil, err
		}
		v, err := s.Viewer(ctx, viewer, admin, ids)
		if err != nil {
			return nil, err
		}
		for _, a := range ptrs {
			if v.ties.BlockedBy[a.ID] || v.ties.Blocking[a.ID] {
				continue
			}
			shown := Show(cards[a.ID], v)
			if !q.matches(a, shown) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, Entry{Account: a, Shown: shown})
			if len(out) == q.Limit {
				return out, nil
			}
		}
		if len(accts) < directoryBatch {
			return out, nil
		}
		sq.AfterOffset += directoryBatch
	}
}

// matches checks the filters against what the viewer may see.
func (q *DirectoryQuery) matches(a *storage.Account, s Shown) bool {
	p := s.Profile
	contains := func(hay, needle string) bool { return strings.Contains(strings.ToLower(hay), strings.ToLower(needle)) }
	switch {
	case q.Professional && len(s.Visible) == 0 && s.Verification == nil:
		return false
	case q.Specialty != "" && p.Specialty != q.Specialty:
		return false
	case q.Subspecialty != "" && !slices.Contains(p.Subspecialties, q.Subspecialty):
		return false
	case q.Institution != "" && !contains(p.Institution, q.Institution):
		return false
	case q.Stage != "" && p.Stage != q.Stage:
		return false
	case q.GraduationYear != 0 && p.GraduationYear != q.GraduationYear:
		return false
	}
	if q.Text == "" {
		return true
	}
	for _, hay := range append([]string{a.Username, a.DisplayName, p.Institution, p.Department, p.TrainingProgram}, p.Interests...) {
		if contains(hay, q.Text) {
			return true
		}
	}
	return false
}
