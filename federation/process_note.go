package federation

import (
	"context"
	"errors"
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/post"
	"github.com/rounds-md/rounds/federation/sanitize"
	"github.com/rounds-md/rounds/storage"
)

// maxThreadFetch is how many unknown ancestors of a received reply are
// fetched, so that threads read whole across servers.
const maxThreadFetch = 3

// Limits on received text.
const (
	maxContentBytes = 64 << 10
	maxSummaryRunes = 500
	maxTagRunes     = 100
)

// noteTypes are the object types stored as statuses.
var noteTypes = map[string]bool{"Note": true, "Question": true, "Article": true, "Page": true}

var (
	languageRe = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`)
	hashtagRe  = regexp.MustCompile(`^[\p{L}\p{N}_]+$`)
)

// applyCreate stores a created status.
func (f *Federator) applyCreate(ctx context.Context, actor *storage.Account, act *Node) error {
	obj := act.FirstObject()
	n := obj.Node
	if n == nil {
		fetched, err := f.fetchObject(ctx, obj.ID)
		if err != nil {
			return err
		}
		n = fetched
	}
	if !noteTypes[n.Type] {
		f.log.DebugContext(ctx, "federation: Create of a type not stored", "type", n.Type, "account_id", actor.ID)
		return nil
	}
	if n.AttributedTo != act.Actor || !sameHost(n.ID, act.Actor) {
		return core.Errorf(core.ErrForbidden, "object not attributed to the actor")
	}
	if len(n.To) == 0 && len(n.Cc) == 0 {
		n.To, n.Cc = act.To, act.Cc
	}
	if vote, err := f.receiveVote(ctx, actor, n); vote {
		return err
	}
	_, err := f.receiveNote(ctx, actor, n, false, 0)
	return err
}

// fetchObject fetches an object by id (signed, as the instance actor) and
// requires the document to be exactly that object.
func (f *Federator) fetchObject(ctx context.Context, id string) (*Node, error) {
	if err := f.checkHost(ctx, hostOf(id)); err != nil {
		return nil, core.Errorf(core.ErrForbidden, "%v", err)
	}
	doc, err := f.client.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if doc.ID != id {
		return nil, core.Errorf(core.ErrForbidden, "fetched %s, got %s", id, doc.ID)
	}
	return DecodeObject(doc.Body)
}

// receiveNote stores a remote note by author (once), with its thread, and
// returns it. Unless force (a parent fetched for a thread), a note that
// concerns nobody here is dropped: its author has no local follower, it
// mentions no local account and answers no known status.
//
// A note already stored is not looked for first: that read cost a
// statement on every new note, and a note arrives again rarely (a Create
// is deduplicated by its activity id on arrival; boosts and replies look
// their note up before fetching it). Storing it again fails on the unique
// URI, in a transaction that writes nothing, and the stored note is
// returned.
func (f *Federator) receiveNote(ctx context.Context, author *storage.Account, n *Node, force bool, depth int) (*storage.Status, error) {
	followers := ""
	if author.FollowersURI != nil {
		followers = *author.FollowersURI
	}
	vis := VisibilityOf(n.To, n.Cc, followers)
	mentions, err := f.mentionsOf(ctx, n, followers)
	if err != nil {
		return nil, err
	}
	parent, err := f.parentOf(ctx, n, depth)
	if err != nil {
		return nil, err
	}
	if !force && parent == nil {
		relevant := false
		for _, m := range mentions {
			relevant = relevant || m.Local()
		}
		if !relevant {
			if relevant, err = f.store.HasLocalFollowers(ctx, author.ID); err != nil {
				return nil, err
			}
		}
		if !relevant {
			f.log.DebugContext(ctx, "federation: status concerning nobody here dropped", "account_id", author.ID)
			return nil, nil
		}
	}
	st := &storage.Status{
		URI:         &n.ID,
		Content:     noteContent(n),
		SpoilerText: clipRunes(sanitize.Text(n.Summary), maxSummaryRunes),
		Visibility:  string(vis),
		CreatedAt:   n.Published,
	}
	st.Sensitive = n.Sensitive || st.SpoilerText != ""
	if absoluteURI(n.URL) && sameHost(n.URL, n.ID) {
		u := n.URL
		st.URL = &u
	}
	if lang := noteLanguage(n); lang != "" {
		st.Language = &lang
	}
	err = f.posts.Receive(ctx, author, post.Received{Status: st, Mentions: mentions, Tags: hashtags(n), InReplyTo: parent, Hooks: f.pollHooks(ctx, n)})
	if errors.Is(err, core.ErrConflict) {
		return f.store.StatusByURI(ctx, n.ID)
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}

// parentOf returns the stored status a note answers, fetching unknown
// ancestors up to maxThreadFetch deep; nil when it answers nothing, or
// nothing that can be found.
func (f *Federator) parentOf(ctx context.Context, n *Node, depth int) (*storage.Status, error) {
	if n.InReplyTo == "" {
		return nil, nil
	}
	if _, id, ok := f.localStatusID(n.InReplyTo); ok {
		st, err := f.store.StatusByID(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, nil
		}
		return st, err
	}
	st, err := f.store.StatusByURI(ctx, n.InReplyTo)
	if err == nil {
		if st.DeletedAt != nil {
			return nil, nil
		}
		return st, nil
	}
	if !errors.Is(err, storage.ErrNotFound) || depth >= maxThreadFetch || f.isLocal(n.InReplyTo) {
		return nil, nil
	}
	pn, err := f.fetchObject(ctx, n.InReplyTo)
	if err != nil || !noteTypes[pn.Type] || !sameHost(pn.AttributedTo, pn.ID) {
		f.log.DebugContext(ctx, "federation: parent not fetched", "err", err)
		return nil, nil
	}
	author, err := f.resolver.Resolve(ctx, pn.AttributedTo)
	if err != nil {
		f.log.DebugContext(ctx, "federation: parent's author not resolved", "err", err)
		return nil, nil
	}
	return f.receiveNote(ctx, author, pn, true, depth+1)
}

// mentionsOf returns the known accounts a note mentions or addresses:
// its Mention tags and its to and cc, apart from Public and the author's
// followers. Local accounts are looked up by username; remote ones only
// when already known.
func (f *Federator) mentionsOf(ctx context.Context, n *Node, followers string) ([]*storage.Account, error) {
	var uris []string
	for _, t := range n.Tags {
		if t.Type == "Mention" && absoluteURI(t.Href) {
			uris = append(uris, t.Href)
		}
	}
	for _, a := range n.Audience() {
		if a != PublicCollection && a != followers && absoluteURI(a) {
			uris = append(uris, a)
		}
	}
	uris = dedupe(uris)
	var names, remote []string
	for _, u := range uris {
		if name, ok := f.localUsername(u); ok {
			names = append(names, strings.ToLower(name))
		} else if !f.isLocal(u) {
			remote = append(remote, u)
		}
	}
	local, err := f.localAccounts(ctx, names)
	if err != nil {
		return nil, err
	}
	known, err := f.store.RemoteAccountsByURIs(ctx, remote)
	if err != nil {
		return nil, err
	}
	var out []*storage.Account
	seen := map[int64]bool{}
	for _, u := range uris {
		var a *storage.Account
		if name, ok := f.localUsername(u); ok {
			a = local[strings.ToLower(name)]
		} else {
			a = known[u]
		}
		if a == nil || seen[a.ID] || a.Suspended() || a.ActorType == storage.ActorApplication {
			continue
		}
		seen[a.ID] = true
		out = append(out, a)
	}
	return out, nil
}

// noteContent is the sanitised HTML of a note; an Article or Page gets its
// title first, as Mastodon shows them.
func noteContent(n *Node) string {
	content := n.HTMLContent()
	if len(content) > maxContentBytes {
		content = content[:maxContentBytes]
	}
	content = sanitize.HTML(content)
	if (n.Type == "Article" || n.Type == "Page") && n.Name != "" {
		content = "<p><strong>" + html.EscapeString(clipRunes(sanitize.Text(n.Name), maxSummaryRunes)) + "</strong></p>" + content
	}
	return content
}

// noteLanguage is the language of a note's single contentMap entry.
func noteLanguage(n *Node) string {
	if len(n.ContentMap) != 1 {
		return ""
	}
	for lang := range n.ContentMap {
		lang = strings.ToLower(lang)
		if languageRe.MatchString(lang) {
			return lang
		}
	}
	return ""
}

// hashtags returns a note's Hashtag tags, normalised as local ones are.
func hashtags(n *Node) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range n.Tags {
		if t.Type != "Hashtag" {
			continue
		}
		name := strings.ToLower(strings.TrimPrefix(t.Name, "#"))
		if !hashtagRe.MatchString(name) || utf8.RuneCountInString(name) > maxTagRunes || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	return out
}

// applyUpdate refreshes an actor that updated itself, or edits a status.
func (f *Federator) applyUpdate(ctx context.Context, actor *storage.Account, act *Node) error {
	obj := act.FirstObject()
	if obj.ID == act.Actor {
		if _, err := f.resolver.Refresh(ctx, act.Actor); err != nil {
			return fmt.Errorf("refresh actor: %w", err)
		}
		return nil
	}
	n := obj.Node
	if n == nil || !noteTypes[n.Type] {
		return nil
	}
	st, err := f.store.StatusByURI(ctx, n.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	edit := storage.StatusEdit{
		Content:     noteContent(n),
		SpoilerText: clipRunes(sanitize.Text(n.Summary), maxSummaryRunes),
		EditedAt:    n.Updated,
	}
	edit.Sensitive = n.Sensitive || edit.SpoilerText != ""
	if lang := noteLanguage(n); lang != "" {
		edit.Language = &lang
	}
	if err := f.refreshPoll(ctx, actor, st, n); err != nil {
		return err
	}
	if sameText(st, edit) {
		return nil // a poll's new tallies, or a repeat: not an edit
	}
	return f.posts.EditRemote(ctx, actor, st.ID, edit)
}

// clipRunes cuts s to at most n runes.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
