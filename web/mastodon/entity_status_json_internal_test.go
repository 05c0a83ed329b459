package mastodon

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/app"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// libStatus and libContext are Status and Context without their
// appenders: jsonbody encodes them with the library, as it encoded every
// status before.
type (
	libStatus  Status
	libContext Context
)

// checkStatus checks that s appends the library's bytes, alone, in a
// list and in a thread.
func checkStatus(t *testing.T, name string, s Status) {
	t.Helper()
	for _, c := range []struct {
		how       string
		got, want any
	}{
		{"status", s, libStatus(s)},
		{"list", statusList{s, s}, []Status{s, s}},
		{"thread", Context{Ancestors: []Status{s}}, libContext{Ancestors: []Status{s}}},
	} {
		got, err := jsonbody.Marshal(c.got)
		if err != nil {
			t.Fatalf("%s: %s: appender: %v", name, c.how, err)
		}
		want, err := jsonbody.Marshal(c.want)
		if err != nil {
			t.Fatalf("%s: %s: library: %v", name, c.how, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: %s: the appender differs from the library at byte %d:\n%s\nwant\n%s", name, c.how, mismatch(got, want), got, want)
		}
	}
}

// TestStatusAppenderTable checks the appender against the library for
// statuses with each part set and unset: pointers nil and not, omitempty
// fields, nil and empty lists, a boost, media, a poll, filter results.
func TestStatusAppenderTable(t *testing.T) {
	page := sampleHomePage()
	author := sampleAccount(1)
	kept := author
	kept.encoded, _ = jsonbody.Marshal(&author)
	text, yes, no := trickyText, true, false
	site := "https://app.example/<x>"
	cases := map[string]func(*Status){
		"plain":           func(*Status) {},
		"zero":            func(s *Status) { *s = Status{} },
		"nil lists":       func(s *Status) { s.MediaAttachments, s.Mentions, s.Tags, s.Emojis = nil, nil, nil, nil },
		"nil account":     func(s *Status) { s.Account = nil },
		"kept account":    func(s *Status) { s.Account = &kept },
		"tricky strings":  func(s *Status) { s.ID, s.URI, s.Content, s.SpoilerText, s.Visibility = text, text, text, text, text },
		"tricky pointers": func(s *Status) { s.URL, s.InReplyToID, s.InReplyToAccountID, s.Language = &text, &text, &text, &text },
		"nil pointers": func(s *Status) {
			s.URL, s.EditedAt, s.Language, s.InReplyToID, s.InReplyToAccountID = nil, nil, nil, nil, nil
		},
		"edited": func(s *Status) {
			e := Time(time.Date(2026, 11, 28, 1, 2, 3, 999_999_999, time.FixedZone("X", -3600)))
			s.EditedAt = &e
		},
		"year 10000": func(s *Status) { s.CreatedAt = Time(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)) },
		"text":       func(s *Status) { s.Text = &text },
		"empty text": func(s *Status) { e := ""; s.Text = &e },
		"flags true": func(s *Status) {
			s.Favourited, s.Reblogged, s.Muted, s.Bookmarked, s.Pinned = &yes, &yes, &yes, &yes, &yes
		},
		"flags nil": func(s *Status) {
			s.Favourited, s.Reblogged, s.Muted, s.Bookmarked, s.Pinned, s.Filtered = nil, nil, nil, nil, nil, nil
		},
		"pinned false":      func(s *Status) { s.Pinned = &no },
		"filtered nil list": func(s *Status) { s.Filtered = new([]FilterResult) },
		"filtered":          func(s *Status) { s.Filtered = page[9].Filtered },
		"application":       func(s *Status) { s.Application = &StatusApplication{Name: text, Website: &site} },
		"application bare":  func(s *Status) { s.Application = &StatusApplication{} },
		"card":              func(s *Status) { s.Card = &json0{} },
		"media":             func(s *Status) { s.MediaAttachments = page[3].MediaAttachments },
		"poll":              func(s *Status) { s.Poll = page[5].Poll },
		"empty poll":        func(s *Status) { s.Poll = &Poll{} },
		"boost":             func(s *Status) { r := page[3]; r.Poll = page[5].Poll; s.Reblog = &r },
		"counts":            func(s *Status) { s.ReblogsCount, s.FavouritesCount, s.RepliesCount = -1, 1<<40, 0 },
		"sensitive":         func(s *Status) { s.Sensitive = true },
		"mentions": func(s *Status) {
			s.Mentions = []Mention{{ID: "1", Username: "a", URL: site, Acct: "a@b"}, {ID: text, Username: text, URL: text, Acct: text}, {}}
		},
		"tags": func(s *Status) { s.Tags = []Tag{{Name: "x", URL: site}, {Name: text, URL: text}, {}} },
		"emojis": func(s *Status) {
			s.Emojis = []CustomEmoji{{Shortcode: "ok", URL: site, StaticURL: site, VisibleInPicker: true, Category: text}, {}}
		},
	}
	for name, change := range cases {
		s := sampleStatus(4, author)
		change(&s)
		checkStatus(t, name, s)
	}
	for i, s := range page {
		checkStatus(t, "home page "+strconv.Itoa(i), s)
	}
	checkStatus(t, "filled", filled(reflect.TypeFor[Status](), 3).Interface().(Status))
	for _, l := range []statusList{nil, {}, page} {
		got, _ := jsonbody.Marshal(l)
		want, _ := jsonbody.Marshal([]Status(l))
		if !bytes.Equal(got, want) {
			t.Errorf("list of %d: %s, want %s", len(l), got, want)
		}
	}
}

