package federationtest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/federation/signature"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/webtest"
)

// signerOf signs as a local account of n.
func (n *node) signerOf(t *testing.T, a *storage.Account) *signature.Signer {
	t.Helper()
	s, err := signature.NewSigner(federation.LocalActorURLs(n.Instance, a).Key, *a.PrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fetchActor GETs an actor document, signed by s (unsigned when nil).
func fetchActor(t *testing.T, actorURL string, s *signature.Signer) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, actorURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/activity+json")
	if s != nil {
		if err := s.SignGet(req); err != nil {
			t.Fatal(err)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", actorURL, res.StatusCode, body)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return res, m
}

// attachmentNames lists an actor's PropertyValue names.
func attachmentNames(m map[string]any) []string {
	var out []string
	list, _ := m["attachment"].([]any)
	for _, x := range list {
		if pv, ok := x.(map[string]any); ok && pv["type"] == "PropertyValue" {
			out = append(out, pv["name"].(string))
		}
	}
	return out
}

// proAccount is the part of an API Account the professional tests read.
type proAccount struct {
	ID     string `json:"id"`
	Acct   string `json:"acct"`
	Fields []struct {
		Name       string  `json:"name"`
		Value      string  `json:"value"`
		VerifiedAt *string `json:"verified_at"`
	} `json:"fields"`
	Rounds struct {
		Profile      map[string]json.RawMessage `json:"profile"`
		Verification *struct {
			Credential string `json:"credential"`
			VerifiedBy string `json:"verified_by"`
		} `json:"verification"`
	} `json:"rounds"`
}

func (a proAccount) field(name string) (string, *string, bool) {
	for _, f := range a.Fields {
		if f.Name == name {
			return f.Value, f.VerifiedAt, true
		}
	}
	return "", nil, false
}

// The audience table through the actor document, fetched by every kind
// of remote viewer; the verification round trip across two instances;
// profile Updates; a forged third-party verification; the directory
// over a federated instance's profiles.
func TestProfessionalProfileFederation(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		ctx := context.Background()
		a := start(t, d, 0)
		b := start(t, d, 1)

		rivera := a.signIn(t, "rivera", false)
		if _, err := a.Credentials.Update(ctx, rivera.Account, credential.Patch{
			Specialty: ptr("radiology"), Subspecialties: ptr([]string{"neuroradiology"}),
			Institution: ptr("Mercy General"), Profession: ptr("physician"), Department: ptr("Stroke unit"),
			Audience: map[credential.Field]visibility.Audience{
				credential.FieldInstitution: "followers", credential.FieldProfession: "physicians", credential.FieldDepartment: "only_me",
			},
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Credentials.Verify(ctx, credential.Staff{Via: storage.VerifiedViaCLI}, "rivera", "MD, ABR diagnostic radiology"); err != nil {
			t.Fatal(err)
		}

		kim := b.signIn(t, "kim", false)
		if _, err := b.Credentials.Verify(ctx, credential.Staff{Via: storage.VerifiedViaCLI}, "kim", "MD, internal medicine"); err != nil {
			t.Fatal(err)
		}
		fan := b.signIn(t, "fan", false)
		fan.follow(t, rivera)
		eventually(t, "fan to follow rivera", func() bool { return fan.relationship(t, rivera).Following })
		plain := b.signIn(t, "plain", false)
		bAdmin, err := b.Accounts.Create(ctx, account.NewAccount{
			Username: "boss", Email: "boss@example.org", Password: webtest.Password, Role: account.RoleAdmin, Approved: true, Confirmed: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		mastodon := federationtest.NewRemoteActor(t, "instance", federationtest.KeyFragment)
		bActor, err := b.Accounts.InstanceActor(ctx)
		if err != nil {
			t.Fatal(err)
		}

		// The audience table through the actor document.
		actorURL := a.Instance.ActorURL("rivera")
		for _, tc := range []struct {
			name   string
			signer *signature.Signer
			want   [3]bool // public (Specialty), followers (Institution), physicians (Profession)
		}{
			{"remote Rounds instance's key", b.signerOf(t, bActor), [3]bool{true, false, false}},
			{"Mastodon-style server's instance key", mastodon.Signer(t), [3]bool{true, false, false}},
			{"remote stranger", b.signerOf(t, plain.Account), [3]bool{true, false, false}},
			{"remote follower", b.signerOf(t, fan.Account), [3]bool{true, true, false}},
			{"verified physician on a federated Rounds instance", b.signerOf(t, kim.Account), [3]bool{true, false, true}},
			// Being staff on one's own instance widens nothing.
			{"admin of a federated Rounds instance", b.signerOf(t, bAdmin), [3]bool{true, false, false}},
		} {
			res, doc := fetchActor(t, actorURL, tc.signer)
			names := attachmentNames(doc)
			got := [3]bool{slices.Contains(names, "Specialty"), slices.Contains(names, "Institution"), slices.Contains(names, "Profession")}
			if got != tc.want {
				t.Errorf("%s: attachments %v, want %v", tc.name, names, tc.want)
			}
			prof, _ := doc["professionalProfile"].(map[string]any)
			if prof["specialty"] != "radiology" || (prof["institution"] != nil) != tc.want[1] || (prof["profession"] != nil) != tc.want[2] {
				t.Errorf("%s: professionalProfile = %v", tc.name, prof)
			}
			raw, _ := json.Marshal(doc)
			if strings.Contains(string(raw), "Stroke unit") || strings.Contains(string(raw), "only_me") {
				t.Errorf("%s: an only_me field or an audience leaks: %s", tc.name, raw)
			}
			narrower := tc.want[1] || tc.want[2]
			if cc := res.Header.Get("Cache-Control"); strings.Contains(cc, "private") != narrower {
				t.Errorf("%s: Cache-Control %q", tc.name, cc)
			}
			v, _ := doc["physicianVerification"].(map[string]any)
			if v["issuer"] != a.Instance.Domain || v["subject"] != actorURL || v["credential"] != "MD, ABR diagnostic radiology" {
				t.Errorf("%s: physicianVerification = %v", tc.name, v)
			}
			ctxList, _ := doc["@context"].([]any)
			terms, _ := ctxList[len(ctxList)-1].(map[string]any)
			if terms["professionalProfile"] == nil || terms["rounds"] == nil {
				t.Errorf("%s: @context lacks the Rounds terms", tc.name)
			}
		}
		// Unsigned under authorized fetch: the minimal actor, no profile.
		_, doc := fetchActor(t, actorURL, nil)
		if doc["attachment"] != nil || doc["professionalProfile"] != nil {
			t.Errorf("unsigned fetch got the profile: %v", doc)
		}
		// A fetch signed with a key of A's own accounts (the owner's, even)
		// is refused: local viewers see the profile through A's API and
		// pages, never through a signed fetch of the actor.
		if status := signedStatus(t, actorURL, a.signerOf(t, rivera.Account)); status != http.StatusUnauthorized {
			t.Errorf("a fetch signed with a local key: %d", status)
		}

		// Verification round trip: B shows "verified by A".
		found := kim.lookup(t, rivera.acct())
		var seen proAccount
		kim.api(t, http.MethodGet, "/api/v1/accounts/"+found.ID, nil, 200, &seen)
		val, at, ok := seen.field("Verified physician")
		if !ok || at == nil || !strings.Contains(val, "verified by "+a.Instance.Domain) || seen.Rounds.Verification == nil ||
			seen.Rounds.Verification.VerifiedBy != a.Instance.Domain {
			t.Fatalf("B's view of rivera: %+v", seen)
		}
		if v, _, _ := seen.field("Specialty"); v != "Radiology — Neuroradiology" {
			t.Errorf("B's view lacks the public specialty: %+v", seen.Fields)
		}
		if _, _, ok := seen.field("Institution"); ok {
			t.Errorf("B stored a followers field from the public actor: %+v", seen.Fields)
		}
		// The remote profile is in B's directory, not in its local one.
		var dir []proAccount
		kim.api(t, http.MethodGet, "/api/v1/rounds/directory", url.Values{"specialty": {"radiology"}, "subspecialty": {"neuroradiology"}}, 200, &dir)
		if len(dir) != 1 || dir[0].Acct != rivera.acct() {
			t.Errorf("B's directory: %+v", dir)
		}
		kim.api(t, http.MethodGet, "/api/v1/rounds/directory", url.Values{"specialty": {"radiology"}, "local": {"true"}}, 200, &dir)
		if len(dir) != 0 {
			t.Errorf("B's local directory holds remote profiles: %+v", dir)
		}

		// A profile change and a revocation reach B as Updates.
		if _, err := a.Credentials.Update(ctx, rivera.Account, credential.Patch{
			Audience: map[credential.Field]visibility.Audience{credential.FieldInstitution: "public"},
		}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "B to show rivera's institution", func() bool {
			var s proAccount
			kim.api(t, http.MethodGet, "/api/v1/accounts/"+found.ID, nil, 200, &s)
			v, _, ok := s.field("Institution")
			return ok && v == "Mercy General"
		})
		if err := a.Credentials.Unverify(ctx, credential.Staff{Via: storage.VerifiedViaCLI}, "rivera"); err != nil {
			t.Fatal(err)
		}
		eventually(t, "B to drop rivera's verification", func() bool {
			var s proAccount
			kim.api(t, http.MethodGet, "/api/v1/accounts/"+found.ID, nil, 200, &s)
			_, _, ok := s.field("Verified physician")
			return !ok && s.Rounds.Verification == nil
		})

		// A forged verification: an actor on a third domain claims that A
		// (a trusted hospital) vouches for it. B never accepts it.
		mallory := federationtest.NewRemoteActor(t, "mallory", federationtest.KeyFragment)
		mallory.SetExtra(map[string]any{
			"physicianVerification": map[string]any{
				"subject": mallory.ID(), "issuer": a.Instance.Domain, "credential": "MD, board certified",
				"verifiedAt": time.Now().UTC().Format(time.RFC3339),
			},
			"professionalProfile": map[string]any{"specialty": "radiology"},
		})
		// And one that claims its own instance vouches for someone else.
		eve := federationtest.NewRemoteActor(t, "eve", federationtest.KeyFragment)
		eve.SetExtra(map[string]any{
			"physicianVerification": map[string]any{
				"subject": actorURL, "issuer": eve.Host(), "credential": "MD", "verifiedAt": time.Now().UTC().Format(time.RFC3339),
			},
		})
		for _, fake := range []*federationtest.RemoteActor{mallory, eve} {
			m := kim.lookup(t, fake.Acct())
			var s proAccount
			kim.api(t, http.MethodGet, "/api/v1/accounts/"+m.ID, nil, 200, &s)
			if _, _, ok := s.field("Verified physician"); ok || s.Rounds.Verification != nil {
				t.Errorf("forged verification of %s accepted: %+v", fake.Acct(), s)
			}
			remote, err := b.store.AccountByUsername(ctx, strings.Split(fake.Acct(), "@")[0], fake.Host())
			if err != nil {
				t.Fatal(err)
			}
			if vs, _ := b.store.ActiveVerificationsOf(ctx, []int64{remote.ID}); len(vs) != 0 {
				t.Errorf("forged verification of %s stored", fake.Acct())
			}
		}
		// Mallory's forged claim does not make her a physician on A either:
		// her signed fetch of rivera's actor shows no physicians field.
		_, doc = fetchActor(t, actorURL, mallory.Signer(t))
		if slices.Contains(attachmentNames(doc), "Profession") {
			t.Errorf("a forged physician sees physicians fields: %v", attachmentNames(doc))
		}
	})
}

func ptr[T any](v T) *T { return &v }

// signedStatus GETs an actor document signed by s and returns the status.
func signedStatus(t *testing.T, actorURL string, s *signature.Signer) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, actorURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/activity+json")
	if err := s.SignGet(req); err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
