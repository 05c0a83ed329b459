package credential

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/visibility"
)

// Field names one field of the professional profile, each with its own
// audience. The names are the API's.
type Field string

// The fields of a professional profile.
const (
	FieldProfession          Field = "profession"
	FieldSpecialty           Field = "specialty"
	FieldSubspecialties      Field = "subspecialties"
	FieldInstitution         Field = "institution"
	FieldDepartment          Field = "department"
	FieldTrainingProgram     Field = "training_program"
	FieldTraining            Field = "training" // stage and year (PGY-3)
	FieldGraduationYear      Field = "graduation_year"
	FieldBoardCertifications Field = "board_certifications"
	FieldLanguages           Field = "languages"
	FieldInterests           Field = "interests"
	FieldContact             Field = "contact" // accepting consults, mentees
)

// Fields lists every field in display order.
var Fields = []Field{
	FieldProfession, FieldSpecialty, FieldSubspecialties, FieldInstitution, FieldDepartment,
	FieldTrainingProgram, FieldTraining, FieldGraduationYear, FieldBoardCertifications,
	FieldLanguages, FieldInterests, FieldContact,
}

// DefaultAudience is the audience a field has until its owner chooses:
// specialty (with its subspecialties) and institution public, training
// (stage and year) followers, everything else only_me.
func DefaultAudience(f Field) visibility.Audience {
	switch f {
	case FieldSpecialty, FieldSubspecialties, FieldInstitution:
		return visibility.AudiencePublic
	case FieldTraining:
		return visibility.AudienceFollowers
	}
	return visibility.AudienceOnlyMe
}

// Limits on profile values.
const (
	MaxTextRunes  = 200 // institution, department, training program
	MaxItemRunes  = 100 // one board certification, language or interest
	MaxListItems  = 20
	MinGradYear   = 1940
	MaxGradYear   = 2100
	MaxTrainingYr = 12
)

// Profile is a professional profile: the values and, for each field, the
// audience its owner chose. The zero value is an empty profile whose
// fields all have their default audience.
type Profile struct {
	Profession          string
	Specialty           string
	Subspecialties      []string
	Institution         string
	Department          string
	TrainingProgram     string
	Stage               string
	TrainingYear        int // 1 for PGY-1; 0 unset
	GraduationYear      int // 0 unset
	BoardCertifications []string
	Languages           []string
	Interests           []string
	AcceptingConsults   bool
	AcceptingMentees    bool
	// Audience holds the owner's choices; a field not in it has its
	// DefaultAudience.
	Audience map[Field]visibility.Audience
}

// AudienceOf returns the audience of f.
func (p *Profile) AudienceOf(f Field) visibility.Audience {
	if a, ok := p.Audience[f]; ok {
		return a
	}
	return DefaultAudience(f)
}

// Set reports whether field f holds a value (empty fields are never shown).
func (p *Profile) Set(f Field) bool {
	switch f {
	case FieldProfession:
		return p.Profession != ""
	case FieldSpecialty:
		return p.Specialty != ""
	case FieldSubspecialties:
		return len(p.Subspecialties) > 0
	case FieldInstitution:
		return p.Institution != ""
	case FieldDepartment:
		return p.Department != ""
	case FieldTrainingProgram:
		return p.TrainingProgram != ""
	case FieldTraining:
		return p.Stage != ""
	case FieldGraduationYear:
		return p.GraduationYear != 0
	case FieldBoardCertifications:
		return len(p.BoardCertifications) > 0
	case FieldLanguages:
		return len(p.Languages) > 0
	case FieldInterests:
		return len(p.Interests) > 0
	case FieldContact:
		return p.AcceptingConsults || p.AcceptingMentees
	}
	return false
}

// Clear empties field f, leaving its audience.
func (p *Profile) Clear(f Field) {
	switch f {
	case FieldProfession:
		p.Profession = ""
	case FieldSpecialty:
		p.Specialty, p.Subspecialties = "", nil
	case FieldSubspecialties:
		p.Subspecialties = nil
	case FieldInstitution:
		p.Institution = ""
	case FieldDepartment:
		p.Department = ""
	case FieldTrainingProgram:
		p.TrainingProgram = ""
	case FieldTraining:
		p.Stage, p.TrainingYear = "", 0
	case FieldGraduationYear:
		p.GraduationYear = 0
	case FieldBoardCertifications:
		p.BoardCertifications = nil
	case FieldLanguages:
		p.Languages = nil
	case FieldInterests:
		p.Interests = nil
	case FieldContact:
		p.AcceptingConsults, p.AcceptingMentees = false, false
	}
}

