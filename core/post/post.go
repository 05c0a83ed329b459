package post

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/conversation"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/media"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// IdempotencyWindow is how long an Idempotency-Key returns the status it
// first created, as in Mastodon.
const IdempotencyWindow = time.Hour

// Service writes and deletes statuses over a Store.
type Service struct {
	store     *storage.Store
	inst      instance.Config
	profiles  *profile.Service
	timelines *timeline.Service
	log       *slog.Logger
	// pub hears of created and deleted statuses (WithPublisher).
	pub outbox.Publisher
	// media checks attachments and removes their files (WithMedia).
	media *media.Service
}

// New returns a Service.
func New(store *storage.Store, inst instance.Config, profiles *profile.Service, timelines *timeline.Service, log *slog.Logger) *Service {
	return &Service{store: store, inst: inst, profiles: profiles, timelines: timelines, log: log}
}

// Draft is a status as a client submits it.
type Draft struct {
	Text        string
	SpoilerText string
	// Sensitive is nil when the client did not say; the author's default
	// applies (and a content warning always makes a status sensitive).
	Sensitive *bool
	// Visibility is "" for the author's default (public when unset).
	Visibility string
	// Language is an ISO 639 code, "" for the author's default.
	Language    string
	InReplyToID int64
	// MediaIDs are the author's processed, unattached uploads to attach,
	// in order, at most media.MaxPerStatus. With media, Text may be blank.
	MediaIDs []string
	// IdempotencyKey, when set, makes a repeat within IdempotencyWindow
	// return the first status instead of a new one.
	IdempotencyKey string
	// ApplicationID is the OAuth app that posted, if any.
	ApplicationID *int64
	// Hooks run in the status's transaction once it is stored (hook.go).
	Hooks []Hook
}

