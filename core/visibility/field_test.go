package visibility_test

import (
	"testing"

	"github.com/rounds-md/rounds/core/visibility"
)

// The field audience table: every viewer kind the professional profile
// issue lists (and a few more) against every audience.
func TestMaySeeField(t *testing.T) {
	const owner, follower, stranger, physician, remotePhysician, instanceActor, admin, blocked, both, persona = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
	follows := map[int64]bool{owner: true}
	fv := func(id int64, local bool) visibility.FieldViewer {
		return visibility.FieldViewer{Viewer: visibility.Viewer{AccountID: id, Local: local}}
	}
	viewers := []struct {
		name string
		v    visibility.FieldViewer
	}{
		{"anonymous", visibility.FieldViewer{}},
		{"local stranger", fv(stranger, true)},
		{"local follower", func() visibility.FieldViewer { v := fv(follower, true); v.Following = follows; return v }()},
		{"verified physician here", func() visibility.FieldViewer { v := fv(physician, true); v.Physician = true; return v }()},
		{"verified physician on a federated instance", func() visibility.FieldViewer { v := fv(remotePhysician, false); v.Physician = true; return v }()},
		// A Mastodon server fetching with its instance actor's key: a
		// remote Application that follows nobody and is no physician.
		{"remote server's instance key", fv(instanceActor, false)},
		{"owner", fv(owner, true)},
		{"admin", func() visibility.FieldViewer { v := fv(admin, true); v.Admin = true; return v }()},
		{"physician who follows", func() visibility.FieldViewer {
			v := fv(both, true)
			v.Physician, v.Following = true, follows
			return v
		}()},
		// The owner blocked this verified physician follower: nothing shows.
		{"blocked physician follower", func() visibility.FieldViewer {
			v := fv(blocked, true)
			v.Physician, v.Following, v.BlockedBy = true, follows, map[int64]bool{owner: true}
			return v
		}()},
		{"viewer blocking the owner", func() visibility.FieldViewer {
			v := fv(blocked, true)
			v.Blocking = map[int64]bool{owner: true}
			return v
		}()},
		// Another persona of the owner's sign-in is just another account.
		{"owner's other persona", fv(persona, true)},
	}
	// want[viewer] = {public, followers, physicians, only_me}
	want := map[string][4]bool{
		"anonymous":               {true, false, false, false},
		"local stranger":          {true, false, false, false},
		"local follower":          {true, true, false, false},
		"verified physician here": {true, false, true, false},
		"verified physician on a federated instance": {true, false, true, false},
		"remote server's instance key":               {true, false, false, false},
		"owner":                                      {true, true, true, true},
		"admin":                                      {true, false, false, false},
		"physician who follows":                      {true, true, true, false},
		"blocked physician follower":                 {false, false, false, false},
		"viewer blocking the owner":                  {false, false, false, false},
		"owner's other persona":                      {true, false, false, false},
	}
	for _, vw := range viewers {
		w, ok := want[vw.name]
		if !ok {
			t.Fatalf("no expectation for %s", vw.name)
		}
		for i, a := range visibility.Audiences {
			if got := visibility.MaySeeField(vw.v, owner, a); got != w[i] {
				t.Errorf("%s viewing a %s field: MaySeeField = %v, want %v", vw.name, a, got, w[i])
			}
		}
	}
}

func TestMaySeeFieldEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name  string
		v     visibility.FieldViewer
		owner int64
		a     visibility.Audience
		want  bool
	}{
		{"unknown audience hidden from a physician follower", visibility.FieldViewer{Viewer: visibility.Viewer{AccountID: 2, Following: map[int64]bool{1: true}}, Physician: true}, 1, "colleagues", false},
		{"unknown audience shown to the owner", visibility.FieldViewer{Viewer: visibility.Viewer{AccountID: 1}}, 1, "colleagues", true},
		{"empty audience is nobody's", visibility.FieldViewer{Viewer: visibility.Viewer{AccountID: 2}}, 1, "", false},
		{"anonymous is never the owner of an unowned profile", visibility.FieldViewer{}, 0, visibility.AudienceOnlyMe, false},
		{"anonymous physician flag opens nothing", visibility.FieldViewer{Physician: true}, 1, visibility.AudiencePhysicians, false},
		{"following someone else does not open followers", visibility.FieldViewer{Viewer: visibility.Viewer{AccountID: 2, Following: map[int64]bool{9: true}}}, 1, visibility.AudienceFollowers, false},
		{"a block of someone else hides nothing", visibility.FieldViewer{Viewer: visibility.Viewer{AccountID: 2, BlockedBy: map[int64]bool{9: true}}}, 1, visibility.AudiencePublic, true},
	} {
		if got := visibility.MaySeeField(tc.v, tc.owner, tc.a); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestParseAudience(t *testing.T) {
	for _, s := range []string{"public", "followers", "physicians", "only_me"} {
		if a, ok := visibility.ParseAudience(s); !ok || a.String() != s {
			t.Errorf("ParseAudience(%q) = %q, %v", s, a, ok)
		}
	}
	for _, s := range []string{"", "Public", "private", "only-me", "direct", "physician"} {
		if _, ok := visibility.ParseAudience(s); ok {
			t.Errorf("ParseAudience(%q) accepted", s)
		}
	}
	if visibility.Narrower(visibility.AudiencePublic) || !visibility.Narrower(visibility.AudienceFollowers) || !visibility.Narrower("x") {
		t.Error("Narrower is wrong")
	}
}
