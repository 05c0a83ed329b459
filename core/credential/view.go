package credential

import (
	"fmt"
	"strings"
	"time"

	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// Verification is a verified physician credential as everyone sees it.
// A verification is public: it is what the physicians audience and the
// "verified by" badge of other instances rest on.
type Verification struct {
	// Credential is the text staff recorded ("MD, ABR diagnostic
	// radiology").
	Credential string
	VerifiedAt time.Time
	// Issuer is the domain of the instance that vouches for it: this
	// instance's for a local account, the account's own for a remote one.
	Issuer string
}

// Card is what it takes to show one account's professional profile to
// anyone: the profile with its audiences and the verification in force.
type Card struct {
	AccountID int64
	// Profile is never nil; an account without one has an empty profile.
	Profile *Profile
	// Verification is nil when none is in force.
	Verification *Verification
}

// Viewer is who is looking at professional profiles, with what the
// audience rule needs about them: their relations to the owners at hand
// and whether their own account is a verified physician. Build it with
// Service.Viewer; the zero Viewer is anonymous.
type Viewer struct {
	accountID int64
	local     bool
	physician bool
	admin     bool
	ties      storage.Ties
}

// Anonymous returns the viewer nobody is: what a cached or public
// document may show.
func Anonymous() Viewer { return Viewer{} }

// Physician reports whether the viewer is a verified physician.
func (v Viewer) Physician() bool { return v.physician }

// For returns the rule's view of v looking at ownerID's profile.
func (v Viewer) For(ownerID int64) visibility.FieldViewer {
	return visibility.FieldViewer{
		Viewer: visibility.Viewer{
			AccountID: v.accountID, Local: v.local, Admin: v.admin,
			Following: v.ties.Following, BlockedBy: v.ties.BlockedBy, Blocking: v.ties.Blocking,
		},
		Physician: v.physician,
	}
}

// Shown is a card as one viewer may see it: Profile holds only the
// fields in Visible (the others are empty and its Audience is empty too,
// so that nothing about the hidden fields, not even their audiences,
// leaves), and the verification, which is public.
type Shown struct {
	AccountID    int64
	Profile      Profile
	Visible      []Field
	Verification *Verification
	// specialty names the subspecialties when the specialty is hidden.
	specialty string
}

// Sight is what one viewer may see of one card: which of its fields and
// whether its verification. It is everything Show decides for the
// viewer, so two viewers with the same Sight of a card are shown the
// same thing (a rendering may be kept per card and Sight).
type Sight uint32

// sightVerification marks a shown verification; bit i below it marks
// Fields[i].
const sightVerification Sight = 1 << 31

// See decides what v may see of c: a field when it holds a value and
// visibility.MaySeeField lets the viewer see its audience; the
// verification unless a block stands between them.
func See(c *Card, v Viewer) Sight {
	var s Sight
	fv := v.For(c.AccountID)
	if c.Verification != nil && !fv.BlockedBy[c.AccountID] && !fv.Blocking[c.AccountID] {
		s |= sightVerification // a block hides the whole profile
	}
	p := c.Profile
	for i, f := range Fields {
		if p.Set(f) && visibility.MaySeeField(fv, c.AccountID, p.AudienceOf(f)) {
			s |= 1 << i
		}
	}
	return s
}

// Show filters a card for a viewer: what See decides, applied.
func Show(c *Card, v Viewer) Shown {
	return showSight(c, See(c, v))
}

// showSight filters a card to what sight (from See) lets through.
func showSight(c *Card, sight Sight) Shown {
	out := Shown{AccountID: c.AccountID}
	if sight&sightVerification != 0 {
		out.Verification = c.Verification
	}
	p := c.Profile
	out.specialty = p.Specialty
	for i, f := range Fields {
		if sight&(1<<i) == 0 {
			continue
		}
		out.Visible = append(out.Visible, f)
		q := &out.Profile
		switch f {
		case FieldProfession:
			q.Profession = p.Profession
		case FieldSpecialty:
			q.Specialty = p.Specialty
		case FieldSubspecialties:
			q.Subspecialties = p.Subspecialties
		case FieldInstitution:
			q.Institution = p.Institution
		case FieldDepartment:
			q.Department = p.Department
		case FieldTrainingProgram:
			q.TrainingProgram = p.TrainingProgram
		case FieldTraining:
			q.Stage, q.TrainingYear = p.Stage, p.TrainingYear
		case FieldGraduationYear:
			q.GraduationYear = p.GraduationYear
		case FieldBoardCertifications:
			q.BoardCertifications = p.BoardCertifications
		case FieldLanguages:
			q.Languages = p.Languages
		case FieldInterests:
			q.Interests = p.Interests
		case FieldContact:
			q.AcceptingConsults, q.AcceptingMentees = p.AcceptingConsults, p.AcceptingMentees
		}
	}
	return out
}

// Has reports whether field f is shown.
func (s Shown) Has(f Field) bool {
	for _, x := range s.Visible {
		if x == f {
			return true
		}
	}
	return false
}

// Line is one shown field as people read it, for Mastodon's profile
// fields, ActivityPub PropertyValues and the HTML page.
type Line struct {
	Field Field
	Name  string
	Value string
}

// Lines returns the shown fields as name/value lines, in display order.
// The specialty and its subspecialties make one line ("Radiology —
// Neuroradiology, Breast") when both are shown.
func (s Shown) Lines(vocab *Vocabulary) []Line {
	var out []Line
	p := s.Profile
	for _, f := range s.Visible {
		switch f {
		case FieldProfession:
			out = append(out, Line{f, "Profession", nameOf(Professions, p.Profession)})
		case FieldSpecialty:
			v := s.SpecialtyName(vocab)
			if s.Has(FieldSubspecialties) {
				v += " — " + strings.Join(s.SubspecialtyNames(vocab), ", ")
			}
			out = append(out, Line{f, "Specialty", v})
		case FieldSubspecialties:
			if !s.Has(FieldSpecialty) {
				out = append(out, Line{f, "Subspecialties", strings.Join(s.SubspecialtyNames(vocab), ", ")})
			}
		case FieldInstitution:
			out = append(out, Line{f, "Institution", p.Institution})
		case FieldDepartment:
			out = append(out, Line{f, "Department", p.Department})
		case FieldTrainingProgram:
			out = append(out, Line{f, "Training program", p.TrainingProgram})
		case FieldTraining:
			out = append(out, Line{f, "Training", TrainingText(p.Stage, p.TrainingYear)})
		case FieldGraduationYear:
			out = append(out, Line{f, "Graduation year", fmt.Sprint(p.GraduationYear)})
		case FieldBoardCertifications:
			out = append(out, Line{f, "Board certifications", strings.Join(p.BoardCertifications, "; ")})
		case FieldLanguages:
			out = append(out, Line{f, "Languages", strings.Join(p.Languages, ", ")})
		case FieldInterests:
			out = append(out, Line{f, "Interests", strings.Join(p.Interests, ", ")})
		case FieldContact:
			out = append(out, Line{f, "Contact", ContactText(p.AcceptingConsults, p.AcceptingMentees)})
		}
	}
	return out
}

// IsLineName reports whether name, ignoring case and surrounding space,
// is the name of a line Lines or VerificationLine gives ("Specialty",
// "Verified physician"): a remote Rounds actor's PropertyValues of these
// names are its professional profile again, not fields of its owner.
func IsLineName(name string) bool {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "profession", "specialty", "subspecialties", "institution", "department", "training program",
		"training", "graduation year", "board certifications", "languages", "interests", "contact",
		"verified physician":
		return true
	}
	return false
}

