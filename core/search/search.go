package search

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/tag"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
)

// The types a search may be narrowed to.
const (
	Accounts = "accounts"
	Hashtags = "hashtags"
	Statuses = "statuses"
)

// URIResolver finds a remote account by its actor or profile URL on its
// server, storing it. federation implements it once it dereferences
// actors by URL for the client API; until then remote URLs find only
// accounts already known.
type URIResolver interface {
	ResolveURI(ctx context.Context, uri string) (*storage.Account, error)
}

// Query is a search as a client asks it.
type Query struct {
	Q string
	// Type narrows the search to Accounts, Hashtags or Statuses; "" is
	// all three, anything else finds nothing (as on Mastodon).
	Type string
	// Resolve asks remote servers about addresses and URLs not known yet.
	Resolve bool
	// Following keeps accounts the viewer follows.
	Following bool
	// AccountID keeps statuses by this account.
	AccountID int64
	// Page bounds statuses by ID (MaxID, MinID) and caps every list
	// (Limit); Offset skips results, for signed-in viewers only.
	Page   storage.Page
	Offset int
}

// Results are what a search found; every list is non-nil.
type Results struct {
	Accounts []profile.Account
	Statuses []timeline.Status
	Hashtags []tag.Tag
}

// Service searches over a Store.
type Service struct {
	store     *storage.Store
	profiles  *profile.Service
	timelines *timeline.Service
	tags      *tag.Service
	uris      URIResolver
}

// New returns a Service. Addresses resolve through profiles' resolver
// (profile.Service.WithResolver); uris may be nil.
func New(store *storage.Store, profiles *profile.Service, timelines *timeline.Service, tags *tag.Service, uris URIResolver) *Service {
	return &Service{store: store, profiles: profiles, timelines: timelines, tags: tags, uris: uris}
}

// WithURIs makes s find remote accounts by URL through uris. Call it once
// while wiring, before s is used.
func (s *Service) WithURIs(uris URIResolver) *Service {
	s.uris = uris
	return s
}

// acctRe matches an address: user@domain, with an optional leading "@"
// and an optional port.
var acctRe = regexp.MustCompile(`^@?[\p{L}\p{N}_.\-]+@[A-Za-z0-9.\-]+(:[0-9]+)?$`)

// Search runs q for viewer (nil for anonymous).
func (s *Service) Search(ctx context.Context, viewer *storage.Account, q Query) (Results, error) {
	res := Results{Accounts: []profile.Account{}, Statuses: []timeline.Status{}, Hashtags: []tag.Tag{}}
	text := strings.TrimSpace(q.Q)
	if text == "" {
		return res, fmt.Errorf("search: %w", core.Invalid("q", "can't be blank"))
	}
	if viewer == nil && q.Resolve {
		return res, fmt.Errorf("search: %w", core.Errorf(core.ErrUnauthorized, "Search queries that resolve remote resources are not supported without authentication"))
	}
	if viewer == nil && q.Offset > 0 {
		return res, fmt.Errorf("search: %w", core.Errorf(core.ErrUnauthorized, "Search queries pagination is not supported without authentication"))
	}
	all := q.Type == ""
	var err error
	if isURL(text) {
		if all || q.Type == Accounts {
			if res.Accounts, err = s.accountByURL(ctx, viewer, text, q); err != nil {
				return res, err
			}
		}
		if (all || q.Type == Statuses) && viewer != nil {
			if res.Statuses, err = s.statusByURL(ctx, viewer, text); err != nil {
				return res, err
			}
		}
		return res, nil
	}
	hashtagQuery := strings.HasPrefix(text, "#")
	if (all || q.Type == Accounts) && !hashtagQuery {
		if res.Accounts, err = s.accounts(ctx, viewer, text, q); err != nil {
			return res, err
		}
	}
	if (all || q.Type == Statuses) && viewer != nil && (strings.Contains(text, " ") || !(hashtagQuery || strings.Contains(text, "@"))) {
		if res.Statuses, err = s.statuses(ctx, viewer, text, q); err != nil {
			return res, err
		}
	}
	if (all || q.Type == Hashtags) && !strings.Contains(text, "@") {
		if res.Hashtags, err = s.hashtags(ctx, viewer, text, q); err != nil {
			return res, err
		}
	}
	return res, nil
}

