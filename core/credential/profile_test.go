package credential_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/visibility"
)

func TestValidate(t *testing.T) {
	vocab := credential.DefaultVocabulary()
	for _, tc := range []struct {
		name  string
		p     credential.Profile
		field string // "" when valid
	}{
		{"empty", credential.Profile{}, ""},
		{"radiology with subspecialties", credential.Profile{Specialty: "RADIOLOGY", Subspecialties: []string{"Neuroradiology", " breast "}}, ""},
		{"every radiology subspecialty", credential.Profile{Specialty: "radiology", Subspecialties: []string{
			"neuroradiology", "musculoskeletal", "breast", "body", "thoracic", "cardiac", "pediatric",
			"interventional", "nuclear_medicine", "emergency", "genitourinary", "head_and_neck"}}, ""},
		{"unknown specialty", credential.Profile{Specialty: "alchemy"}, "specialty"},
		{"subspecialty of another specialty", credential.Profile{Specialty: "cardiology", Subspecialties: []string{"neuroradiology"}}, "subspecialties"},
		{"subspecialty without specialty", credential.Profile{Subspecialties: []string{"breast"}}, "subspecialties"},
		{"unknown profession", credential.Profile{Profession: "surgeon general"}, "profession"},
		{"unknown stage", credential.Profile{Stage: "registrar"}, "training_stage"},
		{"year without stage", credential.Profile{TrainingYear: 2}, "training_year"},
		{"year for an attending", credential.Profile{Stage: "attending", TrainingYear: 2}, "training_year"},
		{"year too high", credential.Profile{Stage: "resident", TrainingYear: 13}, "training_year"},
		{"graduation year too early", credential.Profile{GraduationYear: 1900}, "graduation_year"},
		{"institution too long", credential.Profile{Institution: strings.Repeat("é", 201)}, "institution"},
		{"control character", credential.Profile{Department: "a\tb"}, "department"},
		{"invalid UTF-8", credential.Profile{TrainingProgram: "\xff"}, "training_program"},
		{"too many languages", credential.Profile{Languages: slices.Repeat([]string{"x"}, 21)}, ""}, // repeats collapse
		{"too many interests", credential.Profile{Interests: func() []string {
			var l []string
			for i := range 21 {
				l = append(l, strings.Repeat("i", i+1))
			}
			return l
		}()}, "interests"},
		{"unknown audience", credential.Profile{Audience: map[credential.Field]visibility.Audience{credential.FieldInstitution: "colleagues"}}, "audiences[institution]"},
		{"unknown field", credential.Profile{Audience: map[credential.Field]visibility.Audience{"blood_type": "public"}}, "audiences[blood_type]"},
	} {
		p := tc.p
		err := p.Validate(vocab)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var inv *core.InvalidError
		if !errors.As(err, &inv) || inv.Field != tc.field || !errors.Is(err, core.ErrInvalid) {
			t.Errorf("%s: err = %v, want invalid %s", tc.name, err, tc.field)
		}
	}
	p := credential.Profile{Specialty: " Radiology ", Subspecialties: []string{"BREAST", "", "breast"}, Languages: []string{"en", " EN ", "es"}}
	if err := p.Validate(vocab); err != nil || p.Specialty != "radiology" || !slices.Equal(p.Subspecialties, []string{"breast"}) || !slices.Equal(p.Languages, []string{"en", "es"}) {
		t.Errorf("normalised = %+v, %v", p, err)
	}
}

