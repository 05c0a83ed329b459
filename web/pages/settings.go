package pages

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/visibility"
)

// audienceChoice is one audience a field may have, for a select.
type audienceChoice struct {
	Value, Label string
	Selected     bool
}

// audienceSelect is the audience control of one field.
type audienceSelect struct {
	Field   string
	Options []audienceChoice
}

// settingsPage is the data of the profile editor.
type settingsPage struct {
	CSRF, CSRFName string
	Username       string
	P              credential.Profile
	Lists          map[string]string // board_certifications, languages, interests, one per line
	Years          map[string]string // training_year, graduation_year
	Aud            map[string]audienceSelect
	Professions    []credential.Term
	Specialties    []credential.Specialty
	Stages         []credential.Term
	Subs           map[string]bool
	Saved          bool
	Error          string
	Verified       *verifiedBadge
}

// audienceLabels word the audiences for people.
var audienceLabels = map[visibility.Audience]string{
	visibility.AudiencePublic:     "Everyone",
	visibility.AudienceFollowers:  "My followers",
	visibility.AudiencePhysicians: "Verified physicians",
	visibility.AudienceOnlyMe:     "Only me",
}

// settingsData fills the editor with a profile's values.
func (p *Pages) settingsData(c *gin.Context, username string, prof *credential.Profile) settingsPage {
	d := settingsPage{
		CSRF: p.pro.Sessions.CSRFToken(c), CSRFName: p.pro.CSRFField, Username: username, P: *prof,
		Lists: map[string]string{
			"board_certifications": strings.Join(prof.BoardCertifications, "\n"),
			"languages":            strings.Join(prof.Languages, "\n"),
			"interests":            strings.Join(prof.Interests, "\n"),
		},
		Years: map[string]string{}, Aud: map[string]audienceSelect{}, Subs: map[string]bool{},
		Professions: credential.Professions, Specialties: p.pro.Credentials.Vocabulary().Specialties(), Stages: credential.Stages,
	}
	for k, v := range map[string]int{"training_year": prof.TrainingYear, "graduation_year": prof.GraduationYear} {
		if v != 0 {
			d.Years[k] = strconv.Itoa(v)
		}
	}
	for _, s := range prof.Subspecialties {
		d.Subs[s] = true
	}
	for _, f := range credential.Fields {
		sel := audienceSelect{Field: string(f)}
		for _, a := range visibility.Audiences {
			sel.Options = append(sel.Options, audienceChoice{Value: string(a), Label: audienceLabels[a], Selected: prof.AudienceOf(f) == a})
		}
		d.Aud[string(f)] = sel
	}
	return d
}

// Settings serves GET /settings/profile: the signed-in account's
// professional profile editor, each field with its audience.
func (p *Pages) Settings(c *gin.Context) {
	private(c)
	ws := p.requireSession(c)
	if ws == nil {
		return
	}
	card, err := p.pro.Credentials.Own(c.Request.Context(), ws.Account)
	if err != nil {
		p.log.ErrorContext(c.Request.Context(), "settings page", "err", err)
		p.renderError(c, http.StatusInternalServerError, "Something went wrong", "Please try again later.")
		return
	}
	d := p.settingsData(c, ws.Account.Username, card.Profile)
	d.Saved = c.Query("saved") == "1"
	_, d.Verified = p.lines(credential.Shown{Verification: card.Verification})
	p.render(c, http.StatusOK, "settings", page{Title: "Professional profile", NoIndex: true, Data: d})
}

// SaveSettings serves POST /settings/profile: the whole form replaces the
// profile; a refused value shows the form again with the error (422) and
// stores nothing.
func (p *Pages) SaveSettings(c *gin.Context) {
	private(c)
	ws := p.requireSession(c)
	if ws == nil || !p.form(c) {
		return
	}
	f := c.Request.PostForm
	str := func(k string) *string { v := f.Get(k); return &v }
	list := func(k string) *[]string {
		var out []string
		for _, l := range strings.Split(strings.ReplaceAll(f.Get(k), "\r\n", "\n"), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return &out
	}
	subs := f["subspecialties"]
	yes := func(k string) *bool { v := f.Get(k) != ""; return &v }
	pt := credential.Patch{
		Profession: str("profession"), Specialty: str("specialty"), Institution: str("institution"),
		Department: str("department"), TrainingProgram: str("training_program"), Stage: str("training_stage"),
		Subspecialties: &subs, BoardCertifications: list("board_certifications"), Languages: list("languages"),
		Interests: list("interests"), AcceptingConsults: yes("accepting_consults"), AcceptingMentees: yes("accepting_mentees"),
		Audience: map[credential.Field]visibility.Audience{},
	}
	var err error
	for k, dst := range map[string]**int{"training_year": &pt.TrainingYear, "graduation_year": &pt.GraduationYear} {
		n := 0
		if v := strings.TrimSpace(f.Get(k)); v != "" {
			if n, err = strconv.Atoi(v); err != nil {
				err = core.Invalid(k, "is not a number")
				break
			}
		}
		*dst = &n
	}
	for _, fl := range credential.Fields {
		if v := f.Get("audiences[" + string(fl) + "]"); v != "" {
			pt.Audience[fl] = visibility.Audience(v)
		}
	}
	if err == nil {
		_, err = p.pro.Credentials.Update(c.Request.Context(), ws.Account, pt)
	}
	var inv *core.InvalidError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/settings/profile?saved=1")
	case errors.As(err, &inv):
		// Show what was sent, with the reason.
		sent := credential.Profile{
			Profession: *pt.Profession, Specialty: *pt.Specialty, Subspecialties: subs, Institution: *pt.Institution,
			Department: *pt.Department, TrainingProgram: *pt.TrainingProgram, Stage: *pt.Stage,
			BoardCertifications: *pt.BoardCertifications, Languages: *pt.Languages, Interests: *pt.Interests,
			AcceptingConsults: *pt.AcceptingConsults, AcceptingMentees: *pt.AcceptingMentees, Audience: pt.Audience,
		}
		if pt.TrainingYear != nil {
			sent.TrainingYear = *pt.TrainingYear
		}
		if pt.GraduationYear != nil {
			sent.GraduationYear = *pt.GraduationYear
		}
		d := p.settingsData(c, ws.Account.Username, &sent)
		d.Error = inv.Error()
		p.render(c, http.StatusUnprocessableEntity, "settings", page{Title: "Professional profile", NoIndex: true, Data: d})
	default:
		p.log.ErrorContext(c.Request.Context(), "save settings", "err", err)
		p.renderError(c, http.StatusInternalServerError, "Something went wrong", "Please try again later.")
	}
}
