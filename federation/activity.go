package federation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/rounds-md/rounds/federation/deref"
)

// ErrMalformed is returned by DecodeActivity for a body that is not an
// activity Rounds can read; the inbox answers 400.
var ErrMalformed = errors.New("malformed activity")

// Limits on what DecodeActivity keeps, so that a hostile document costs
// bounded memory and work.
const (
	maxNesting   = 4   // activity → object → object → ...
	maxAudience  = 512 // entries of to, cc, bto, bcc together
	maxTags      = 100
	maxObjects   = 100 // entries of an object array (Flag)
	maxURILength = 2048
)

// PublicCollection is the ActivityStreams Public address.
const PublicCollection = "https://www.w3.org/ns/activitystreams#Public"

// Node is an ActivityStreams object or activity as Rounds reads it: only
// the properties Rounds uses, each read leniently (a string or an array, an
// IRI or an embedded object), as other servers write them.
type Node struct {
	ID string
	// Type is the first of Types; Types lists every type given.
	Type  string
	Types []string
	// Actor is the actor's id (activities).
	Actor string
	// Object is the object property: one entry usually, several for Flag.
	Object []Ref
	// Target is the target's id.
	Target       string
	AttributedTo string
	InReplyTo    string
	Content      string
	ContentMap   map[string]string
	Summary      string
	Name         string
	Sensitive    bool
	Published    time.Time
	Updated      time.Time
	// URL is the first link of url.
	URL                    string
	To, Cc                 []string
	Tags                   []Tag
	ManuallyApprovesFollow bool
	// Poll is a Question's poll (question.go), nil for other objects.
	Poll *Question
}

// Ref is a reference to an object: its id, and the object itself when it
// was embedded.
type Ref struct {
	ID   string
	Node *Node
}

// Tag is one entry of tag: a Mention or a Hashtag.
type Tag struct {
	Type string
	Href string
	Name string
}

// FirstObject returns the first object reference, or a zero Ref.
func (n *Node) FirstObject() Ref {
	if len(n.Object) == 0 {
		return Ref{}
	}
	return n.Object[0]
}

// Audience returns to and cc together.
func (n *Node) Audience() []string {
	out := make([]string, 0, len(n.To)+len(n.Cc))
	out = append(out, n.To...)
	return append(out, n.Cc...)
}

// Is reports whether one of the node's types is t.
func (n *Node) Is(t string) bool {
	for _, x := range n.Types {
		if x == t {
			return true
		}
	}
	return false
}

// HTMLContent returns content, or when it is empty the single or first
// (by language tag order) value of contentMap.
func (n *Node) HTMLContent() string {
	if n.Content != "" || len(n.ContentMap) == 0 {
		return n.Content
	}
	best := ""
	for lang := range n.ContentMap {
		if best == "" || lang < best {
			best = lang
		}
	}
	return n.ContentMap[best]
}

// DecodeActivity reads an inbound activity: a JSON object with an absolute
// http(s) id, a type and an absolute http(s) actor. Everything else is
// optional and read leniently; what cannot be read is left empty. Every
// error wraps ErrMalformed.
func DecodeActivity(body []byte) (*Node, error) {
	raw, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	n, err := decodeNode(raw, 0)
	if err != nil {
		return nil, err
	}
	if !absoluteURI(n.ID) {
		return nil, fmt.Errorf("%w: id must be an absolute http(s) URI", ErrMalformed)
	}
	if n.Type == "" {
		return nil, fmt.Errorf("%w: no type", ErrMalformed)
	}
	if !absoluteURI(n.Actor) {
		return nil, fmt.Errorf("%w: actor must be an absolute http(s) URI", ErrMalformed)
	}
	return n, nil
}

// DecodeObject reads a fetched object (a Note, say): a JSON object with an
// absolute http(s) id and a type.
func DecodeObject(body []byte) (*Node, error) {
	raw, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	n, err := decodeNode(raw, 0)
	if err != nil {
		return nil, err
	}
	if !absoluteURI(n.ID) || n.Type == "" {
		return nil, fmt.Errorf("%w: an object needs an absolute id and a type", ErrMalformed)
	}
	return n, nil
}

type rawObject map[string]json.RawMessage

func decodeObject(body []byte) (rawObject, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	var raw rawObject
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return raw, nil
}

