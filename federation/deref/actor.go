package deref

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rounds-md/rounds/federation/sanitize"
	"github.com/rounds-md/rounds/federation/signature"
	"github.com/rounds-md/rounds/storage"
)

// ErrNotActor is returned when a document is not a usable actor.
var ErrNotActor = errors.New("deref: not an actor")

// Limits on stored remote profile text; longer values are cut.
const (
	maxNameRunes    = 200
	maxSummaryRunes = 10000
)

// actorTypes are the ActivityStreams actor types Rounds stores.
var actorTypes = map[string]bool{
	storage.ActorPerson: true, storage.ActorService: true, storage.ActorApplication: true,
	storage.ActorGroup: true, "Organization": true,
}

// usernameRe is what Rounds accepts as a remote preferredUsername: the
// characters of Mastodon, Lemmy, Misskey and GoToSocial usernames.
var usernameRe = regexp.MustCompile(`^[\p{L}\p{N}_][\p{L}\p{N}_.\-]{0,254}$`)

// keyEntry is one publicKey of an actor, or a key document.
type keyEntry struct {
	ID    string `json:"id"`
	Owner string `json:"owner"`
	PEM   string `json:"publicKeyPem"`
}

// object is a decoded JSON object whose properties are read leniently:
// ActivityStreams lets most of them be a string, an object or an array.
type object map[string]json.RawMessage

func decodeObject(body []byte) (object, error) {
	var o object
	if err := json.Unmarshal(body, &o); err != nil || o == nil {
		return nil, fmt.Errorf("%w: not a JSON object", ErrInvalidDocument)
	}
	return o, nil
}

// str returns a string property, or "".
func (o object) str(name string) string {
	var s string
	if json.Unmarshal(o[name], &s) != nil {
		return ""
	}
	return s
}

// boolean returns a boolean property, or def when absent or not a boolean.
func (o object) boolean(name string, def bool) bool {
	var b bool
	if json.Unmarshal(o[name], &b) != nil {
		return def
	}
	return b
}

// iri returns a property that is an IRI or an object with an id.
func (o object) iri(name string) string {
	raw := o[name]
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var ref struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &ref) == nil {
		return ref.ID
	}
	return ""
}

