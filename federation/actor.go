package federation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
)

// ActorURLs are the ActivityPub URLs of a local actor.
type ActorURLs struct {
	ID          string // the actor document
	Key         string // its public key, ID#main-key
	Inbox       string
	Outbox      string
	Followers   string // "" for the instance actor
	Following   string // "" for the instance actor
	SharedInbox string
	Profile     string // the HTML profile page; "" for the instance actor
}

// LocalActorURLs returns the URLs of a local account: /users/NAME/... for
// people, groups and services, /actor/... for the instance actor.
func LocalActorURLs(inst instance.Config, a *storage.Account) ActorURLs {
	base := inst.BaseURL()
	if a.ActorType == storage.ActorApplication {
		id := inst.InstanceActorURL()
		return ActorURLs{
			ID: id, Key: id + "#main-key", Inbox: id + "/inbox", Outbox: id + "/outbox",
			SharedInbox: base + "/inbox",
		}
	}
	id := inst.ActorURL(a.Username)
	return ActorURLs{
		ID: id, Key: id + "#main-key", Inbox: id + "/inbox", Outbox: id + "/outbox",
		Followers: id + "/followers", Following: id + "/following",
		SharedInbox: base + "/inbox", Profile: inst.ProfileURL(a.Username),
	}
}

// actorObject is what the go-fed actor types (Person, Application, Group,
// Service) have in common that Actor sets.
type actorObject interface {
	vocab.Type
	SetActivityStreamsPreferredUsername(vocab.ActivityStreamsPreferredUsernameProperty)
	SetActivityStreamsName(vocab.ActivityStreamsNameProperty)
	SetActivityStreamsSummary(vocab.ActivityStreamsSummaryProperty)
	SetActivityStreamsInbox(vocab.ActivityStreamsInboxProperty)
	SetActivityStreamsOutbox(vocab.ActivityStreamsOutboxProperty)
	SetActivityStreamsFollowers(vocab.ActivityStreamsFollowersProperty)
	SetActivityStreamsFollowing(vocab.ActivityStreamsFollowingProperty)
	SetActivityStreamsUrl(vocab.ActivityStreamsUrlProperty)
	SetActivityStreamsPublished(vocab.ActivityStreamsPublishedProperty)
	SetTootDiscoverable(vocab.TootDiscoverableProperty)
	SetW3IDSecurityV1PublicKey(vocab.W3IDSecurityV1PublicKeyProperty)
}

// ActorType is the ActivityStreams type a local account is served as:
// its stored type, except that a Person marked as a bot is a Service, as
// Mastodon serves bots.
func ActorType(a *storage.Account) string {
	if a.ActorType == storage.ActorPerson && a.Bot {
		return storage.ActorService
	}
	return a.ActorType
}

// newActorObject returns an empty go-fed value of the actor's type.
func newActorObject(typ string) (actorObject, error) {
	switch typ {
	case storage.ActorPerson:
		return streams.NewActivityStreamsPerson(), nil
	case storage.ActorApplication:
		return streams.NewActivityStreamsApplication(), nil
	case storage.ActorGroup:
		return streams.NewActivityStreamsGroup(), nil
	case storage.ActorService:
		return streams.NewActivityStreamsService(), nil
	}
	return nil, fmt.Errorf("federation: actor: unknown actor type %q", typ)
}

// Actor renders the ActivityStreams document of a local account (a person,
// group, service or the instance actor) as Mastodon-compatible JSON: the
// fixed @context, the public key and, beyond go-fed v1.0.0's vocabulary,
// manuallyApprovesFollowers, endpoints.sharedInbox and indexable. It never
// reads the private key. Suspended accounts are served as a Tombstone
// instead; Actor does not check.
func Actor(inst instance.Config, a *storage.Account) ([]byte, error) {
	m, err := actorDocument(inst, a)
	if err != nil {
		return nil, err
	}
	return encode(m)
}

