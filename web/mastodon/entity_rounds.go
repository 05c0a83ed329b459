package mastodon

import (
	"html"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/oauth"
)

// RoundsAccount is Account.rounds: the professional profile as the viewer
// may see it (hidden fields are absent, not empty) and the verification,
// which is public. Mastodon clients ignore it.
type RoundsAccount struct {
	Profile      RoundsProfile       `json:"profile"`
	Verification *RoundsVerification `json:"verification"`
}

// RoundsTerm is a code of a controlled list with its name.
type RoundsTerm struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// RoundsTraining is the training stage and year.
type RoundsTraining struct {
	Stage RoundsTerm `json:"stage"`
	// Year is the year of training (3 for PGY-3), absent when not set.
	Year *int   `json:"year,omitempty"`
	Text string `json:"text"`
}

// RoundsContact are the contact preferences.
type RoundsContact struct {
	AcceptingConsults bool `json:"accepting_consults"`
	AcceptingMentees  bool `json:"accepting_mentees"`
}

// RoundsProfile is the structured professional profile; each key is
// present only when the viewer may see the field and it is set.
type RoundsProfile struct {
	Profession          *RoundsTerm     `json:"profession,omitempty"`
	Specialty           *RoundsTerm     `json:"specialty,omitempty"`
	Subspecialties      []RoundsTerm    `json:"subspecialties,omitempty"`
	Institution         string          `json:"institution,omitempty"`
	Department          string          `json:"department,omitempty"`
	TrainingProgram     string          `json:"training_program,omitempty"`
	Training            *RoundsTraining `json:"training,omitempty"`
	GraduationYear      *int            `json:"graduation_year,omitempty"`
	BoardCertifications []string        `json:"board_certifications,omitempty"`
	Languages           []string        `json:"languages,omitempty"`
	Interests           []string        `json:"interests,omitempty"`
	Contact             *RoundsContact  `json:"contact,omitempty"`
}

// RoundsVerification is a verified physician credential: who vouches
// (the domain of the account's own instance) and since when.
type RoundsVerification struct {
	Credential string `json:"credential"`
	VerifiedAt Time   `json:"verified_at"`
	VerifiedBy string `json:"verified_by"`
}

// professional renders what viewer may see of an account's professional
// profile: the Mastodon fields (the owner's own fields first, then one
// per shown professional field, then the verification with verified_at)
// and Account.rounds. A local owner's fields are plain text, escaped
// here; a remote actor's were stored as sanitised HTML values
// (federation.parseFields) and are shown as such.
func (h *Handler) professional(a profile.Account, v credential.Viewer) ([]Field, RoundsAccount) {
	fields := []Field{}
	for _, f := range a.Extras.Fields() {
		value := f.Value
		if a.Local() {
			value = html.EscapeString(value)
		}
		fields = append(fields, Field{Name: html.EscapeString(f.Name), Value: value})
	}
	out := RoundsAccount{}
	if a.Card == nil {
		return fields, out
	}
	vocab := h.pro.credentials.Vocabulary()
	s := credential.Show(a.Card, v)
	for _, l := range s.Lines(vocab) {
		fields = append(fields, Field{Name: html.EscapeString(l.Name), Value: html.EscapeString(l.Value)})
	}
	if l, ok := s.VerificationLine(); ok {
		at := Time(s.Verification.VerifiedAt)
		fields = append(fields, Field{Name: html.EscapeString(l.Name), Value: html.EscapeString(l.Value), VerifiedAt: &at})
		out.Verification = &RoundsVerification{Credential: s.Verification.Credential, VerifiedAt: at, VerifiedBy: s.Verification.Issuer}
	}
	out.Profile = roundsProfile(s, vocab)
	return fields, out
}

