package mastodon

import (
	"strconv"

	"github.com/rounds-md/rounds/core/filter"
	"github.com/rounds-md/rounds/core/tag"
	"github.com/rounds-md/rounds/storage"
)

// List is the List entity (docs entities/List).
type List struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	RepliesPolicy string `json:"replies_policy"`
	Exclusive     bool   `json:"exclusive"`
}

func newList(l storage.List) List {
	return List{ID: strconv.FormatInt(l.ID, 10), Title: l.Title, RepliesPolicy: l.RepliesPolicy, Exclusive: l.Exclusive}
}

func newLists(ls []storage.List) []List {
	out := make([]List, len(ls))
	for i, l := range ls {
		out[i] = newList(l)
	}
	return out
}

// Hashtag is the full Tag entity (docs entities/Tag), as the tags
// endpoints return it; Status.tags[] carry the short Tag.
type Hashtag struct {
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	URL     string       `json:"url"`
	History []TagHistory `json:"history"`
	// Following and Featuring are sent to signed-in viewers only.
	Following *bool `json:"following,omitempty"`
	Featuring *bool `json:"featuring,omitempty"`
}

// TagHistory is Tag.history[]: a day's use, every field a string.
type TagHistory struct {
	Day      string `json:"day"`
	Uses     string `json:"uses"`
	Accounts string `json:"accounts"`
}

// hashtag renders a tag; signedIn adds the viewer's flags. A tag no status
// has used has the ID "" (as in Mastodon, which has no row for it yet).
func (h *Handler) hashtag(t tag.Tag, signedIn bool) Hashtag {
	out := Hashtag{Name: t.Name, URL: h.Instance.BaseURL() + "/tags/" + t.Name, History: make([]TagHistory, len(t.History))}
	if t.ID != 0 {
		out.ID = strconv.FormatInt(t.ID, 10)
	}
	for i, d := range t.History {
		out.History[i] = TagHistory{Day: strconv.FormatInt(d.Day.Unix(), 10), Uses: strconv.Itoa(d.Uses), Accounts: strconv.Itoa(d.Accounts)}
	}
	if signedIn {
		following, featuring := t.Following, false
		out.Following, out.Featuring = &following, &featuring
	}
	return out
}

// Filter is the Filter entity (docs entities/Filter). Keywords and
// statuses are sent by the filters endpoints, not inside FilterResult.
type Filter struct {
	ID           string           `json:"id"`
	Title        string           `json:"title"`
	Context      []string         `json:"context"`
	ExpiresAt    *Time            `json:"expires_at"`
	FilterAction string           `json:"filter_action"`
	Keywords     *[]FilterKeyword `json:"keywords,omitempty"`
	Statuses     *[]FilterStatus  `json:"statuses,omitempty"`
}

// FilterKeyword is the FilterKeyword entity.
type FilterKeyword struct {
	ID        string `json:"id"`
	Keyword   string `json:"keyword"`
	WholeWord bool   `json:"whole_word"`
}

// FilterStatus is the FilterStatus entity.
type FilterStatus struct {
	ID       string `json:"id"`
	StatusID string `json:"status_id"`
}

// FilterResult is the FilterResult entity, Status.filtered[].
type FilterResult struct {
	Filter         Filter   `json:"filter"`
	KeywordMatches []string `json:"keyword_matches"`
	StatusMatches  []string `json:"status_matches"`
}

// V1Filter is the deprecated V1::Filter entity: one keyword of a filter.
type V1Filter struct {
	ID           string   `json:"id"`
	Phrase       string   `json:"phrase"`
	Context      []string `json:"context"`
	ExpiresAt    *Time    `json:"expires_at"`
	Irreversible bool     `json:"irreversible"`
	WholeWord    bool     `json:"whole_word"`
}

func newFilter(f storage.Filter) Filter {
	return Filter{
		ID: strconv.FormatInt(f.ID, 10), Title: f.Title, Context: f.Contexts(),
		ExpiresAt: timePtr(f.ExpiresAt), FilterAction: f.Action,
	}
}

// newFilterSet renders a filter with its keywords and statuses (always
// as lists, empty or not).
func newFilterSet(s storage.FilterSet) Filter {
	out := newFilter(s.Filter)
	kws := make([]FilterKeyword, len(s.Keywords))
	for i, k := range s.Keywords {
		kws[i] = newFilterKeyword(k)
	}
	sts := make([]FilterStatus, len(s.Statuses))
	for i, st := range s.Statuses {
		sts[i] = newFilterStatus(st)
	}
	out.Keywords, out.Statuses = &kws, &sts
	return out
}

func newFilterKeyword(k storage.FilterKeyword) FilterKeyword {
	return FilterKeyword{ID: strconv.FormatInt(k.ID, 10), Keyword: k.Keyword, WholeWord: k.WholeWord}
}

func newFilterStatus(s storage.FilterStatus) FilterStatus {
	return FilterStatus{ID: strconv.FormatInt(s.ID, 10), StatusID: strconv.FormatInt(s.StatusID, 10)}
}

func newV1Filter(v filter.V1) V1Filter {
	return V1Filter{
		ID: strconv.FormatInt(v.Keyword.ID, 10), Phrase: v.Keyword.Keyword, Context: v.Filter.Contexts(),
		ExpiresAt: timePtr(v.Filter.ExpiresAt), Irreversible: filter.Action(v.Filter.Action) == filter.Hide,
		WholeWord: v.Keyword.WholeWord,
	}
}

// filterResults renders Status.filtered: every active filter of the
// viewer the status matches.
func filterResults(rs []filter.Result) []FilterResult {
	out := make([]FilterResult, len(rs))
	for i, r := range rs {
		fr := FilterResult{Filter: newFilter(r.Filter), KeywordMatches: r.KeywordMatches}
		for _, id := range r.StatusMatches {
			fr.StatusMatches = append(fr.StatusMatches, strconv.FormatInt(id, 10))
		}
		out[i] = fr
	}
	return out
}

// Marker is the Marker entity.
type Marker struct {
	LastReadID string `json:"last_read_id"`
	Version    int    `json:"version"`
	UpdatedAt  Time   `json:"updated_at"`
}

func newMarkers(ms map[string]storage.Marker) map[string]Marker {
	out := make(map[string]Marker, len(ms))
	for k, m := range ms {
		out[k] = Marker{LastReadID: strconv.FormatInt(m.LastReadID, 10), Version: m.Version, UpdatedAt: Time(m.UpdatedAt)}
	}
	return out
}

// Activity is one week of GET /api/v1/instance/activity, every field a
// string.
type Activity struct {
	Week          string `json:"week"`
	Statuses      string `json:"statuses"`
	Logins        string `json:"logins"`
	Registrations string `json:"registrations"`
}
