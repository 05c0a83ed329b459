package mastodon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/follow"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// sampleAccount is an account as a home page carries it: a local
// physician with a verified card, profile fields and a last status day.
func sampleAccount(i int) Account {
	t := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	last := Date(t.Add(time.Duration(i) * time.Hour))
	yes, no := true, false
	verified := Time(t.Add(1234567 * time.Millisecond))
	year := 2011
	base := "https://rounds.example"
	name := fmt.Sprintf("author%d", i)
	return Account{
		ID: strconv.Itoa(1000 + i), Username: name, Acct: name,
		URL: base + "/@" + name, URI: base + "/users/" + name,
		DisplayName: "Dr. Ann <O'Brien> & Co", Note: "<p>Cardiology &amp; \"echo\"</p>",
		Avatar: base + missingAvatarPath, AvatarStatic: base + missingAvatarPath,
		Header: base + missingHeaderPath, HeaderStatic: base + missingHeaderPath,
		Discoverable: &yes, HideCollections: &no, Noindex: true,
		CreatedAt: Time(t), LastStatusAt: &last,
		StatusesCount: 200 + i, FollowersCount: 16, FollowingCount: 3,
		Emojis: []CustomEmoji{},
		Fields: []Field{
			{Name: "Specialty", Value: "Cardiology"},
			{Name: "Verified", Value: "MD, Board of &lt;X&gt;", VerifiedAt: &verified},
		},
		Roles: []Role{},
		Rounds: RoundsAccount{
			Profile: RoundsProfile{
				Profession: &RoundsTerm{"md", "Physician"}, Specialty: &RoundsTerm{"cardio", "Cardiology"},
				Institution: "St. Mary's", Training: &RoundsTraining{Stage: RoundsTerm{"attending", "Attending"}, Text: "Attending"},
				GraduationYear: &year, Languages: []string{"en", "fr"},
				Contact: &RoundsContact{AcceptingConsults: true},
			},
			Verification: &RoundsVerification{Credential: "MD", VerifiedAt: verified, VerifiedBy: "Board"},
		},
	}
}

// sampleStatus is a status as a signed-in viewer's home page carries it.
func sampleStatus(i int, author Account) Status {
	t := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * 1001 * time.Millisecond)
	id := strconv.Itoa(115000000000000000 + i)
	u := author.URL + "/" + id
	f, tr := false, true
	lang := "en"
	return Status{
		ID: id, URI: author.URI + "/statuses/" + id, URL: &u, CreatedAt: Time(t),
		Account: &author, Content: fmt.Sprintf("<p>status %d: troponin &lt; 14 ng/L &amp; ECG normal</p>", i),
		Visibility: "public", MediaAttachments: []MediaAttachment{}, Mentions: []Mention{}, Tags: []Tag{},
		Emojis: []CustomEmoji{}, RepliesCount: i % 3, Language: &lang,
		Favourited: &f, Reblogged: &f, Muted: &f, Bookmarked: &tr, Filtered: &[]FilterResult{},
	}
}