// actorDocument builds the document Actor encodes, for callers that add
// properties (the professional profile, professional.go).
func actorDocument(inst instance.Config, a *storage.Account) (map[string]any, error) {
	if !a.Local() {
		return nil, errors.New("federation: actor: not a local account")
	}
	typ := ActorType(a)
	obj, err := newActorObject(typ)
	if err != nil {
		return nil, err
	}
	u := LocalActorURLs(inst, a)
	var b iriBuilder

	id := streams.NewJSONLDIdProperty()
	id.SetIRI(b.iri(u.ID))
	obj.SetJSONLDId(id)

	pu := streams.NewActivityStreamsPreferredUsernameProperty()
	pu.SetXMLSchemaString(a.Username)
	obj.SetActivityStreamsPreferredUsername(pu)

	inbox := streams.NewActivityStreamsInboxProperty()
	inbox.SetIRI(b.iri(u.Inbox))
	obj.SetActivityStreamsInbox(inbox)
	outbox := streams.NewActivityStreamsOutboxProperty()
	outbox.SetIRI(b.iri(u.Outbox))
	obj.SetActivityStreamsOutbox(outbox)

	if typ != storage.ActorApplication {
		name := streams.NewActivityStreamsNameProperty()
		name.AppendXMLSchemaString(a.DisplayName)
		obj.SetActivityStreamsName(name)
		summary := streams.NewActivityStreamsSummaryProperty()
		summary.AppendXMLSchemaString(NoteHTML(a.Note))
		obj.SetActivityStreamsSummary(summary)

		followers := streams.NewActivityStreamsFollowersProperty()
		followers.SetIRI(b.iri(u.Followers))
		obj.SetActivityStreamsFollowers(followers)
		following := streams.NewActivityStreamsFollowingProperty()
		following.SetIRI(b.iri(u.Following))
		obj.SetActivityStreamsFollowing(following)

		profile := streams.NewActivityStreamsUrlProperty()
		profile.AppendIRI(b.iri(u.Profile))
		obj.SetActivityStreamsUrl(profile)

		// The day only, as Mastodon publishes it: the minute an account
		// was made is nobody else's business.
		published := streams.NewActivityStreamsPublishedProperty()
		published.Set(a.CreatedAt.UTC().Truncate(24 * time.Hour))
		obj.SetActivityStreamsPublished(published)

		disc := streams.NewTootDiscoverableProperty()
		disc.Set(a.Discoverable)
		obj.SetTootDiscoverable(disc)
	}

	key := streams.NewW3IDSecurityV1PublicKey()
	keyID := streams.NewJSONLDIdProperty()
	keyID.SetIRI(b.iri(u.Key))
	key.SetJSONLDId(keyID)
	owner := streams.NewW3IDSecurityV1OwnerProperty()
	owner.SetIRI(b.iri(u.ID))
	key.SetW3IDSecurityV1Owner(owner)
	pem := streams.NewW3IDSecurityV1PublicKeyPemProperty()
	pem.Set(a.PublicKeyPEM)
	key.SetW3IDSecurityV1PublicKeyPem(pem)
	pk := streams.NewW3IDSecurityV1PublicKeyProperty()
	pk.AppendW3IDSecurityV1PublicKey(key)
	obj.SetW3IDSecurityV1PublicKey(pk)

	if b.err != nil {
		return nil, fmt.Errorf("federation: actor: %w", b.err)
	}
	m, err := obj.Serialize()
	if err != nil {
		return nil, fmt.Errorf("federation: actor: serialize: %w", err)
	}
	m["@context"] = actorContext()
	m["manuallyApprovesFollowers"] = typ == storage.ActorApplication || a.Locked
	m["endpoints"] = map[string]string{"sharedInbox": u.SharedInbox}
	if typ != storage.ActorApplication {
		// Rounds does not offer its members' posts to other servers'
		// full-text search; Mastodon reads this flag.
		m["indexable"] = false
	}
	return m, nil
}

// ActorTombstone renders the Tombstone served, with 410 Gone, in place of
// a suspended local account's actor.
func ActorTombstone(inst instance.Config, a *storage.Account) ([]byte, error) {
	var b iriBuilder
	t := streams.NewActivityStreamsTombstone()
	id := streams.NewJSONLDIdProperty()
	id.SetIRI(b.iri(LocalActorURLs(inst, a).ID))
	t.SetJSONLDId(id)
	ft := streams.NewActivityStreamsFormerTypeProperty()
	ft.AppendXMLSchemaString(ActorType(a))
	t.SetActivityStreamsFormerType(ft)
	if a.SuspendedAt != nil {
		del := streams.NewActivityStreamsDeletedProperty()
		del.Set(a.SuspendedAt.UTC().Truncate(time.Second))
		t.SetActivityStreamsDeleted(del)
	}
	if b.err != nil {
		return nil, fmt.Errorf("federation: tombstone: %w", b.err)
	}
	m, err := t.Serialize()
	if err != nil {
		return nil, fmt.Errorf("federation: tombstone: serialize: %w", err)
	}
	m["@context"] = activityStreamsContext
	return encode(m)
}

// NoteHTML turns a plain-text profile note into the HTML that ActivityPub
// and Mastodon clients expect: every character escaped, paragraphs at
// blank lines, <br> at single line breaks. An empty note stays "".
func NoteHTML(note string) string {
	note = strings.TrimSpace(strings.ReplaceAll(note, "\r\n", "\n"))
	if note == "" {
		return ""
	}
	var sb strings.Builder
	for _, para := range strings.Split(note, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		sb.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				sb.WriteString("<br />")
			}
			sb.WriteString(html.EscapeString(line))
		}
		sb.WriteString("</p>")
	}
	return sb.String()
}

// iriBuilder parses URLs, keeping the first error so that a document can
// be built without checking each one.
type iriBuilder struct{ err error }

func (b *iriBuilder) iri(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		if b.err == nil {
			b.err = err
		}
		return &url.URL{}
	}
	return u
}

// encode writes a document as compact JSON without HTML escaping.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("federation: encode: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