// Validate checks p against vocab and the limits, normalising it in
// place (trimmed text, codes in lower case, lists without blanks or
// repeats). The first broken rule is a core.Invalid naming the field as
// the API does ("subspecialties", "audiences[training]").
func (p *Profile) Validate(vocab *Vocabulary) error {
	p.Profession = strings.ToLower(strings.TrimSpace(p.Profession))
	if p.Profession != "" && !known(Professions, p.Profession) {
		return core.Invalid("profession", "must be one of "+codes(Professions))
	}
	p.Specialty = strings.ToLower(strings.TrimSpace(p.Specialty))
	if p.Specialty != "" {
		if _, ok := vocab.Specialty(p.Specialty); !ok {
			return core.Invalid("specialty", fmt.Sprintf("%q is not a known specialty", clipped(p.Specialty)))
		}
	}
	subs, err := cleanList("subspecialties", p.Subspecialties, MaxItemRunes)
	if err != nil {
		return err
	}
	for i, s := range subs {
		subs[i] = strings.ToLower(s)
		if p.Specialty == "" {
			return core.Invalid("subspecialties", "need a specialty")
		}
		if _, ok := vocab.Subspecialty(p.Specialty, subs[i]); !ok {
			return core.Invalid("subspecialties", fmt.Sprintf("%q is not a subspecialty of %s", clipped(subs[i]), p.Specialty))
		}
	}
	p.Subspecialties = dedupe(subs)
	for _, t := range []struct {
		name string
		v    *string
	}{{"institution", &p.Institution}, {"department", &p.Department}, {"training_program", &p.TrainingProgram}} {
		*t.v = strings.TrimSpace(*t.v)
		if err := checkText(t.name, *t.v, MaxTextRunes); err != nil {
			return err
		}
	}
	p.Stage = strings.ToLower(strings.TrimSpace(p.Stage))
	if p.Stage != "" && !known(Stages, p.Stage) {
		return core.Invalid("training_stage", "must be one of "+codes(Stages))
	}
	switch {
	case p.TrainingYear < 0 || p.TrainingYear > MaxTrainingYr:
		return core.Invalid("training_year", fmt.Sprintf("must be between 1 and %d", MaxTrainingYr))
	case p.TrainingYear != 0 && p.Stage == "":
		return core.Invalid("training_year", "needs a training stage")
	case p.TrainingYear != 0 && (p.Stage == "attending" || p.Stage == "emeritus"):
		return core.Invalid("training_year", "applies only to students, interns, residents and fellows")
	}
	if p.GraduationYear != 0 && (p.GraduationYear < MinGradYear || p.GraduationYear > MaxGradYear) {
		return core.Invalid("graduation_year", fmt.Sprintf("must be between %d and %d", MinGradYear, MaxGradYear))
	}
	for _, l := range []struct {
		name string
		v    *[]string
	}{{"board_certifications", &p.BoardCertifications}, {"languages", &p.Languages}, {"interests", &p.Interests}} {
		items, err := cleanList(l.name, *l.v, MaxItemRunes)
		if err != nil {
			return err
		}
		*l.v = dedupe(items)
	}
	for f, a := range p.Audience {
		if !slices.Contains(Fields, f) {
			return core.Invalid("audiences["+string(f)+"]", "is not a profile field")
		}
		if _, ok := visibility.ParseAudience(string(a)); !ok {
			return core.Invalid("audiences["+string(f)+"]", "must be public, followers, physicians or only_me")
		}
	}
	return nil
}

// cleanList trims the items of a list, drops blank ones and checks each.
func cleanList(name string, items []string, max int) ([]string, error) {
	out := make([]string, 0, len(items))
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it == "" {
			continue
		}
		if err := checkText(name, it, max); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	out = dedupe(out)
	if len(out) > MaxListItems {
		return nil, core.Invalid(name, fmt.Sprintf("must have at most %d items", MaxListItems))
	}
	return out, nil
}

// checkText refuses text that is too long, not UTF-8, or holds line
// breaks or other control characters.
func checkText(name, s string, max int) error {
	if !utf8.ValidString(s) {
		return core.Invalid(name, "is not valid UTF-8")
	}
	if utf8.RuneCountInString(s) > max {
		return core.Invalid(name, fmt.Sprintf("must be at most %d characters", max))
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return core.Invalid(name, "must not hold line breaks or control characters")
	}
	return nil
}

// dedupe drops repeats (compared without case), keeping the first.
func dedupe(items []string) []string {
	var out []string
	for _, it := range items {
		if !slices.ContainsFunc(out, func(x string) bool { return strings.EqualFold(x, it) }) {
			out = append(out, it)
		}
	}
	return out
}

// codes lists the codes of terms for a message.
func codes(terms []Term) string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = t.Code
	}
	return strings.Join(out, ", ")
}

// clipped shortens a value quoted back in a message.
func clipped(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
