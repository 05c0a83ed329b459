package federation

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// Page sizes of served collections.
const (
	outboxPageSize = 20
	followPageSize = 40
	maxReplies     = 40
)

// Document is a rendered ActivityStreams document and its HTTP status.
type Document struct {
	Status int
	Body   []byte
}

// authorize applies authorized fetch: an unsigned GET of an object is
// refused when it is on.
func (f *Federator) authorize(requester *storage.Account) error {
	if f.cfg.AuthorizedFetch && requester == nil {
		return unsigned()
	}
	return nil
}

// author returns the shown local account username names, 404 otherwise.
func (f *Federator) author(ctx context.Context, username string) (*storage.Account, error) {
	a, err := f.accounts.LocalPerson(ctx, username)
	if err != nil {
		return nil, refuse(http.StatusNotFound, err, "Record not found")
	}
	return a, nil
}

// StatusNote renders the local status id of username as a Note for
// requester (nil when unsigned): 404 unless requester may see it (so that
// existence is not revealed), 410 with a Tombstone once it is deleted,
// 401 when authorized fetch is on and the request is unsigned.
func (f *Federator) StatusNote(ctx context.Context, requester *storage.Account, username string, id int64) (*Document, error) {
	if err := f.authorize(requester); err != nil {
		return nil, err
	}
	author, err := f.author(ctx, username)
	if err != nil {
		return nil, err
	}
	row, err := f.store.StatusRowByID(ctx, id)
	if err != nil || row.AccountID != author.ID || !row.Local || row.ReblogOfID != nil {
		return nil, refuse(http.StatusNotFound, err, "Record not found")
	}
	noteID := StatusURI(LocalActorURLs(f.inst, author).ID, id)
	if row.DeletedAt != nil {
		body, err := encode(tombstone(noteID, row.DeletedAt))
		if err != nil {
			return nil, err
		}
		return &Document{Status: http.StatusGone, Body: body}, nil
	}
	st, err := f.timelines.Get(ctx, requester, id)
	if errors.Is(err, core.ErrNotFound) {
		return nil, refuse(http.StatusNotFound, err, "Record not found")
	}
	if err != nil {
		return nil, err
	}
	doc, err := f.noteOf(ctx, author, st, true)
	if err != nil {
		return nil, err
	}
	body, err := encode(withContext(doc))
	if err != nil {
		return nil, err
	}
	return &Document{Status: http.StatusOK, Body: body}, nil
}

// noteOf renders a visible local status, with its public replies when
// withReplies.
func (f *Federator) noteOf(ctx context.Context, author *storage.Account, st *timeline.Status, withReplies bool) (map[string]any, error) {
	parent, err := f.parentURI(ctx, f.store, &st.Status)
	if err != nil {
		return nil, err
	}
	nd := noteData{Author: author, Status: &st.Status, Mentions: st.Mentions, Tags: st.Tags, InReplyTo: parent}
	if st.Poll != nil {
		nd.Poll = st.Poll.Poll
	}
	if withReplies {
		nd.Replies = []string{}
		replies, err := f.store.PublicReplies(ctx, st.ID, maxReplies)
		if err != nil {
			return nil, err
		}
		ids := make([]int64, len(replies))
		for i, r := range replies {
			ids[i] = r.AccountID
		}
		authors, err := f.store.AccountsByIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		for i := range replies {
			if a, ok := authors[replies[i].AccountID]; ok && !a.Suspended() {
				if uri := f.statusURI(&replies[i], a); uri != "" {
					nd.Replies = append(nd.Replies, uri)
				}
			}
		}
	}
	doc, _, _ := f.note(nd)
	return doc, nil
}

// PageParams are the query parameters of a collection request: page
// (any value asks for a page rather than the collection) and max_id.
type PageParams struct {
	Page  bool
	MaxID int64
}

// ParsePageParams reads page and max_id from a query.
func ParsePageParams(q url.Values) PageParams {
	p := PageParams{Page: q.Has("page")}
	if n, err := strconv.ParseInt(q.Get("max_id"), 10, 64); err == nil && n > 0 {
		p.MaxID = n
	}
	return p
}

// pageURL is a collection's page URL.
func pageURL(collection string, maxID int64) string {
	u := collection + "?page=true"
	if maxID > 0 {
		u += "&max_id=" + strconv.FormatInt(maxID, 10)
	}
	return u
}

