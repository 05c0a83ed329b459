package federation

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rounds-md/rounds/storage"
)

// A remote actor's own fields: PropertyValues only, names as one line of
// text, values as sanitised HTML, capped; a forged badge dropped, and a
// Rounds actor's professional lines left to its Rounds terms.
func TestParseFields(t *testing.T) {
	pv := func(name, value string) map[string]any {
		return map[string]any{"type": "PropertyValue", "name": name, "value": value}
	}
	doc := func(rounds bool, attachment any) []byte {
		m := map[string]any{"id": "https://a.example/users/x", "type": "Person", "attachment": attachment}
		if rounds {
			m["@context"] = actorContext()
		}
		b, _ := json.Marshal(m)
		return b
	}
	many := make([]any, 0, 14)
	for i := range 14 {
		many = append(many, pv(fmt.Sprintf("Field %d", i), "v"))
	}
	for _, tc := range []struct {
		name   string
		body   []byte
		rounds bool
		want   []storage.ProfileField
	}{
		{"Mastodon fields", doc(false, []any{
			pv("Website", `<a href="https://x.example" rel="me"><span class="invisible">https://</span>x.example</a>`),
			pv("Pronouns", "she/her"),
			map[string]any{"type": "IdentityProof", "name": "keybase", "value": "x"},
			pv("<b>Bold</b>\nname\t ", `<script>alert(1)</script><p onclick="x()">ok</p>`),
			pv("", "no name"),
		}), false, []storage.ProfileField{
			{Name: "Website", Value: `<a href="https://x.example" rel="nofollow noreferrer noopener" target="_blank"><span class="invisible">https://</span>x.example</a>`},
			{Name: "Pronouns", Value: "she/her"},
			{Name: "Bold name", Value: "<p>ok</p>"},
		}},
		{"one object, type as a list", doc(false, map[string]any{"type": []string{"PropertyValue"}, "name": "Lab", "value": "MRI"}), false,
			[]storage.ProfileField{{Name: "Lab", Value: "MRI"}}},
		{"a forged badge is dropped from any actor; Specialty kept on Mastodon", doc(false, []any{
			pv(" verified PHYSICIAN ", "MD — verified by hospital.example"), pv("Specialty", "Cardiology"),
		}), false, []storage.ProfileField{{Name: "Specialty", Value: "Cardiology"}}},
		{"a Rounds actor's professional lines are not its own fields", doc(true, []any{
			pv("Website", "w"), pv("Specialty", "Radiology — Neuroradiology"), pv("Institution", "Mercy"),
			pv("Verified physician", "MD — verified by a.example"),
		}), true, []storage.ProfileField{{Name: "Website", Value: "w"}}},
		{"capped", doc(false, many), false, nil},
		{"no attachment", []byte(`{"id":"x"}`), false, nil},
		{"attachment of another shape", []byte(`{"attachment":"https://a.example/x"}`), false, nil},
	} {
		got := parseFields(tc.body, tc.rounds)
		if tc.name == "capped" {
			if len(got) != maxRemoteFields || got[0].Name != "Field 0" {
				t.Errorf("%s: %d fields", tc.name, len(got))
			}
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}

	// Lengths are cut.
	long := parseFields(doc(false, []any{pv(strings.Repeat("n", 1000), strings.Repeat("v", 10000))}), false)
	if len(long) != 1 || utf8.RuneCountInString(long[0].Name) != maxRemoteFieldNameRunes || utf8.RuneCountInString(long[0].Value) > maxRemoteFieldValueRunes {
		t.Errorf("long field: %d name runes, %d value runes", utf8.RuneCountInString(long[0].Name), utf8.RuneCountInString(long[0].Value))
	}
}

// parseProfessional tells a Rounds actor by its terms, even when it shows
// the public nothing.
func TestParseProfessionalRounds(t *testing.T) {
	const id = "https://a.example/users/x"
	ctx, _ := json.Marshal(actorContext())
	for _, tc := range []struct {
		body string
		want bool
	}{
		{`{"id":"` + id + `","@context":` + string(ctx) + `}`, true},
		{`{"id":"` + id + `","professionalProfile":{"specialty":"radiology"}}`, true},
		{`{"id":"` + id + `","physicianVerification":{"subject":"` + id + `","issuer":"a.example","credential":"MD"}}`, true},
		{`{"id":"` + id + `","@context":["https://www.w3.org/ns/activitystreams",{"toot":"http://joinmastodon.org/ns#"}]}`, false},
		{`{"id":"` + id + `","professionalProfile":null}`, false},
	} {
		r, err := parseProfessional([]byte(tc.body), id)
		if err != nil || r.Rounds != tc.want {
			t.Errorf("%s: Rounds = %v, %v", tc.body, r.Rounds, err)
		}
	}
}