func decodeNode(raw rawObject, depth int) (*Node, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("%w: nested too deep", ErrMalformed)
	}
	n := &Node{
		ID:           str(raw["id"]),
		Types:        strings1(raw["type"], 8),
		Actor:        iri(raw["actor"]),
		Target:       iri(raw["target"]),
		AttributedTo: iri(raw["attributedTo"]),
		InReplyTo:    iri(raw["inReplyTo"]),
		Content:      str(raw["content"]),
		Summary:      str(raw["summary"]),
		Name:         str(raw["name"]),
		URL:          deref.Href(raw["url"]),
	}
	if len(n.Types) > 0 {
		n.Type = n.Types[0]
	}
	_ = json.Unmarshal(raw["sensitive"], &n.Sensitive)
	_ = json.Unmarshal(raw["manuallyApprovesFollowers"], &n.ManuallyApprovesFollow)
	n.Published = timeOf(raw["published"])
	n.Updated = timeOf(raw["updated"])
	var cm map[string]string
	if json.Unmarshal(raw["contentMap"], &cm) == nil && len(cm) <= 32 {
		n.ContentMap = cm
	}
	budget := maxAudience
	n.To = iris(raw["to"], &budget)
	n.Cc = iris(raw["cc"], &budget)
	n.Tags = tags(raw["tag"])
	if n.Type == "Question" {
		n.Poll = question(raw)
	}
	objs, err := refs(raw["object"], depth)
	if err != nil {
		return nil, err
	}
	n.Object = objs
	if n.AttributedTo == "" {
		// attributedTo may be an array (PeerTube: the channel and the
		// person); Rounds takes the first Person-like entry's id.
		var many []json.RawMessage
		if json.Unmarshal(raw["attributedTo"], &many) == nil && len(many) > 0 {
			n.AttributedTo = iri(many[0])
		}
	}
	return n, nil
}

// refs reads the object property: an IRI, an embedded object, or an array
// of either.
func refs(raw json.RawMessage, depth int) ([]Ref, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if raw[0] == '[' {
		var many []json.RawMessage
		if err := json.Unmarshal(raw, &many); err != nil {
			return nil, nil
		}
		if len(many) > maxObjects {
			many = many[:maxObjects]
		}
		var out []Ref
		for _, m := range many {
			r, err := ref(m, depth)
			if err != nil {
				return nil, err
			}
			if r.ID != "" || r.Node != nil {
				out = append(out, r)
			}
		}
		return out, nil
	}
	r, err := ref(raw, depth)
	if err != nil || (r.ID == "" && r.Node == nil) {
		return nil, err
	}
	return []Ref{r}, nil
}

func ref(raw json.RawMessage, depth int) (Ref, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return Ref{ID: s}, nil
	}
	var obj rawObject
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return Ref{}, nil
	}
	n, err := decodeNode(obj, depth+1)
	if err != nil {
		return Ref{}, err
	}
	return Ref{ID: n.ID, Node: n}, nil
}

// str reads a JSON string, or "".
func str(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// iri reads an IRI: a string, or an object's id (a Link's href).
func iri(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var ref struct {
		ID   string `json:"id"`
		Href string `json:"href"`
	}
	if json.Unmarshal(raw, &ref) == nil {
		if ref.ID != "" {
			return ref.ID
		}
		return ref.Href
	}
	return ""
}

// strings1 reads a string or an array of strings, keeping at most max.
func strings1(raw json.RawMessage, max int) []string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	var many []json.RawMessage
	if json.Unmarshal(raw, &many) != nil {
		return nil
	}
	var out []string
	for _, m := range many {
		if json.Unmarshal(m, &s) == nil && s != "" && len(out) < max {
			out = append(out, s)
		}
	}
	return out
}

// iris reads an audience property: IRIs or objects with ids, one or many,
// charging each against budget.
func iris(raw json.RawMessage, budget *int) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	var many []json.RawMessage
	if raw[0] != '[' {
		many = []json.RawMessage{raw}
	} else if json.Unmarshal(raw, &many) != nil {
		return nil
	}
	var out []string
	for _, m := range many {
		if *budget <= 0 {
			break
		}
		if s := iri(m); s != "" && len(s) <= maxURILength {
			out = append(out, normalizePublic(s))
			*budget--
		}
	}
	return out
}

// normalizePublic writes the Public collection's short forms ("as:Public",
// "Public") in full.
func normalizePublic(s string) string {
	if s == "as:Public" || s == "Public" {
		return PublicCollection
	}
	return s
}

// tags reads the tag property's Mention and Hashtag entries.
func tags(raw json.RawMessage) []Tag {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	var many []json.RawMessage
	if raw[0] != '[' {
		many = []json.RawMessage{raw}
	} else if json.Unmarshal(raw, &many) != nil {
		return nil
	}
	var out []Tag
	for _, m := range many {
		if len(out) >= maxTags {
			break
		}
		var t struct {
			Type json.RawMessage `json:"type"`
			Href string          `json:"href"`
			Name string          `json:"name"`
		}
		if json.Unmarshal(m, &t) != nil {
			continue
		}
		types := strings1(t.Type, 4)
		if len(types) == 0 {
			continue
		}
		out = append(out, Tag{Type: types[0], Href: t.Href, Name: t.Name})
	}
	return out
}

// timeOf reads an xsd:dateTime, or the zero time.
func timeOf(raw json.RawMessage) time.Time {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// absoluteURI reports whether s is an absolute http(s) URI with a host and
// no user information.
func absoluteURI(s string) bool {
	if s == "" || len(s) > maxURILength {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// hostOf returns the lower-case host[:port] of an absolute URI, or "".
func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// sameHost reports whether two absolute URIs share their host[:port].
func sameHost(a, b string) bool {
	ha := hostOf(a)
	return ha != "" && ha == hostOf(b)
}