var languageRe = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`)

// Create writes a status by a local author and returns it as the author
// sees it.
func (s *Service) Create(ctx context.Context, author *storage.Account, d Draft) (*timeline.Status, error) {
	keyHash := IdempotencyHash(d.IdempotencyKey)
	if keyHash != "" {
		if st, err := s.idempotent(ctx, author, keyHash); err != nil || st != nil {
			return st, err
		}
	}
	st, mentions, tags, err := s.build(ctx, author, d)
	if err != nil {
		return nil, fmt.Errorf("post: create: %w", err)
	}
	attachments, err := s.attachments(ctx, author, d.MediaIDs)
	if err != nil {
		return nil, fmt.Errorf("post: create: %w", err)
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if err := s.insert(ctx, tx, author, st, mentions, tags); err != nil {
			return err
		}
		if err := attach(ctx, tx, author, st, attachments); err != nil {
			return err
		}
		for _, h := range d.Hooks {
			if err := h(ctx, tx, st); err != nil {
				return err
			}
		}
		if err := s.publish(ctx, tx, outbox.StatusCreated{Author: author, Status: st, Mentions: mentions, Tags: tags}); err != nil {
			return err
		}
		if keyHash != "" {
			return tx.SaveIdempotencyKey(ctx, author.ID, keyHash, st.ID, time.Now().Add(-IdempotencyWindow))
		}
		return nil
	})
	if err != nil {
		if keyHash != "" && errors.Is(err, storage.ErrConflict) {
			// Another request with the same key won the race.
			if st, err := s.idempotent(ctx, author, keyHash); err != nil || st != nil {
				return st, err
			}
		}
		return nil, fmt.Errorf("post: create: %w", err)
	}
	s.log.InfoContext(ctx, "status created", "status_id", st.ID, "account_id", author.ID, "visibility", st.Visibility)
	if st.InReplyToID == nil && len(attachments) == 0 && len(d.Hooks) == 0 {
		// The common case answers from what was just written, without
		// reading it back (timeline.Written).
		return s.timelines.Written(ctx, author, *st, mentions, tags)
	}
	return s.timelines.Get(ctx, author, st.ID)
}

// IdempotencyHash is how an Idempotency-Key is stored: its SHA-256 sum in
// hex; "" for no key.
func IdempotencyHash(key string) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// idempotent returns the status made earlier with the same key, or nil.
func (s *Service) idempotent(ctx context.Context, author *storage.Account, keyHash string) (*timeline.Status, error) {
	id, err := s.store.IdempotentStatusID(ctx, author.ID, keyHash, time.Now().Add(-IdempotencyWindow))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("post: idempotency: %w", err)
	}
	st, err := s.timelines.Get(ctx, author, id)
	if errors.Is(err, core.ErrNotFound) {
		return nil, nil // deleted since: post anew
	}
	return st, err
}

// build validates a draft and turns it into a status row.
func (s *Service) build(ctx context.Context, author *storage.Account, d Draft) (*storage.Status, []*storage.Account, []string, error) {
	text := strings.TrimSpace(d.Text)
	if err := checkText(text, d.SpoilerText, len(d.MediaIDs) > 0); err != nil {
		return nil, nil, nil, err
	}
	prefs, err := s.store.PreferencesOf(ctx, author.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	vis := d.Visibility
	if vis == "" {
		vis = prefs.DefaultVisibility
	}
	if _, ok := visibility.Parse(vis); !ok {
		return nil, nil, nil, core.Invalid("Visibility", "must be public, unlisted, private or direct")
	}
	lang := d.Language
	if lang == "" && prefs.DefaultLanguage != nil {
		lang = *prefs.DefaultLanguage
	}
	if lang != "" && !languageRe.MatchString(lang) {
		return nil, nil, nil, core.Invalid("Language", "is not a valid language code")
	}
	sensitive := prefs.DefaultSensitive
	if d.Sensitive != nil {
		sensitive = *d.Sensitive
	}
	spoiler := strings.TrimSpace(d.SpoilerText)
	if spoiler != "" {
		sensitive = true
	}
	st := &storage.Status{
		ID: s.store.NewID(), AccountID: author.ID, Local: true, Text: text, SpoilerText: spoiler,
		Sensitive: sensitive, Visibility: vis, ApplicationID: d.ApplicationID,
	}
	if lang != "" {
		st.Language = &lang
	}
	if d.InReplyToID != 0 {
		parent, err := s.timelines.Get(ctx, author, d.InReplyToID)
		if err != nil {
			return nil, nil, nil, err // not found, or not in its audience: 404
		}
		st.InReplyToID = &parent.ID
		st.InReplyToAccountID = &parent.AccountID
		st.ConversationID = parent.ConversationID
	}
	f := Format(text, s.resolver(ctx), Linker{Profile: s.ProfileURL, Tag: s.TagURL})
	st.Content = f.HTML
	return st, f.Mentions, f.Tags, nil
}

// maxMentionLookups caps how many remote accounts not known yet one
// status (or edit) may make this instance look up on their servers.
const maxMentionLookups = 10

// resolver finds mentioned accounts: local ones by username (with or
// without this instance's domain), remote ones already known, and remote
// ones not known yet through their server (WebFinger, then the actor,
// when the profile service has a resolver), up to maxMentionLookups.
func (s *Service) resolver(ctx context.Context) Resolver {
	lookups := 0
	return func(username, domain string) *storage.Account {
		if s.profiles.IsLocalDomain(domain) {
			domain = ""
		}
		a, err := s.store.AccountByUsername(ctx, username, domain)
		if err == nil {
			if !profile.Shown(a) {
				return nil
			}
			return a
		}
		if domain == "" || !errors.Is(err, storage.ErrNotFound) || lookups >= maxMentionLookups {
			return nil
		}
		lookups++
		p, err := s.profiles.Resolve(ctx, username+"@"+domain)
		if err != nil {
			s.log.DebugContext(ctx, "post: a mentioned remote account was not found")
			return nil
		}
		return p.Account
	}
}

// ProfileURL is an account's profile page: derived for local accounts,
// as the remote server gave it otherwise.
func (s *Service) ProfileURL(a *storage.Account) string {
	if a.Local() {
		return s.inst.ProfileURL(a.Username)
	}
	if a.URL != nil && *a.URL != "" {
		return *a.URL
	}
	if a.URI != nil {
		return *a.URI
	}
	return ""
}

// TagURL is a hashtag's page on this instance.
func (s *Service) TagURL(name string) string { return s.inst.BaseURL() + "/tags/" + name }

// insert stores a status with its mentions and hashtags, fans it out and
// notifies, in tx. Create uses it for local statuses; Receive for
// statuses from other servers (content already HTML).
func (s *Service) insert(ctx context.Context, tx *storage.Store, author *storage.Account, st *storage.Status, mentions []*storage.Account, tags []string) error {
	ids := make([]int64, len(mentions))
	for i, m := range mentions {
		ids[i] = m.ID
	}
	if err := tx.InsertStatus(ctx, storage.NewStatus{Status: st, MentionIDs: ids, Tags: tags}); err != nil {
		return err
	}
	vis := visibility.Visibility(st.Visibility)
	toFollowers := visibility.ReachesFollowers(vis)
	// "Notify me when they post": top-level posts and self-replies only.
	notifyFollowers := toFollowers && (st.InReplyToAccountID == nil || *st.InReplyToAccountID == st.AccountID)
	if err := tx.FanOut(ctx, st, toFollowers, notifyFollowers, ids); err != nil {
		return err
	}
	// Followed hashtags: public statuses reach their tags' followers' homes.
	if visibility.Listed(visibility.Post{AuthorID: st.AccountID, Visibility: vis}) {
		if err := tx.FanOutToTagFollowers(ctx, st, tags); err != nil {
			return err
		}
	}
	for _, m := range mentions {
		if err := notify.Create(ctx, tx, notify.Mention, m, author.ID, st.ID); err != nil {
			return err
		}
	}
	// Direct statuses make conversations for their local participants.
	return conversation.Record(ctx, tx, st, ids)
}

// Delete removes a status by its author and returns it as it was (with
// its source text and attachments, for delete-and-redraft). Anyone else
// gets ErrNotFound. With deleteMedia the attachments are deleted, files
// and all; without it they become unattached uploads of the author again,
// which the redrafted status may attach (Mastodon's delete_media).
func (s *Service) Delete(ctx context.Context, author *storage.Account, id int64, deleteMedia bool) (*timeline.Status, error) {
	st, err := s.timelines.Get(ctx, author, id)
	if err != nil {
		return nil, err
	}
	if st.AccountID != author.ID {
		return nil, fmt.Errorf("post: delete: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	var gone []storage.MediaAttachment
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if err := tx.DeleteStatus(ctx, id); err != nil {
			return err
		}
		if gone, err = detachOrDelete(ctx, tx, id, deleteMedia); err != nil {
			return err
		}
		return s.publish(ctx, tx, outbox.StatusDeleted{Author: author, Status: &st.Status, Mentions: st.Mentions})
	})
	if err != nil {
		return nil, fmt.Errorf("post: delete: %w", err)
	}
	s.removeFiles(ctx, gone)
	s.log.InfoContext(ctx, "status deleted", "status_id", id, "account_id", author.ID)
	return st, nil
}

// Preferences returns the author's posting and reading defaults.
func (s *Service) Preferences(ctx context.Context, a *storage.Account) (*storage.Preferences, error) {
	p, err := s.store.PreferencesOf(ctx, a.ID)
	if err != nil {
		return nil, fmt.Errorf("post: preferences: %w", err)
	}
	return p, nil
}