// types returns the type property as a list.
func (o object) types() []string {
	var one string
	if json.Unmarshal(o["type"], &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(o["type"], &many)
	return many
}

// href returns the first link of the property name (see Href).
func (o object) href(name string) string { return Href(o[name]) }

// Href returns the first link of a url property: a string, a Link object
// with href, or an array of either (HTML links first, as Mastodon reads it).
func Href(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	type link struct {
		Href      string `json:"href"`
		MediaType string `json:"mediaType"`
	}
	var l link
	if json.Unmarshal(raw, &l) == nil && l.Href != "" {
		return l.Href
	}
	var many []json.RawMessage
	if json.Unmarshal(raw, &many) != nil {
		return ""
	}
	first := ""
	for _, m := range many {
		if json.Unmarshal(m, &s) == nil {
			if first == "" {
				first = s
			}
			continue
		}
		if json.Unmarshal(m, &l) == nil && l.Href != "" {
			if l.MediaType == "" || l.MediaType == "text/html" {
				return l.Href
			}
			if first == "" {
				first = l.Href
			}
		}
	}
	return first
}

// keys returns the publicKey property's entries (an object or an array).
func (o object) keys() []keyEntry {
	raw := o["publicKey"]
	var one keyEntry
	if json.Unmarshal(raw, &one) == nil && one.ID != "" {
		return []keyEntry{one}
	}
	var many []keyEntry
	_ = json.Unmarshal(raw, &many)
	return many
}

// isActor reports whether the document has an actor type.
func (o object) isActor() bool { return actorType(o.types()) != "" }

func actorType(types []string) string {
	for _, t := range types {
		if actorTypes[t] {
			return t
		}
	}
	return ""
}

// parseActor turns an actor document into the fields of a remote
// storage.Account (not stored; FetchedAt set to now). allowHTTP admits
// http URLs. wantKeyID picks among several public keys; the first
// otherwise. The actor's key must be owned by the actor and live on its
// host.
func parseActor(o object, allowHTTP bool, wantKeyID string, now time.Time) (*storage.Account, error) {
	id := o.str("id")
	idURL, err := checkedURL(id, allowHTTP)
	if err != nil {
		return nil, fmt.Errorf("%w: id: %v", ErrNotActor, err)
	}
	typ := actorType(o.types())
	if typ == "" {
		return nil, fmt.Errorf("%w: type %v", ErrNotActor, o.types())
	}
	username := o.str("preferredUsername")
	if !usernameRe.MatchString(username) {
		return nil, fmt.Errorf("%w: preferredUsername %q", ErrNotActor, clip(username, 64))
	}
	a := &storage.Account{
		Username:    username,
		Domain:      strings.ToLower(idURL.Host),
		ActorType:   typ,
		DisplayName: clip(o.str("name"), maxNameRunes),
		// The note is shown as HTML by clients and pages: only what
		// Mastodon keeps survives.
		Note:         sanitize.HTML(clip(o.str("summary"), maxSummaryRunes)),
		Locked:       o.boolean("manuallyApprovesFollowers", false),
		Bot:          typ == storage.ActorService || typ == storage.ActorApplication,
		Discoverable: o.boolean("discoverable", false),
		URI:          &id,
	}
	now = now.UTC()
	a.FetchedAt = &now
	inbox := o.iri("inbox")
	if _, err := checkedURL(inbox, allowHTTP); err != nil {
		return nil, fmt.Errorf("%w: inbox: %v", ErrNotActor, err)
	}
	a.InboxURI = &inbox
	a.OutboxURI = optionalURL(o.iri("outbox"), allowHTTP)
	a.FollowersURI = optionalURL(o.iri("followers"), allowHTTP)
	a.FollowingURI = optionalURL(o.iri("following"), allowHTTP)
	a.URL = optionalURL(o.href("url"), allowHTTP)
	var endpoints object
	if json.Unmarshal(o["endpoints"], &endpoints) == nil && endpoints != nil {
		a.SharedInboxURI = optionalURL(endpoints.iri("sharedInbox"), allowHTTP)
	}
	if k := pickKey(o.keys(), wantKeyID); k != nil {
		if k.Owner != "" && k.Owner != id {
			return nil, fmt.Errorf("%w: key %s is owned by %s, not %s", ErrNotActor, k.ID, k.Owner, id)
		}
		ku, err := checkedURL(k.ID, allowHTTP)
		if err != nil || !strings.EqualFold(ku.Host, idURL.Host) {
			return nil, fmt.Errorf("%w: key id %q is not on the actor's host", ErrNotActor, k.ID)
		}
		if _, err := signature.ParsePublicKeyPEM(k.PEM); err != nil {
			return nil, fmt.Errorf("%w: key %s: %v", ErrNotActor, k.ID, err)
		}
		keyID := k.ID
		a.PublicKeyURI, a.PublicKeyPEM = &keyID, k.PEM
	}
	return a, nil
}

// pickKey returns the entry with id want, else the first.
func pickKey(keys []keyEntry, want string) *keyEntry {
	for i := range keys {
		if want != "" && keys[i].ID == want {
			return &keys[i]
		}
	}
	if len(keys) > 0 {
		return &keys[0]
	}
	return nil
}

// checkedURL parses an absolute https URL (or http when allowed) with a host.
func checkedURL(s string, allowHTTP bool) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "https" && !(allowHTTP && u.Scheme == "http") {
		return nil, fmt.Errorf("scheme of %q", clip(s, 64))
	}
	if u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("host of %q", clip(s, 64))
	}
	return u, nil
}

// optionalURL returns a pointer to s when it is an acceptable URL, nil otherwise.
func optionalURL(s string, allowHTTP bool) *string {
	if s == "" {
		return nil
	}
	if _, err := checkedURL(s, allowHTTP); err != nil {
		return nil
	}
	return &s
}

// clip cuts s to at most n runes, and drops invalid UTF-8 and NUL bytes
// (which PostgreSQL text refuses).
func clip(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