// sampleHomePage is a 40-status home page from 10 authors, as the
// benchmark's readers see: some statuses with tags and mentions, one
// with media, one with a poll, one a reblog, one filtered.
func sampleHomePage() []Status {
	accts := make([]Account, 10)
	for i := range accts {
		accts[i] = sampleAccount(i)
	}
	out := make([]Status, 40)
	for i := range out {
		out[i] = sampleStatus(i, accts[i%len(accts)])
		if i%10 == 0 {
			out[i].Tags = []Tag{{Name: "radiology", URL: "https://rounds.example/tags/radiology"}}
		}
		if i%20 == 0 {
			out[i].Mentions = []Mention{{ID: "7", Username: "reader1", URL: "https://rounds.example/@reader1", Acct: "reader1"}}
		}
	}
	u, p, d, b := "https://rounds.example/m/1.png", "https://rounds.example/m/1s.png", "Chest X-ray, PA view", "LEHV6nWB2yk8pyo0adR*.7kCMdnj"
	out[3].MediaAttachments = []MediaAttachment{{
		ID: "9", Type: "image", URL: &u, PreviewURL: &p, Description: &d, Blurhash: &b,
		Meta: &MediaMeta{Original: mediaSize(1024, 768), Small: mediaSize(400, 300), Focus: MediaFocus{X: -0.25, Y: 0.5}},
	}}
	exp := Time(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	voters, votes := 3, 2
	out[5].Poll = &Poll{
		ID: "11", ExpiresAt: &exp, VotesCount: 3, VotersCount: &voters,
		Options: []PollOption{{Title: "Aspirin", VotesCount: &votes}, {Title: "Neither"}},
		Emojis:  []CustomEmoji{}, OwnVotes: []int{},
	}
	inner := sampleStatus(99, accts[7])
	out[7].Reblog = &inner
	out[7].Content = ""
	out[9].Filtered = &[]FilterResult{{
		Filter:         Filter{ID: "4", Title: "Pharma", Context: []string{"home", "public"}, FilterAction: "warn"},
		KeywordMatches: []string{"aspirin"}, StatusMatches: []string{},
	}}
	return out
}

// trickyText has what encoders disagree on: HTML-sensitive characters,
// invalid UTF-8, JavaScript's line separators, control characters,
// astral-plane runes and a surrogate half.
const trickyText = "<p>a & b</p> \xff\xfe ok \u2028 \u2029 \x00 \x1f \t \" \\ / é 😀 \xed\xa0\x80"

// filled returns a value of t with every settable field set: strings to
// trickyText, numbers and booleans non-zero, pointers and lists filled
// (to depth levels, as Status holds a Status), any to an object.
func filled(t reflect.Type, depth int) reflect.Value {
	v := reflect.New(t).Elem()
	stamp := time.Date(2026, 11, 27, 10, 4, 5, 678_901_234, time.FixedZone("CET", 3600))
	switch t {
	case reflect.TypeFor[Time]():
		return reflect.ValueOf(Time(stamp))
	case reflect.TypeFor[Date]():
		return reflect.ValueOf(Date(stamp))
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString(trickyText)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(-1234567)
	case reflect.Float64:
		v.SetFloat(-0.3333333333333333)
	case reflect.Pointer:
		if depth > 0 {
			p := reflect.New(t.Elem())
			p.Elem().Set(filled(t.Elem(), depth-1))
			v.Set(p)
		}
	case reflect.Slice:
		if depth > 0 {
			v.Set(reflect.MakeSlice(t, 0, 2))
			for range 2 {
				v.Set(reflect.Append(v, filled(t.Elem(), depth-1)))
			}
		}
	case reflect.Interface:
		v.Set(reflect.ValueOf(map[string]any{"z": 1.5, "a": trickyText, "<": nil}))
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				v.Field(i).Set(filled(t.Field(i).Type, depth))
			}
		}
	default:
		panic("filled: no case for " + t.String())
	}
	return v
}