// SearchAccounts runs an account search (GET /api/v1/accounts/search).
func (s *Service) SearchAccounts(ctx context.Context, viewer *storage.Account, q Query) ([]profile.Account, error) {
	q.Type = Accounts
	res, err := s.Search(ctx, viewer, q)
	return res.Accounts, err
}

func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

func viewerID(v *storage.Account) int64 {
	if v == nil {
		return 0
	}
	return v.ID
}

// accounts searches by address or by prefix.
func (s *Service) accounts(ctx context.Context, viewer *storage.Account, text string, q Query) ([]profile.Account, error) {
	if acctRe.MatchString(text) {
		var a *profile.Account
		var err error
		if q.Resolve {
			a, err = s.profiles.Resolve(ctx, text)
		} else {
			a, err = s.profiles.Lookup(ctx, text)
		}
		if errors.Is(err, core.ErrNotFound) {
			return []profile.Account{}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("search: accounts: %w", err)
		}
		return s.keep(ctx, viewer, []profile.Account{*a}, q)
	}
	term := strings.ToLower(strings.TrimPrefix(text, "@"))
	if term == "" {
		return []profile.Account{}, nil
	}
	f := storage.AccountSearch{Term: term, Viewer: viewerID(viewer), Limit: q.Page.Limit, Offset: q.Offset}
	if q.Following && viewer != nil {
		f.FollowedBy = viewer.ID
	}
	rows, err := s.store.SearchAccounts(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("search: accounts: %w", err)
	}
	accts := make([]*storage.Account, len(rows))
	for i := range rows {
		accts[i] = &rows[i]
	}
	loaded, err := s.profiles.Load(ctx, accts)
	if err != nil {
		return nil, fmt.Errorf("search: accounts: %w", err)
	}
	return loaded, nil
}

