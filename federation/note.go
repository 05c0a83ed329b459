package federation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// noteContext is the @context of notes and activities: ActivityStreams,
// and the extension terms Mastodon reads in them.
func noteContext() []any {
	return []any{
		activityStreamsContext,
		map[string]any{
			"sensitive":   "as:sensitive",
			"Hashtag":     "as:Hashtag",
			"toot":        "http://joinmastodon.org/ns#",
			"votersCount": "toot:votersCount",
		},
	}
}

// noteData is what a Note is made of.
type noteData struct {
	Author   *storage.Account
	Status   *storage.Status
	Mentions []*storage.Account
	Tags     []string
	// InReplyTo is the parent's id, "" for a top-level status.
	InReplyTo string
	// Replies are the ids of the public and unlisted replies, for a
	// served Note; nil when the Note is delivered.
	Replies []string
	// Poll makes the Note a Question (question.go); nil for none.
	Poll *storage.Poll
}

// xsdTime formats a time as ActivityPub servers write it.
func xsdTime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// note renders a local status as a Note, with its addressing.
func (f *Federator) note(n noteData) (doc map[string]any, to, cc []string) {
	urls := LocalActorURLs(f.inst, n.Author)
	st := n.Status
	id := StatusURI(urls.ID, st.ID)
	mentioned := make([]string, 0, len(n.Mentions))
	tags := make([]any, 0, len(n.Mentions)+len(n.Tags))
	for _, m := range n.Mentions {
		uri := f.actorURI(m)
		if uri == "" {
			continue
		}
		mentioned = append(mentioned, uri)
		domain := m.Domain
		if m.Local() {
			domain = f.inst.Domain
		}
		tags = append(tags, map[string]any{"type": "Mention", "href": uri, "name": "@" + m.Username + "@" + domain})
	}
	for _, t := range n.Tags {
		tags = append(tags, map[string]any{"type": "Hashtag", "href": f.inst.BaseURL() + "/tags/" + t, "name": "#" + t})
	}
	to, cc = Address(visibility.Visibility(st.Visibility), urls.Followers, mentioned)
	doc = map[string]any{
		"id":           id,
		"type":         "Note",
		"summary":      nil,
		"inReplyTo":    nil,
		"published":    xsdTime(st.CreatedAt),
		"url":          f.inst.ProfileURL(n.Author.Username) + "/" + strconv.FormatInt(st.ID, 10),
		"attributedTo": urls.ID,
		"to":           to,
		"cc":           cc,
		"sensitive":    st.Sensitive,
		"content":      st.Content,
		"tag":          tags,
		"attachment":   []any{},
	}
	if st.SpoilerText != "" {
		doc["summary"] = st.SpoilerText
	}
	if n.InReplyTo != "" {
		doc["inReplyTo"] = n.InReplyTo
	}
	if st.Language != nil && *st.Language != "" {
		doc["contentMap"] = map[string]string{*st.Language: st.Content}
	}
	if st.EditedAt != nil {
		doc["updated"] = xsdTime(*st.EditedAt)
	}
	if n.Poll != nil {
		addQuestion(doc, n.Poll, f.now())
	}
	if n.Replies != nil {
		items := make([]any, len(n.Replies))
		for i, r := range n.Replies {
			items[i] = r
		}
		doc["replies"] = map[string]any{
			"id":   id + "/replies",
			"type": "Collection",
			"first": map[string]any{
				"type":   "CollectionPage",
				"partOf": id + "/replies",
				"items":  items,
			},
		}
	}
	return doc, to, cc
}

// parentURI returns the id of a status's parent, "" when it has none or
// the parent is gone.
func (f *Federator) parentURI(ctx context.Context, db *storage.Store, st *storage.Status) (string, error) {
	if st.InReplyToID == nil {
		return "", nil
	}
	parent, err := db.StatusRowByID(ctx, *st.InReplyToID)
	if errors.Is(err, storage.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("federation: parent: %w", err)
	}
	if !parent.Local {
		if parent.URI == nil {
			return "", nil
		}
		return *parent.URI, nil
	}
	author, err := db.AccountByID(ctx, parent.AccountID)
	if err != nil {
		return "", fmt.Errorf("federation: parent author: %w", err)
	}
	return StatusURI(LocalActorURLs(f.inst, author).ID, parent.ID), nil
}

// withContext returns doc with the notes' @context first.
func withContext(doc map[string]any) map[string]any {
	doc["@context"] = noteContext()
	return doc
}

// tombstone renders the Tombstone served, with 410, for a deleted status.
func tombstone(id string, deleted *time.Time) map[string]any {
	doc := map[string]any{"@context": activityStreamsContext, "id": id, "type": "Tombstone", "formerType": "Note"}
	if deleted != nil {
		doc["deleted"] = xsdTime(*deleted)
	}
	return doc
}