// roundsProfile renders the shown fields.
func roundsProfile(s credential.Shown, vocab *credential.Vocabulary) RoundsProfile {
	p := s.Profile
	var out RoundsProfile
	if s.Has(credential.FieldProfession) {
		out.Profession = &RoundsTerm{p.Profession, credential.ProfessionName(p.Profession)}
	}
	if s.Has(credential.FieldSpecialty) {
		out.Specialty = &RoundsTerm{p.Specialty, s.SpecialtyName(vocab)}
	}
	if s.Has(credential.FieldSubspecialties) {
		names := s.SubspecialtyNames(vocab)
		for i, c := range p.Subspecialties {
			out.Subspecialties = append(out.Subspecialties, RoundsTerm{c, names[i]})
		}
	}
	out.Institution, out.Department, out.TrainingProgram = p.Institution, p.Department, p.TrainingProgram
	if s.Has(credential.FieldTraining) {
		t := &RoundsTraining{Stage: RoundsTerm{p.Stage, credential.StageName(p.Stage)}, Text: credential.TrainingText(p.Stage, p.TrainingYear)}
		if p.TrainingYear != 0 {
			y := p.TrainingYear
			t.Year = &y
		}
		out.Training = t
	}
	if s.Has(credential.FieldGraduationYear) {
		y := p.GraduationYear
		out.GraduationYear = &y
	}
	out.BoardCertifications, out.Languages, out.Interests = p.BoardCertifications, p.Languages, p.Interests
	if s.Has(credential.FieldContact) {
		out.Contact = &RoundsContact{AcceptingConsults: p.AcceptingConsults, AcceptingMentees: p.AcceptingMentees}
	}
	return out
}

// images fills in the avatar and header URLs of an account that has its
// own (processed) images.
func (h *Handler) images(out *Account, a profile.Account) {
	if a.Extras == nil || h.Media == nil {
		return
	}
	for _, img := range []struct {
		m             *storage.MediaAttachment
		url, urlStatc *string
	}{{a.Extras.Avatar, &out.Avatar, &out.AvatarStatic}, {a.Extras.Header, &out.Header, &out.HeaderStatic}} {
		if img.m == nil || !img.m.Ready() {
			continue
		}
		if u := h.Media.FileURL(img.m); u != nil {
			*img.url, *img.urlStatc = *u, *u
		}
	}
}

// requestViewer loads what the audience rule needs about the request's
// account looking at owners.
func (h *Handler) requestViewer(c *gin.Context, owners []int64) (credential.Viewer, error) {
	return h.requestViewerTied(c, owners, nil)
}

// knownTies returns the request's viewer's ties to every owner a
// renderer may ask about, when the caller has them (ok), as
// timeline.AuthorTies does for the statuses of a page.
type knownTies func() (ties storage.Ties, ok bool)

// requestViewerTied is requestViewer taking the viewer's ties to owners
// from known when it has them (known may be nil), and reading them
// otherwise.
func (h *Handler) requestViewerTied(c *gin.Context, owners []int64, known knownTies) (credential.Viewer, error) {
	me := viewer(c)
	admin := false
	if a := oauth.FromContext(c); a != nil && a.User != nil {
		admin = a.User.Role == "admin" || a.User.Role == "moderator"
	}
	if known != nil {
		if ties, ok := known(); ok {
			return h.pro.credentials.ViewerFrom(c.Request.Context(), me, admin, ties)
		}
	}
	return h.pro.credentials.Viewer(c.Request.Context(), me, admin, owners)
}

// accountFor renders an account for the request's viewer: its fields and
// Account.rounds as the viewer's audience allows (h.account renders
// them for the anonymous audience; viewFor does the same for accounts
// embedded in statuses, notifications and lists). The answer is marked
// private to caches when it shows more than the public sees.
func (h *Handler) accountFor(c *gin.Context, a profile.Account) (Account, error) {
	out, err := h.accountsFor(c, []profile.Account{a})
	if err != nil {
		return Account{}, err
	}
	return out[0], nil
}

// accountsFor is accountFor for a list, with one viewer lookup.
func (h *Handler) accountsFor(c *gin.Context, as []profile.Account) ([]Account, error) {
	ids := make([]int64, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	v, err := h.requestViewer(c, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Account, len(as))
	for i, a := range as {
		out[i] = h.accountAs(a, v)
	}
	if viewer(c) != nil {
		c.Header("Cache-Control", "private, no-store")
	}
	return out, nil
}