// TestStatusAppenderGenerated checks the appender against the library
// for thousands of statuses built at random (a fixed seed) from tricky
// strings, each part present or not.
func TestStatusAppenderGenerated(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 2026))
	for i := range 2000 {
		s := randomStatus(rnd, 2)
		checkStatus(t, "generated "+strconv.Itoa(i), s)
	}
}

// randomPieces are what random strings are made of: safe text and what
// needs escaping.
var randomPieces = []string{
	"a", "Zz 09", "/", "<", ">", "&", `"`, `\`, "\x00", "\x08", "\x0c", "\n", "\r", "\t", "\x1f", "\x7f",
	"é", "日本", "😀", "👩‍⚕️", "\u2028", "\u2029", "\xff", "\xc3", "\xed\xa0\x80", "\ufffd", "<p>a &amp; b</p>",
}

func randomString(rnd *rand.Rand) string {
	var b []byte
	for range rnd.IntN(12) {
		b = append(b, randomPieces[rnd.IntN(len(randomPieces))]...)
	}
	return string(b)
}

// maybe returns a pointer to v one time in two, else nil.
func maybe[T any](rnd *rand.Rand, v T) *T {
	if rnd.IntN(2) == 0 {
		return nil
	}
	return &v
}

// randomList returns nil, or an empty list or up to three of one().
func randomList[T any](rnd *rand.Rand, one func() T) []T {
	if rnd.IntN(3) == 0 {
		return nil
	}
	out := []T{}
	for range rnd.IntN(4) {
		out = append(out, one())
	}
	return out
}

func randomStatus(rnd *rand.Rand, depth int) Status {
	str := func() string { return randomString(rnd) }
	when := Time(time.Unix(rnd.Int64N(4e9), rnd.Int64N(1e9)))
	author := sampleAccount(rnd.IntN(5))
	author.DisplayName, author.Note = str(), str()
	if rnd.IntN(2) == 0 {
		author.encoded, _ = jsonbody.Marshal(&author)
	}
	s := Status{
		ID: str(), URI: str(), URL: maybe(rnd, str()), CreatedAt: when, EditedAt: maybe(rnd, when),
		Account: maybe(rnd, author), Content: str(), Visibility: str(), Sensitive: rnd.IntN(2) == 0, SpoilerText: str(),
		MediaAttachments: randomList(rnd, func() MediaAttachment {
			return MediaAttachment{ID: str(), Type: "image", URL: maybe(rnd, str()), Description: maybe(rnd, str())}
		}),
		Mentions: randomList(rnd, func() Mention { return Mention{ID: str(), Username: str(), URL: str(), Acct: str()} }),
		Tags:     randomList(rnd, func() Tag { return Tag{Name: str(), URL: str()} }),
		Emojis: randomList(rnd, func() CustomEmoji {
			return CustomEmoji{Shortcode: str(), URL: str(), VisibleInPicker: rnd.IntN(2) == 0}
		}),
		ReblogsCount: rnd.IntN(1000) - 10, FavouritesCount: rnd.Int(), RepliesCount: rnd.IntN(5),
		InReplyToID: maybe(rnd, str()), InReplyToAccountID: maybe(rnd, str()),
		Language: maybe(rnd, str()), Text: maybe(rnd, str()),
		Favourited: maybe(rnd, rnd.IntN(2) == 0), Reblogged: maybe(rnd, rnd.IntN(2) == 0), Muted: maybe(rnd, rnd.IntN(2) == 0),
		Bookmarked: maybe(rnd, rnd.IntN(2) == 0), Pinned: maybe(rnd, rnd.IntN(2) == 0),
	}
	if rnd.IntN(4) == 0 {
		s.Poll = &Poll{ID: str(), Options: []PollOption{{Title: str()}}, Emojis: []CustomEmoji{}}
	}
	if rnd.IntN(4) == 0 {
		s.Card = &json0{}
	}
	if rnd.IntN(3) == 0 {
		s.Filtered = maybe(rnd, randomList(rnd, func() FilterResult {
			return FilterResult{Filter: Filter{ID: str(), Title: str()}, KeywordMatches: []string{str()}}
		}))
	}
	if rnd.IntN(3) == 0 {
		s.Application = &StatusApplication{Name: str(), Website: maybe(rnd, str())}
	}
	if depth > 0 && rnd.IntN(3) == 0 {
		r := randomStatus(rnd, depth-1)
		s.Reblog = &r
	}
	return s
}

// TestAccountKeptBytes checks that the cache of rendered accounts keeps
// the library's encoding of each entity it renders, and serves the same
// entity, bytes and all, the second time.
func TestAccountKeptBytes(t *testing.T) {
	inst := instance.Config{Protocol: "https", Domain: "rounds.example"}
	h := &Handler{Services: &app.Services{Instance: inst}, missing: newMissingImages(inst), accountViews: newAccountCache()}
	view := accountView{h: h, v: credential.Anonymous()}
	last := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	str := func(s string) *string { return &s }
	for _, a := range []profile.Account{
		{Account: &storage.Account{ID: 7, Username: "ana", DisplayName: trickyText, Note: "line one\n\nline <two> & \u2028"}, Stats: storage.AccountStats{Statuses: 3, LastStatusAt: &last}},
		{Account: &storage.Account{ID: 8, Username: "ben", Domain: "other.example", URI: str("https://other.example/users/ben"), Note: trickyText, Discoverable: true}},
	} {
		got := view.render(a)
		if got.encoded == nil {
			t.Fatalf("%s: no kept bytes", a.Username)
		}
		fresh := h.accountAs(a, credential.Anonymous())
		want, err := jsonbody.Marshal(fresh)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.encoded, want) {
			t.Errorf("%s: kept bytes differ at byte %d:\n%s\nwant\n%s", a.Username, mismatch(got.encoded, want), got.encoded, want)
		}
		if again := view.render(a); again != got {
			t.Errorf("%s: rendered again instead of served from the cache", a.Username)
		}
	}
}
