package federation_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/federation"
)

// seed reads one of the fuzz seeds (a Go-quoted byte string) as a fixture.
func seed(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzDecodeActivity", name))
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(strings.SplitN(string(raw), "\n", 2)[1])
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(line, "[]byte("), ")"))
	if err != nil {
		t.Fatalf("seed %s: %v", name, err)
	}
	return []byte(s)
}

func TestDecodeActivity(t *testing.T) {
	n, err := federation.DecodeActivity(seed(t, "mastodon_create_note"))
	if err != nil {
		t.Fatal(err)
	}
	obj := n.FirstObject()
	if n.Type != "Create" || n.Actor != "https://mastodon.example/users/alice" || obj.Node == nil {
		t.Fatalf("decoded %+v", n)
	}
	note := obj.Node
	if note.Type != "Note" || note.AttributedTo != n.Actor || note.URL != "https://mastodon.example/@alice/1" {
		t.Errorf("note %+v", note)
	}
	if len(note.To) != 1 || note.To[0] != federation.PublicCollection || len(note.Cc) != 2 {
		t.Errorf("audience to=%v cc=%v", note.To, note.Cc)
	}
	if len(note.Tags) != 2 || note.Tags[0].Type != "Mention" || note.Tags[1].Name != "#Cardiology" {
		t.Errorf("tags %+v", note.Tags)
	}
	if note.Published.IsZero() {
		t.Error("published not read")
	}

	// Servers write single values and arrays, IRIs and objects, "Public"
	// and "as:Public": all are read the same way.
	n, err = federation.DecodeActivity(seed(t, "gotosocial_create_array_types"))
	if err != nil {
		t.Fatal(err)
	}
	note = n.FirstObject().Node
	if n.Type != "Create" || n.Actor != "https://gts.example/users/carol" || n.To[0] != federation.PublicCollection {
		t.Errorf("activity %+v", n)
	}
	if note.AttributedTo != "https://gts.example/users/carol" || note.URL != "https://gts.example/@carol/statuses/01" ||
		len(note.Tags) != 1 || note.Tags[0].Type != "Hashtag" {
		t.Errorf("note %+v", note)
	}

	n, err = federation.DecodeActivity(seed(t, "flag"))
	if err != nil || len(n.Object) != 2 || n.Content != "spam & abuse" {
		t.Fatalf("flag: %+v %v", n, err)
	}
	n, err = federation.DecodeActivity(seed(t, "undo_follow"))
	if err != nil || n.FirstObject().Node == nil || n.FirstObject().Node.FirstObject().ID != "https://rounds.example/users/bob" {
		t.Fatalf("undo: %+v %v", n, err)
	}

	for _, tc := range []struct{ name, body string }{
		{"empty", ``},
		{"array", `["Create"]`},
		{"truncated", `{"id": "https://x.example/1", "type": `},
		{"no id", `{"type":"Follow","actor":"https://x.example/a","object":"https://y.example/b"}`},
		{"relative id", `{"id":"/1","type":"Follow","actor":"https://x.example/a"}`},
		{"no type", `{"id":"https://x.example/1","actor":"https://x.example/a"}`},
		{"no actor", `{"id":"https://x.example/1","type":"Follow"}`},
		{"actor not http", `{"id":"https://x.example/1","type":"Follow","actor":"javascript:alert(1)"}`},
		{"too deep", string(seed(t, "deep_nesting"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := federation.DecodeActivity([]byte(tc.body)); !errors.Is(err, federation.ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestVisibilityOf(t *testing.T) {
	const followers = "https://x.example/users/a/followers"
	const bob = "https://rounds.example/users/bob"
	for _, tc := range []struct {
		name   string
		to, cc []string
		want   visibility.Visibility
	}{
		{"public", []string{federation.PublicCollection}, []string{followers}, visibility.Public},
		{"unlisted", []string{followers}, []string{federation.PublicCollection}, visibility.Unlisted},
		{"private", []string{followers}, []string{bob}, visibility.Private},
		{"direct", []string{bob}, nil, visibility.Direct},
		{"followers in cc only is limited, shown as direct", []string{bob}, []string{followers}, visibility.Direct},
		{"nothing", nil, nil, visibility.Direct},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := federation.VisibilityOf(tc.to, tc.cc, followers); got != tc.want {
				t.Errorf("VisibilityOf = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestAddressRoundTrip checks that what Rounds sends is read back as the
// same visibility, for every visibility.
func TestAddressRoundTrip(t *testing.T) {
	const followers = "https://rounds.example/users/a/followers"
	mentioned := []string{"https://x.example/users/b"}
	for _, v := range visibility.All {
		to, cc := federation.Address(v, followers, mentioned)
		if got := federation.VisibilityOf(to, cc, followers); got != v {
			t.Errorf("%s: sent to=%v cc=%v, read back as %s", v, to, cc, got)
		}
		all := append(append([]string{}, to...), cc...)
		hasPublic := strings.Contains(strings.Join(all, " "), federation.PublicCollection)
		if hasPublic != (v == visibility.Public || v == visibility.Unlisted) {
			t.Errorf("%s: Public addressed = %v", v, hasPublic)
		}
		hasFollowers := strings.Contains(strings.Join(all, " "), followers)
		if hasFollowers == (v == visibility.Direct) {
			t.Errorf("%s: followers addressed = %v", v, hasFollowers)
		}
	}
}

func FuzzDecodeActivity(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := federation.DecodeActivity(body)
		if err != nil {
			if !errors.Is(err, federation.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if n.ID == "" || n.Type == "" || n.Actor == "" {
			t.Fatalf("accepted an activity without id, type or actor: %+v", n)
		}
		if len(n.To)+len(n.Cc) > 512 || len(n.Tags) > 100 || len(n.Object) > 100 {
			t.Fatalf("limits not applied: %d audience, %d tags, %d objects", len(n.To)+len(n.Cc), len(n.Tags), len(n.Object))
		}
		depth := 0
		for o := n.FirstObject().Node; o != nil; o = o.FirstObject().Node {
			if depth++; depth > 5 {
				t.Fatal("nesting deeper than the limit")
			}
		}
	})
}
