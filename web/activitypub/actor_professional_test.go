package activitypub_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// The anonymous cell of the audience table through the actor document:
// with authorized fetch off, an unsigned fetch gets the public fields
// only, in a document caches may keep.
func TestUnsignedActorShowsPublicFields(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		ctx := context.Background()
		owner := srv.CreateAccount(t, "owner")
		creds := srv.Credentials
		str := func(v string) *string { return &v }
		if _, err := creds.Update(ctx, owner, credential.Patch{
			Specialty: str("radiology"), Institution: str("Mercy General"), Profession: str("physician"), Department: str("Stroke unit"),
			Audience: map[credential.Field]visibility.Audience{
				credential.FieldSpecialty: "public", credential.FieldInstitution: "followers",
				credential.FieldProfession: "physicians", credential.FieldDepartment: "only_me",
			},
		}); err != nil {
			t.Fatal(err)
		}
		res, body := get(t, srv.URL+"/users/owner", asAccept)
		if res.StatusCode != 200 {
			t.Fatalf("GET actor: %d %s", res.StatusCode, body)
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, x := range m["attachment"].([]any) {
			names = append(names, x.(map[string]any)["name"].(string))
		}
		prof, _ := m["professionalProfile"].(map[string]any)
		if strings.Join(names, ",") != "Specialty" || len(prof) != 1 || prof["specialty"] != "radiology" {
			t.Errorf("unsigned actor: attachments %v, professionalProfile %v", names, prof)
		}
		for _, secret := range []string{"Mercy General", "\"Physician\"", "\"profession\"", "Stroke unit", "only_me"} {
			if strings.Contains(string(body), secret) {
				t.Errorf("unsigned actor holds %q", secret)
			}
		}
		if strings.Contains(res.Header.Get("Cache-Control"), "private") {
			t.Errorf("the public actor is marked private: %q", res.Header.Get("Cache-Control"))
		}
	})
}