func TestDefaultsAndLines(t *testing.T) {
	p := &credential.Profile{}
	for f, want := range map[credential.Field]visibility.Audience{
		credential.FieldSpecialty: "public", credential.FieldSubspecialties: "public", credential.FieldInstitution: "public",
		credential.FieldTraining: "followers", credential.FieldProfession: "only_me", credential.FieldDepartment: "only_me",
		credential.FieldTrainingProgram: "only_me", credential.FieldGraduationYear: "only_me", credential.FieldBoardCertifications: "only_me",
		credential.FieldLanguages: "only_me", credential.FieldInterests: "only_me", credential.FieldContact: "only_me",
	} {
		if got := p.AudienceOf(f); got != want {
			t.Errorf("default audience of %s = %s, want %s", f, got, want)
		}
	}
	vocab := credential.DefaultVocabulary()
	card := &credential.Card{AccountID: 1, Profile: &credential.Profile{
		Profession: "trainee", Specialty: "radiology", Subspecialties: []string{"neuroradiology", "body"},
		Institution: "Mercy", Stage: "resident", TrainingYear: 3, GraduationYear: 2027,
		AcceptingConsults: true, AcceptingMentees: true,
		Audience: map[credential.Field]visibility.Audience{
			credential.FieldProfession: "public", credential.FieldGraduationYear: "public", credential.FieldContact: "public",
		},
	}}
	lines := credential.Show(card, credential.Anonymous()).Lines(vocab)
	got := map[string]string{}
	for _, l := range lines {
		got[l.Name] = l.Value
	}
	want := map[string]string{
		"Profession": "Physician in training", "Specialty": "Radiology — Neuroradiology, Body/abdominal",
		"Institution": "Mercy", "Graduation year": "2027", "Contact": "Accepting consults and mentees",
	}
	if len(got) != len(want) {
		t.Errorf("lines = %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("line %s = %q, want %q", k, got[k], v)
		}
	}
	// Subspecialties alone when the specialty is hidden.
	card.Profile.Audience[credential.FieldSpecialty] = "only_me"
	s := credential.Show(card, credential.Anonymous())
	if s.Has(credential.FieldSpecialty) || s.Profile.Specialty != "" {
		t.Fatalf("hidden specialty shown: %+v", s)
	}
	if l := s.Lines(vocab); len(l) < 2 || l[1].Name != "Subspecialties" || l[1].Value != "Neuroradiology, Body/abdominal" {
		t.Errorf("lines = %+v", l)
	}
	if len(s.Profile.Audience) != 0 {
		t.Error("Shown carries audiences")
	}
	for _, tc := range []struct {
		stage string
		year  int
		want  string
	}{{"resident", 3, "Resident, PGY-3"}, {"student", 2, "Student, year 2"}, {"attending", 0, "Attending"}, {"fellow", 6, "Fellow, PGY-6"}} {
		if got := credential.TrainingText(tc.stage, tc.year); got != tc.want {
			t.Errorf("TrainingText(%s, %d) = %q", tc.stage, tc.year, got)
		}
	}
}

func TestVocabularyExtend(t *testing.T) {
	v := credential.DefaultVocabulary()
	v.Extend("cardiology", "Cardiology", credential.Term{Code: "electrophysiology", Name: "Electrophysiology"})
	v.Extend("cardiology", "ignored", credential.Term{Code: "electrophysiology", Name: "Duplicate"}, credential.Term{Code: "imaging", Name: "Imaging"})
	v.Extend("genetics", "Medical genetics", credential.Term{Code: "cancer", Name: "Cancer genetics"})
	p := credential.Profile{Specialty: "cardiology", Subspecialties: []string{"electrophysiology", "imaging"}}
	if err := p.Validate(v); err != nil {
		t.Fatal(err)
	}
	if sp, ok := v.Specialty("cardiology"); !ok || sp.Name != "Cardiology" || len(sp.Subspecialties) != 2 || sp.Subspecialties[0].Name != "Electrophysiology" {
		t.Errorf("cardiology = %+v", sp)
	}
	if sp, ok := v.Specialty("genetics"); !ok || sp.Name != "Medical genetics" {
		t.Errorf("genetics = %+v", sp)
	}
	all := v.Specialties()
	if all[len(all)-1].Code != "other" || !slices.IsSortedFunc(all[:len(all)-1], func(a, b credential.Specialty) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("specialties not sorted by name with other last")
	}
	// The default vocabulary is not changed by extending another.
	if _, ok := credential.DefaultVocabulary().Specialty("genetics"); ok {
		t.Error("Extend changed the default vocabulary")
	}
}