// keep applies to accounts found by address or URL what the prefix search
// applies in its query: not blocking the viewer, and followed by it when
// asked.
func (s *Service) keep(ctx context.Context, viewer *storage.Account, accts []profile.Account, q Query) ([]profile.Account, error) {
	if viewer == nil || len(accts) == 0 {
		return accts, nil
	}
	ids := make([]int64, len(accts))
	for i, a := range accts {
		ids[i] = a.ID
	}
	ties, err := s.store.TiesOf(ctx, viewer.ID, ids)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := make([]profile.Account, 0, len(accts))
	for _, a := range accts {
		if ties.BlockedBy[a.ID] || (q.Following && !ties.Following[a.ID]) {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// accountByURL finds the account a URL names: this instance's profile or
// actor URL, a remote account already known by its actor URI or profile
// URL, or (with Resolve and a URIResolver) one its server describes.
func (s *Service) accountByURL(ctx context.Context, viewer *storage.Account, raw string, q Query) ([]profile.Account, error) {
	none := []profile.Account{}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return none, nil
	}
	if s.profiles.IsLocalDomain(u.Host) {
		name, ok := localUsername(u.Path)
		if !ok {
			return none, nil
		}
		a, err := s.profiles.Lookup(ctx, name)
		if errors.Is(err, core.ErrNotFound) {
			return none, nil
		}
		if err != nil {
			return nil, fmt.Errorf("search: url: %w", err)
		}
		return s.keep(ctx, viewer, []profile.Account{*a}, q)
	}
	known, err := s.store.RemoteAccountByURI(ctx, raw)
	if errors.Is(err, storage.ErrNotFound) && q.Resolve && s.uris != nil {
		known, err = s.uris.ResolveURI(ctx, raw)
		if err != nil {
			return none, nil // unreachable or not an actor: nothing found
		}
	}
	if errors.Is(err, storage.ErrNotFound) {
		return none, nil
	}
	if err != nil {
		return nil, fmt.Errorf("search: url: %w", err)
	}
	a, err := s.profiles.Get(ctx, known.ID)
	if errors.Is(err, core.ErrNotFound) {
		return none, nil
	}
	if err != nil {
		return nil, fmt.Errorf("search: url: %w", err)
	}
	return s.keep(ctx, viewer, []profile.Account{*a}, q)
}

// localUsername reads the username from a local profile URL (/@name) or
// actor URL (/users/name).
func localUsername(path string) (string, bool) {
	path = strings.TrimSuffix(path, "/")
	switch {
	case strings.HasPrefix(path, "/@") && !strings.Contains(path[2:], "/"):
		return path[2:], path != "/@"
	case strings.HasPrefix(path, "/users/") && !strings.Contains(path[7:], "/"):
		return path[7:], path != "/users/"
	}
	return "", false
}

// statusByURL finds a local status by its URL (/@name/ID or
// /users/name/statuses/ID) if viewer may see it. Remote status URLs find
// nothing until federation can fetch statuses for the client API.
func (s *Service) statusByURL(ctx context.Context, viewer *storage.Account, raw string) ([]timeline.Status, error) {
	none := []timeline.Status{}
	u, err := url.Parse(raw)
	if err != nil || !s.profiles.IsLocalDomain(u.Host) {
		return none, nil
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	var idText string
	switch {
	case len(parts) == 2 && strings.HasPrefix(parts[0], "@"):
		idText = parts[1]
	case len(parts) == 4 && parts[0] == "users" && parts[2] == "statuses":
		idText = parts[3]
	default:
		return none, nil
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return none, nil
	}
	st, err := s.timelines.Get(ctx, viewer, id)
	if errors.Is(err, core.ErrNotFound) {
		return none, nil
	}
	if err != nil {
		return nil, fmt.Errorf("search: url: %w", err)
	}
	return []timeline.Status{*st}, nil
}

// statuses runs the full-text search: candidates from the store, each
// passed through visibility.MaySee (timeline.Visible).
func (s *Service) statuses(ctx context.Context, viewer *storage.Account, text string, q Query) ([]timeline.Status, error) {
	rows, err := s.store.SearchStatuses(ctx, storage.StatusSearch{
		Term: strings.ToLower(text), Viewer: viewer.ID, AccountID: q.AccountID,
		Page: storage.Page{MaxID: q.Page.MaxID, MinID: q.Page.MinID, Limit: q.Page.Limit}, Offset: q.Offset,
	})
	if err != nil {
		return nil, fmt.Errorf("search: statuses: %w", err)
	}
	sts, err := s.timelines.Visible(ctx, viewer, rows)
	if err != nil {
		return nil, fmt.Errorf("search: statuses: %w", err)
	}
	return sts, nil
}

// hashtags searches tag names by prefix; a query that cannot begin a
// hashtag finds none.
func (s *Service) hashtags(ctx context.Context, viewer *storage.Account, text string, q Query) ([]tag.Tag, error) {
	term := strings.ToLower(strings.TrimPrefix(text, "#"))
	if term == "" {
		return []tag.Tag{}, nil
	}
	for _, r := range term {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			return []tag.Tag{}, nil
		}
	}
	rows, err := s.store.SearchTags(ctx, term, viewerID(viewer), q.Page.Limit, q.Offset)
	if err != nil {
		return nil, fmt.Errorf("search: hashtags: %w", err)
	}
	out := make([]tag.Tag, 0, len(rows))
	for _, r := range rows {
		t, err := s.tags.Get(ctx, viewer, r.Name)
		if err != nil {
			return nil, fmt.Errorf("search: hashtags: %w", err)
		}
		out = append(out, *t)
	}
	return out, nil
}