// collection renders an OrderedCollection whose first page is firstURL.
func collection(id string, total int) map[string]any {
	return map[string]any{
		"@context": activityStreamsContext, "id": id, "type": "OrderedCollection",
		"totalItems": total, "first": pageURL(id, 0),
	}
}

// page renders an OrderedCollectionPage; next is its next page's max_id
// (0 for none).
func page(id string, p PageParams, items []any, next int64) map[string]any {
	doc := map[string]any{
		"@context": noteContext(), "id": pageURL(id, p.MaxID), "type": "OrderedCollectionPage",
		"partOf": id, "orderedItems": items,
	}
	if next > 0 {
		doc["next"] = pageURL(id, next)
	}
	return doc
}

// Outbox renders /users/NAME/outbox for requester: the collection, or a
// page of Create activities of the statuses requester may see (public and
// unlisted ones for strangers; boosts left out), newest first.
func (f *Federator) Outbox(ctx context.Context, requester *storage.Account, username string, p PageParams) (*Document, error) {
	if err := f.authorize(requester); err != nil {
		return nil, err
	}
	author, err := f.author(ctx, username)
	if err != nil {
		return nil, err
	}
	id := LocalActorURLs(f.inst, author).Outbox
	if !p.Page {
		prof, err := f.profiles.Get(ctx, author.ID)
		if err != nil {
			return nil, err
		}
		return render(collection(id, prof.Stats.Statuses))
	}
	res, err := f.timelines.Account(ctx, requester, author.ID, timeline.AccountFilter{ExcludeReblogs: true},
		storage.Page{MaxID: p.MaxID, Limit: outboxPageSize})
	if err != nil {
		return nil, err
	}
	items := make([]any, 0, len(res.Statuses))
	for i := range res.Statuses {
		st := &res.Statuses[i]
		if st.Visibility == string(visibility.Direct) { // never in an outbox, even for a mentioned requester
			continue
		}
		note, err := f.noteOf(ctx, author, st, false)
		if err != nil {
			return nil, err
		}
		items = append(items, map[string]any{
			"id": note["id"].(string) + "/activity", "type": "Create", "actor": note["attributedTo"],
			"published": note["published"], "to": note["to"], "cc": note["cc"], "object": note,
		})
	}
	next := int64(0)
	if len(res.Statuses) == outboxPageSize {
		next = res.Next
	}
	return render(page(id, p, items, next))
}

// Followers renders /users/NAME/followers: the collection or a page of
// follower ids, newest follow first.
func (f *Federator) Followers(ctx context.Context, requester *storage.Account, username string, p PageParams) (*Document, error) {
	return f.follows1(ctx, requester, username, p, true)
}

// Following renders /users/NAME/following likewise.
func (f *Federator) Following(ctx context.Context, requester *storage.Account, username string, p PageParams) (*Document, error) {
	return f.follows1(ctx, requester, username, p, false)
}

func (f *Federator) follows1(ctx context.Context, requester *storage.Account, username string, p PageParams, followers bool) (*Document, error) {
	if err := f.authorize(requester); err != nil {
		return nil, err
	}
	author, err := f.author(ctx, username)
	if err != nil {
		return nil, err
	}
	urls := LocalActorURLs(f.inst, author)
	id, list := urls.Following, f.follows.Following
	if followers {
		id, list = urls.Followers, f.follows.Followers
	}
	if !p.Page {
		prof, err := f.profiles.Get(ctx, author.ID)
		if err != nil {
			return nil, err
		}
		total := prof.Stats.Following
		if followers {
			total = prof.Stats.Followers
		}
		return render(collection(id, total))
	}
	entries, err := list(ctx, author.ID, storage.Page{MaxID: p.MaxID, Limit: followPageSize})
	if err != nil {
		return nil, err
	}
	items := make([]any, 0, len(entries))
	for _, e := range entries {
		if uri := f.actorURI(e.Account.Account); uri != "" {
			items = append(items, uri)
		}
	}
	next := int64(0)
	if len(entries) == followPageSize {
		next = entries[len(entries)-1].Cursor
	}
	return render(page(id, p, items, next))
}

func render(doc map[string]any) (*Document, error) {
	body, err := encode(doc)
	if err != nil {
		return nil, err
	}
	return &Document{Status: http.StatusOK, Body: body}, nil
}
