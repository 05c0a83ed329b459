package mastodon

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// OwnProfile is the professional profile as its owner reads and edits
// it: every field with codes as stored, and each field's audience.
type OwnProfile struct {
	Profession          string              `json:"profession"`
	Specialty           string              `json:"specialty"`
	Subspecialties      []string            `json:"subspecialties"`
	Institution         string              `json:"institution"`
	Department          string              `json:"department"`
	TrainingProgram     string              `json:"training_program"`
	TrainingStage       string              `json:"training_stage"`
	TrainingYear        *int                `json:"training_year"`
	GraduationYear      *int                `json:"graduation_year"`
	BoardCertifications []string            `json:"board_certifications"`
	Languages           []string            `json:"languages"`
	Interests           []string            `json:"interests"`
	AcceptingConsults   bool                `json:"accepting_consults"`
	AcceptingMentees    bool                `json:"accepting_mentees"`
	Audiences           map[string]string   `json:"audiences"`
	Verification        *RoundsVerification `json:"verification"`
}

// ownProfile renders a card for its owner.
func ownProfile(c *credential.Card) OwnProfile {
	p := c.Profile
	nonNil := func(l []string) []string {
		if l == nil {
			return []string{}
		}
		return l
	}
	optInt := func(n int) *int {
		if n == 0 {
			return nil
		}
		return &n
	}
	out := OwnProfile{
		Profession: p.Profession, Specialty: p.Specialty, Subspecialties: nonNil(p.Subspecialties),
		Institution: p.Institution, Department: p.Department, TrainingProgram: p.TrainingProgram,
		TrainingStage: p.Stage, TrainingYear: optInt(p.TrainingYear), GraduationYear: optInt(p.GraduationYear),
		BoardCertifications: nonNil(p.BoardCertifications), Languages: nonNil(p.Languages), Interests: nonNil(p.Interests),
		AcceptingConsults: p.AcceptingConsults, AcceptingMentees: p.AcceptingMentees,
		Audiences: map[string]string{},
	}
	for _, f := range credential.Fields {
		out.Audiences[string(f)] = string(p.AudienceOf(f))
	}
	if v := c.Verification; v != nil {
		out.Verification = &RoundsVerification{Credential: v.Credential, VerifiedAt: Time(v.VerifiedAt), VerifiedBy: v.Issuer}
	}
	return out
}

// ownProfile serves GET /api/v1/rounds/profile: the signed-in account's
// professional profile with every field's audience.
func (h *Handler) ownProfile(c *gin.Context) {
	card, err := h.pro.credentials.Own(c.Request.Context(), viewer(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	jsonbody.Write(c, http.StatusOK, ownProfile(card))
}

// editProfile serves PATCH /api/v1/rounds/profile: JSON, form or
// multipart; only the keys sent change. Lists as "key[]" (an empty
// "key[]=" or JSON [] clears), audiences as "audiences[field]=audience"
// or a JSON object. An unknown specialty, subspecialty, field or audience
// is 422 naming the field.
func (h *Handler) editProfile(c *gin.Context) {
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	pt, err := bindProfilePatch(p)
	if err != nil {
		h.fail(c, err)
		return
	}
	card, err := h.pro.credentials.Update(c.Request.Context(), viewer(c), pt)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	jsonbody.Write(c, http.StatusOK, ownProfile(card))
}

// bindProfilePatch reads a profile patch.
func bindProfilePatch(p params) (credential.Patch, error) {
	pt := credential.Patch{
		Profession: optText(p, "profession"), Specialty: optText(p, "specialty"),
		Institution: optText(p, "institution"), Department: optText(p, "department"),
		TrainingProgram: optText(p, "training_program"), Stage: optText(p, "training_stage"),
		Subspecialties: optList(p, "subspecialties"), BoardCertifications: optList(p, "board_certifications"),
		Languages: optList(p, "languages"), Interests: optList(p, "interests"),
	}
	var err error
	if pt.TrainingYear, err = yearParam(p, "training_year"); err != nil {
		return pt, err
	}
	if pt.GraduationYear, err = yearParam(p, "graduation_year"); err != nil {
		return pt, err
	}
	if pt.AcceptingConsults, err = p.boolPtr("accepting_consults"); err != nil {
		return pt, err
	}
	if pt.AcceptingMentees, err = p.boolPtr("accepting_mentees"); err != nil {
		return pt, err
	}
	if auds := subKeys(p, "audiences"); len(auds) > 0 {
		pt.Audience = map[credential.Field]visibility.Audience{}
		for f, a := range auds {
			pt.Audience[credential.Field(f)] = visibility.Audience(a)
		}
	}
	return pt, nil
}

// yearParam reads a year (or training year: "3" or "PGY-3"); "" or "0"
// clears it, absent leaves it.
func yearParam(p params, key string) (*int, error) {
	if _, ok := p[key]; !ok {
		return nil, nil
	}
	v := strings.TrimSpace(p.text(key))
	v = strings.TrimPrefix(strings.ToUpper(v), "PGY-")
	if v == "" || v == "NONE" || v == "NULL" {
		v = "0"
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, core.Invalid(key, "is not a number")
	}
	return &n, nil
}

// Vocabulary is GET /api/v1/rounds/vocabulary: the codes profiles use.
type Vocabulary struct {
	Professions []RoundsTerm          `json:"professions"`
	Specialties []VocabularySpecialty `json:"specialties"`
	Stages      []RoundsTerm          `json:"training_stages"`
	Audiences   []string              `json:"audiences"`
	Fields      []string              `json:"fields"`
}

// VocabularySpecialty is a specialty with its subspecialties.
type VocabularySpecialty struct {
	RoundsTerm
	Subspecialties []RoundsTerm `json:"subspecialties"`
}

// vocabulary serves GET /api/v1/rounds/vocabulary (anonymous): the
// professions, specialties with their subspecialties, training stages,
// audiences and field names a client offers.
func (h *Handler) vocabulary(c *gin.Context) {
	terms := func(ts []credential.Term) []RoundsTerm {
		out := make([]RoundsTerm, len(ts))
		for i, t := range ts {
			out[i] = RoundsTerm{t.Code, t.Name}
		}
		return out
	}
	out := Vocabulary{Professions: terms(credential.Professions), Stages: terms(credential.Stages)}
	for _, s := range h.pro.credentials.Vocabulary().Specialties() {
		out.Specialties = append(out.Specialties, VocabularySpecialty{RoundsTerm{s.Code, s.Name}, terms(s.Subspecialties)})
	}
	for _, a := range visibility.Audiences {
		out.Audiences = append(out.Audiences, string(a))
	}
	for _, f := range credential.Fields {
		out.Fields = append(out.Fields, string(f))
	}
	c.Header("Cache-Control", "public, max-age=3600")
	jsonbody.Write(c, http.StatusOK, out)
}
