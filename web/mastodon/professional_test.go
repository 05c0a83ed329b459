package mastodon_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// ownProfile is GET /api/v1/rounds/profile.
type ownProfile struct {
	Profession          string            `json:"profession"`
	Specialty           string            `json:"specialty"`
	Subspecialties      []string          `json:"subspecialties"`
	Institution         string            `json:"institution"`
	Department          string            `json:"department"`
	TrainingProgram     string            `json:"training_program"`
	TrainingStage       string            `json:"training_stage"`
	TrainingYear        *int              `json:"training_year"`
	GraduationYear      *int              `json:"graduation_year"`
	BoardCertifications []string          `json:"board_certifications"`
	Languages           []string          `json:"languages"`
	Interests           []string          `json:"interests"`
	AcceptingConsults   bool              `json:"accepting_consults"`
	AcceptingMentees    bool              `json:"accepting_mentees"`
	Audiences           map[string]string `json:"audiences"`
	Verification        *struct {
		Credential string `json:"credential"`
		VerifiedBy string `json:"verified_by"`
	} `json:"verification"`
}

func TestProfessionalProfileEdit(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		rivera := signIn(t, srv, "rivera")

		// Defaults: empty, specialty and institution public, training for
		// followers, everything else only_me.
		var p ownProfile
		get(t, srv, rivera, "/api/v1/rounds/profile", 200, &p)
		want := map[string]string{
			"profession": "only_me", "specialty": "public", "subspecialties": "public", "institution": "public",
			"department": "only_me", "training_program": "only_me", "training": "followers", "graduation_year": "only_me",
			"board_certifications": "only_me", "languages": "only_me", "interests": "only_me", "contact": "only_me",
		}
		if !mapsEqual(p.Audiences, want) || p.Specialty != "" || p.Subspecialties == nil || p.Verification != nil || p.TrainingYear != nil {
			t.Fatalf("default profile = %+v", p)
		}

		// JSON body.
		patchJSON(t, rivera, "/api/v1/rounds/profile", map[string]any{
			"profession": "trainee", "specialty": "Radiology", "subspecialties": []string{"neuroradiology", "head_and_neck"},
			"institution": "  St. Elsewhere  ", "training_program": "St. Elsewhere Diagnostic Radiology",
			"training_stage": "resident", "training_year": "PGY-3", "graduation_year": 2027,
			"languages": []string{"English", "Spanish", "english"}, "accepting_mentees": true,
			"audiences": map[string]string{"profession": "public", "training_program": "physicians", "languages": "followers"},
		}, 200, &p)
		if p.Specialty != "radiology" || !slices.Equal(p.Subspecialties, []string{"neuroradiology", "head_and_neck"}) ||
			p.Institution != "St. Elsewhere" || p.TrainingStage != "resident" || p.TrainingYear == nil || *p.TrainingYear != 3 ||
			p.GraduationYear == nil || *p.GraduationYear != 2027 || !slices.Equal(p.Languages, []string{"English", "Spanish"}) ||
			!p.AcceptingMentees || p.AcceptingConsults || p.Audiences["profession"] != "public" ||
			p.Audiences["training_program"] != "physicians" || p.Audiences["institution"] != "public" {
			t.Fatalf("after JSON patch: %+v", p)
		}

		// Form body: only the keys sent change; an empty list clears.
		patchForm(t, rivera, "/api/v1/rounds/profile", url.Values{
			"department": {"Radiology"}, "audiences[department]": {"followers"}, "languages[]": {""},
			"interests[]": {"stroke imaging", "MR physics"}, "accepting_consults": {"true"},
		}, 200, &p)
		if p.Department != "Radiology" || p.Audiences["department"] != "followers" || len(p.Languages) != 0 ||
			!slices.Equal(p.Interests, []string{"stroke imaging", "MR physics"}) || !p.AcceptingConsults ||
			p.Specialty != "radiology" || p.TrainingYear == nil {
			t.Fatalf("after form patch: %+v", p)
		}
		// A JSON [] clears a list too.
		patchJSON(t, rivera, "/api/v1/rounds/profile", map[string]any{"interests": []string{}}, 200, &p)
		if len(p.Interests) != 0 || p.Department != "Radiology" {
			t.Fatalf("after clearing interests: %+v", p)
		}

		// Errors: 422 naming the field, and nothing stored.
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"subspecialties": []string{"neuroradiology", "dermatopathology"}, "institution": "Changed"}, "subspecialties"},
			{map[string]any{"specialty": "astrology"}, "specialty"},
			{map[string]any{"audiences": map[string]string{"training": "friends"}, "institution": "Changed"}, "audiences[training]"},
			{map[string]any{"audiences": map[string]string{"shoe_size": "public"}}, "audiences[shoe_size]"},
			{map[string]any{"profession": "wizard"}, "profession"},
			{map[string]any{"training_stage": "chief"}, "training_stage"},
			{map[string]any{"training_year": 40}, "training_year"},
			{map[string]any{"training_year": "third"}, "training_year"},
			{map[string]any{"graduation_year": 1700}, "graduation_year"},
			{map[string]any{"institution": strings.Repeat("x", 201)}, "institution"},
			{map[string]any{"institution": "two\nlines"}, "institution"},
			{map[string]any{"interests": []string{strings.Repeat("y", 101)}}, "interests"},
			{map[string]any{"training_stage": "attending"}, "training_year"}, // PGY-3 stays set
		} {
			var e errorBody
			patchJSON(t, rivera, "/api/v1/rounds/profile", tc.body, 422, &e)
			if !strings.HasPrefix(e.Error, "Validation failed: "+tc.field+" ") {
				t.Errorf("PATCH %v: error %q does not name %s", tc.body, e.Error, tc.field)
			}
		}
		// The same through a form body.
		var e errorBody
		patchForm(t, rivera, "/api/v1/rounds/profile", url.Values{"subspecialties[]": {"gastroenterology"}}, 422, &e)
		if !strings.HasPrefix(e.Error, "Validation failed: subspecialties ") {
			t.Errorf("form error = %q", e.Error)
		}
		var after ownProfile
		get(t, srv, rivera, "/api/v1/rounds/profile", 200, &after)
		if after.Institution != "St. Elsewhere" || !slices.Equal(after.Subspecialties, p.Subspecialties) || after.Audiences["training"] != "followers" {
			t.Fatalf("a refused patch changed the profile: %+v", after)
		}
		// A new specialty drops the old one's subspecialties.
		patchJSON(t, rivera, "/api/v1/rounds/profile", map[string]any{"specialty": "cardiology"}, 200, &p)
		if p.Specialty != "cardiology" || len(p.Subspecialties) != 0 {
			t.Fatalf("after changing specialty: %+v", p)
		}

		// Authentication and scopes.
		decode(t, do(t, srv, nil, "GET", "/api/v1/rounds/profile", "", nil), 401, &e)
		reader := signIn(t, srv, "reader", "read")
		patchJSON(t, reader, "/api/v1/rounds/profile", map[string]any{"specialty": "radiology"}, 403, &e)
		decode(t, do(t, srv, rivera, "PATCH", "/api/v1/rounds/profile", "application/json", strings.NewReader("{")), 400, &e)

		// The vocabulary.
		var vocab struct {
			Specialties []struct {
				Code           string `json:"code"`
				Subspecialties []struct{ Code, Name string }
			} `json:"specialties"`
			Audiences []string `json:"audiences"`
		}
		get(t, srv, nil, "/api/v1/rounds/vocabulary", 200, &vocab)
		i := slices.IndexFunc(vocab.Specialties, func(s struct {
			Code           string `json:"code"`
			Subspecialties []struct{ Code, Name string }
		}) bool {
			return s.Code == "radiology"
		})
		if i < 0 || len(vocab.Specialties[i].Subspecialties) != 12 || !slices.Equal(vocab.Audiences, []string{"public", "followers", "physicians", "only_me"}) {
			t.Errorf("vocabulary = %+v", vocab)
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// The audience table through the API: each field audience against every
// local viewer kind, on GET /api/v1/accounts/:id and lookup.
func TestFieldAudiencesAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		owner := signIn(t, srv, "owner")
		// One field per audience.
		patchJSON(t, owner, "/api/v1/rounds/profile", map[string]any{
			"specialty": "radiology", "subspecialties": []string{"breast"}, // public
			"institution": "Mercy General",   // followers
			"profession":  "physician",       // physicians
			"department":  "Women's imaging", // only_me
			"audiences": map[string]string{
				"specialty": "public", "subspecialties": "public", "institution": "followers",
				"profession": "physicians", "department": "only_me",
			},
		}, 200, nil)

		stranger := signIn(t, srv, "stranger")
		follower := signIn(t, srv, "follower")
		follow(t, follower, owner.Account)
		physician := signIn(t, srv, "physician")
		verify(t, srv, "physician", "MD, ABR diagnostic radiology")
		admin := createRole(t, srv, "boss", "admin")
		blocked := signIn(t, srv, "blocked")
		follow(t, blocked, owner.Account)
		verify(t, srv, "blocked", "MD")
		postJSON(t, owner, "/api/v1/accounts/"+idStr(blocked.ID)+"/block", map[string]any{}, 200, nil)

		// want: public, followers, physicians, only_me
		cases := []struct {
			name string
			u    *user
			want [4]bool
		}{
			{"anonymous", nil, [4]bool{true, false, false, false}},
			{"local stranger", stranger, [4]bool{true, false, false, false}},
			{"local follower", follower, [4]bool{true, true, false, false}},
			{"verified physician here", physician, [4]bool{true, false, true, false}},
			{"owner", owner, [4]bool{true, true, true, true}},
			{"admin", admin, [4]bool{true, false, false, false}},
			{"blocked physician follower", blocked, [4]bool{false, false, false, false}},
		}
		for _, tc := range cases {
			for _, path := range []string{"/api/v1/accounts/" + idStr(owner.ID), "/api/v1/accounts/lookup?acct=owner"} {
				var a proAccount
				get(t, srv, tc.u, path, 200, &a)
				got := [4]bool{}
				v, ok := a.field("Specialty")
				got[0] = ok && v == "Radiology — Breast"
				_, got[1] = a.field("Institution")
				_, got[2] = a.field("Profession")
				_, got[3] = a.field("Department")
				if got != tc.want {
					t.Errorf("%s GET %s: fields %v, want %v", tc.name, path, a.fieldNames(), tc.want)
				}
				// Account.rounds agrees with Account.fields.
				r := a.Rounds.Profile
				rgot := [4]bool{r["specialty"] != nil && r["subspecialties"] != nil, r["institution"] != nil, r["profession"] != nil, r["department"] != nil}
				if rgot != tc.want {
					t.Errorf("%s GET %s: rounds.profile %v, want %v", tc.name, path, keys(r), tc.want)
				}
				body, _ := json.Marshal(a)
				for i, secret := range []string{"Radiology", "Mercy General", "Physician", "Women"} {
					if !tc.want[i] && strings.Contains(string(body), secret) {
						t.Errorf("%s GET %s: %q leaks", tc.name, path, secret)
					}
				}
				// Audiences are the owner's business only.
				if strings.Contains(string(body), "only_me") || strings.Contains(string(body), `"followers"`) {
					t.Errorf("%s: audiences leak: %s", tc.name, body)
				}
			}
		}

		// An account embedded in a status, a timeline page or a
		// notification carries what the viewer may see, as the account
		// endpoints do.
		st := post(t, owner, map[string]any{"status": "reading room open @follower", "visibility": "public"})
		for _, tc := range cases {
			if tc.u == blocked {
				continue // the block hides the status itself
			}
			var seen struct {
				Account proAccount `json:"account"`
			}
			get(t, srv, tc.u, "/api/v1/statuses/"+st.ID, 200, &seen)
			got := [4]bool{}
			v, ok := seen.Account.field("Specialty")
			got[0] = ok && v == "Radiology — Breast"
			_, got[1] = seen.Account.field("Institution")
			_, got[2] = seen.Account.field("Profession")
			_, got[3] = seen.Account.field("Department")
			if got != tc.want {
				t.Errorf("%s: embedded account fields %v, want %v", tc.name, seen.Account.fieldNames(), tc.want)
			}
		}
		var home []struct {
			Account proAccount `json:"account"`
		}
		get(t, srv, follower, "/api/v1/timelines/home", 200, &home)
		if len(home) == 0 {
			t.Fatal("the follower's home timeline is empty")
		}
		if _, ok := home[0].Account.field("Institution"); !ok {
			t.Errorf("home timeline: the follower does not see the followers field: %v", home[0].Account.fieldNames())
		}
		var notes []struct {
			Type   string `json:"type"`
			Status struct {
				Account proAccount `json:"account"`
			} `json:"status"`
		}
		get(t, srv, follower, "/api/v1/notifications?types[]=mention", 200, &notes)
		if len(notes) != 1 {
			t.Fatalf("mention notifications = %d, want 1", len(notes))
		}
		if _, ok := notes[0].Status.Account.field("Institution"); !ok {
			t.Errorf("notification: the follower does not see the followers field: %v", notes[0].Status.Account.fieldNames())
		}
		if _, ok := notes[0].Status.Account.field("Department"); ok {
			t.Errorf("notification: an only_me field leaks to the follower")
		}

		// verify_credentials shows the owner everything.
		var me proAccount
		get(t, srv, owner, "/api/v1/accounts/verify_credentials", 200, &me)
		if _, ok := me.field("Department"); !ok {
			t.Errorf("verify_credentials: %v", me.fieldNames())
		}
	})
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