// TestEntitiesEncodeAsEncodingJSON checks that jsonbody writes every
// entity exactly as encoding/json does: the same keys, nulls, empty
// lists, escapes and datetimes, byte for byte.
func TestEntitiesEncodeAsEncodingJSON(t *testing.T) {
	page := sampleHomePage()
	cred := sampleAccount(3)
	cred.Source = &Source{Privacy: "public", Note: "Cardiology & echo", Fields: []SourceField{{Name: "Specialty", Value: "Cardiology"}}, AttributionDomains: []string{}}
	cred.Role = &Role{ID: "-99", Name: "", Permissions: "0"}
	inst := instance.Config{Domain: "rounds.example", Protocol: "https", Version: "0.1.0", Registrations: instance.RegistrationsClosed}
	values := map[string]any{
		"home page":            page,
		"home page appended":   statusList(page),
		"status with media":    page[3],
		"status with poll":     page[5],
		"reblog":               page[7],
		"filtered status":      page[9],
		"credential account":   cred,
		"context":              Context{Ancestors: page[:2], Descendants: []Status{}},
		"notification":         Notification{ID: "5", Type: "mention", CreatedAt: page[0].CreatedAt, GroupKey: "ungrouped-5", Account: cred, Status: &page[0]},
		"relationship":         relationship(follow.Relationship{ID: 12, Following: true, Note: "met at <ACC>"}),
		"instance v1":          newInstanceV1(inst, storage.Usage{Users: 5, LocalPosts: 9, Domains: 2}),
		"instance v2":          newInstanceV2(inst, storage.Usage{ActiveMonth: 3}),
		"empty object":         map[string]any{},
		"count":                map[string]any{"count": 3},
		"invalid UTF-8 string": "\xffa\xc3",
		"long text":            strings.Repeat("0123456789abcdef"+trickyText, 40),
	}
	for _, v := range []any{
		Account{}, Status{}, Notification{}, Relationship{}, InstanceV1{}, InstanceV2{}, Poll{}, MediaAttachment{},
		Context{}, Conversation{}, Filter{}, V1Filter{}, List{}, Hashtag{}, Marker{}, Activity{}, Preferences{},
		ScheduledStatus{}, Report{}, SearchResults{}, StatusEdit{}, MutedAccount{}, Rule{},
	} {
		t := reflect.TypeOf(v)
		values["zero "+t.Name()] = v
		values["filled "+t.Name()] = filled(t, 3).Interface()
	}
	gin.SetMode(gin.TestMode)
	for name, v := range values {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := jsonbody.Marshal(v)
		if err != nil {
			t.Errorf("%s: jsonbody.Marshal: %v", name, err)
		}
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		jsonbody.Write(c, http.StatusOK, v)
		for _, g := range []struct {
			how  string
			body []byte
		}{{"Marshal", got}, {"Write", rec.Body.Bytes()}} {
			if !bytes.Equal(g.body, want) {
				t.Errorf("%s: jsonbody.%s differs from encoding/json at byte %d:\n%s\nwant\n%s", name, g.how, mismatch(g.body, want), g.body, want)
			}
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", name, ct)
		}
	}
}

// mismatch returns the offset of the first byte where a and b differ.
func mismatch(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// discard is a ResponseWriter that keeps nothing, so that
// BenchmarkHomePageJSON measures the encoding and not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkHomePageJSON writes a 40-status home page as encoding/json
// does (gin's c.JSON before jsonbody), as jsonbody does with the library
// ([]Status), and with the Status appender (statusList), its authors'
// bytes kept as the cache of rendered accounts keeps them or not.
func BenchmarkHomePageJSON(b *testing.B) {
	page := sampleHomePage()
	kept := sampleHomePage()
	for i := range kept {
		for _, s := range []*Status{&kept[i], kept[i].Reblog} {
			if s != nil {
				a := *s.Account
				a.encoded, _ = jsonbody.Marshal(&a)
				s.Account = &a
			}
		}
	}
	gin.SetMode(gin.ReleaseMode)
	for _, e := range []struct {
		name  string
		write func(*gin.Context)
	}{
		{"encoding-json", func(c *gin.Context) {
			body, _ := json.Marshal(page)
			jsonbody.WriteBytes(c, http.StatusOK, body)
		}},
		{"jsonbody", func(c *gin.Context) { jsonbody.Write(c, http.StatusOK, page) }},
		{"appender", func(c *gin.Context) { jsonbody.Write(c, http.StatusOK, statusList(page)) }},
		{"appender-kept", func(c *gin.Context) { jsonbody.Write(c, http.StatusOK, statusList(kept)) }},
	} {
		b.Run(e.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c, _ := gin.CreateTestContext(&discard{h: http.Header{}})
				e.write(c)
			}
		})
	}
}