// SpecialtyName is the shown specialty's name ("" when hidden).
func (s Shown) SpecialtyName(vocab *Vocabulary) string {
	if s.Profile.Specialty == "" {
		return ""
	}
	if sp, ok := vocab.Specialty(s.Profile.Specialty); ok {
		return sp.Name
	}
	return s.Profile.Specialty
}

// SubspecialtyNames are the shown subspecialties' names.
func (s Shown) SubspecialtyNames(vocab *Vocabulary) []string {
	out := make([]string, len(s.Profile.Subspecialties))
	for i, code := range s.Profile.Subspecialties {
		out[i] = code
		if t, ok := vocab.Subspecialty(s.specialty, code); ok {
			out[i] = t.Name
		}
	}
	return out
}

// VerificationLine is the verification as a line ("Verified physician",
// "MD, ABR — verified by rounds.example"), ok false when there is none.
func (s Shown) VerificationLine() (Line, bool) {
	if s.Verification == nil {
		return Line{}, false
	}
	return Line{Name: "Verified physician", Value: s.Verification.Credential + " — verified by " + s.Verification.Issuer}, true
}

// TrainingText words a training stage and year: "Resident, PGY-3",
// "Student, year 2", "Attending".
func TrainingText(stage string, year int) string {
	name := nameOf(Stages, stage)
	switch {
	case year == 0:
		return name
	case stage == "student":
		return fmt.Sprintf("%s, year %d", name, year)
	}
	return fmt.Sprintf("%s, PGY-%d", name, year)
}

// ContactText words the contact preferences.
func ContactText(consults, mentees bool) string {
	switch {
	case consults && mentees:
		return "Accepting consults and mentees"
	case consults:
		return "Accepting consults"
	case mentees:
		return "Accepting mentees"
	}
	return "Not accepting consults or mentees"
}

// ProfessionName is the name of a profession code.
func ProfessionName(code string) string { return nameOf(Professions, code) }

// StageName is the name of a training stage code.
func StageName(code string) string { return nameOf(Stages, code) }

// Owner is the viewer an account is to its own profile: every field.
func Owner(a *storage.Account) Viewer { return Viewer{accountID: a.ID, local: a.Local()} }
