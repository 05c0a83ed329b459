package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// ProfessionalProfile is the structured professional profile of an
// account, each field with the audience its owner chose (stored by name:
// public, followers, physicians, only_me). Lists are stored one item per
// line; subspecialty codes one per line too. core/credential gives the
// fields their meaning; this is only the row.
type ProfessionalProfile struct {
	bun.BaseModel `bun:"table:professional_profiles"`

	AccountID                   int64     `bun:"account_id,pk"`
	Profession                  string    `bun:"profession,notnull"`
	ProfessionAudience          string    `bun:"profession_audience,notnull"`
	Specialty                   string    `bun:"specialty,notnull"`
	SpecialtyAudience           string    `bun:"specialty_audience,notnull"`
	Subspecialties              string    `bun:"subspecialties,notnull"`
	SubspecialtiesAudience      string    `bun:"subspecialties_audience,notnull"`
	Institution                 string    `bun:"institution,notnull"`
	InstitutionAudience         string    `bun:"institution_audience,notnull"`
	Department                  string    `bun:"department,notnull"`
	DepartmentAudience          string    `bun:"department_audience,notnull"`
	TrainingProgram             string    `bun:"training_program,notnull"`
	TrainingProgramAudience     string    `bun:"training_program_audience,notnull"`
	TrainingStage               string    `bun:"training_stage,notnull"`
	TrainingYear                int       `bun:"training_year,notnull"`
	TrainingAudience            string    `bun:"training_audience,notnull"`
	GraduationYear              int       `bun:"graduation_year,notnull"`
	GraduationYearAudience      string    `bun:"graduation_year_audience,notnull"`
	BoardCertifications         string    `bun:"board_certifications,notnull"`
	BoardCertificationsAudience string    `bun:"board_certifications_audience,notnull"`
	Languages                   string    `bun:"languages,notnull"`
	LanguagesAudience           string    `bun:"languages_audience,notnull"`
	Interests                   string    `bun:"interests,notnull"`
	InterestsAudience           string    `bun:"interests_audience,notnull"`
	AcceptingConsults           bool      `bun:"accepting_consults,notnull"`
	AcceptingMentees            bool      `bun:"accepting_mentees,notnull"`
	ContactAudience             string    `bun:"contact_audience,notnull"`
	UpdatedAt                   time.Time `bun:"updated_at,notnull"`
}

// professionalColumns are the columns an upsert rewrites.
var professionalColumns = []string{
	"profession", "profession_audience", "specialty", "specialty_audience",
	"subspecialties", "subspecialties_audience", "institution", "institution_audience",
	"department", "department_audience", "training_program", "training_program_audience",
	"training_stage", "training_year", "training_audience", "graduation_year", "graduation_year_audience",
	"board_certifications", "board_certifications_audience", "languages", "languages_audience",
	"interests", "interests_audience", "accepting_consults", "accepting_mentees", "contact_audience",
	"updated_at",
}

// ProfessionalProfileOf returns the account's professional profile;
// ErrNotFound when it has none stored.
func (s *Store) ProfessionalProfileOf(ctx context.Context, accountID int64) (*ProfessionalProfile, error) {
	p := new(ProfessionalProfile)
	if err := s.idb.NewSelect().Model(p).Where("account_id = ?", accountID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: professional profile %d: %w", accountID, classify(err))
	}
	return p, nil
}

// ProfessionalProfilesOf returns the stored professional profiles among
// ids, keyed by account ID.
func (s *Store) ProfessionalProfilesOf(ctx context.Context, ids []int64) (map[int64]*ProfessionalProfile, error) {
	return cachedByID(ctx, s, kindProfessional, ids, s.professionalProfilesOf, copyOf[ProfessionalProfile])
}

func (s *Store) professionalProfilesOf(ctx context.Context, ids []int64) (map[int64]*ProfessionalProfile, error) {
	out := map[int64]*ProfessionalProfile{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []ProfessionalProfile
	if err := s.idb.NewSelect().Model(&rows).Where("account_id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: professional profiles: %w", classify(err))
	}
	for i := range rows {
		out[rows[i].AccountID] = &rows[i]
	}
	return out, nil
}

// UpsertProfessionalProfile stores p, replacing the account's previous
// profile whole; UpdatedAt is set to now.
func (s *Store) UpsertProfessionalProfile(ctx context.Context, p *ProfessionalProfile) error {
	p.UpdatedAt = time.Now().UTC()
	q := s.idb.NewInsert().Model(p).On("CONFLICT (account_id) DO UPDATE")
	for _, c := range professionalColumns {
		q = q.Set(c + " = EXCLUDED." + c)
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("storage: save professional profile: %w", classify(err))
	}
	return nil
}

// DeleteProfessionalProfile removes the account's professional profile,
// if any (a remote actor that no longer carries one).
func (s *Store) DeleteProfessionalProfile(ctx context.Context, accountID int64) error {
	if _, err := s.idb.NewDelete().Model((*ProfessionalProfile)(nil)).Where("account_id = ?", accountID).Exec(ctx); err != nil {
		return fmt.Errorf("storage: delete professional profile: %w", classify(err))
	}
	return nil
}

// DirectoryQuery narrows DirectoryCandidates. Value filters compare
// without case; empty ones do not filter. Whether the viewer may see the
// fields that matched is not storage's business: callers check each
// candidate's audiences.
type DirectoryQuery struct {
	// LocalOnly keeps accounts of this instance; RemoteOnly others'.
	LocalOnly  bool
	RemoteOnly bool
	// WithProfile keeps only accounts with a professional profile.
	WithProfile    bool
	Specialty      string
	Subspecialty   string
	Institution    string // a substring of the institution
	Stage          string
	GraduationYear int
	// Text is a substring of the username, display name, institution,
	// department, training program or interests.
	Text string
	// Order is "new" (newest account first) or "active" (latest status
	// first, accounts without statuses last).
	Order string
	// AfterOffset skips that many candidates; Limit caps the answer.
	AfterOffset int
	Limit       int
}

// DirectoryCandidates returns discoverable, unsuspended people and groups
// (never the instance actor) matching q, in q.Order, each with its
// professional profile when it has one.
func (s *Store) DirectoryCandidates(ctx context.Context, q DirectoryQuery) ([]Account, map[int64]*ProfessionalProfile, error) {
	var out []Account
	sel := s.idb.NewSelect().Model(&out).
		Where("account.discoverable = TRUE").Where("account.suspended_at IS NULL").
		Where("account.actor_type <> ?", ActorApplication)
	switch {
	case q.LocalOnly:
		sel = sel.Where("account.domain = ''")
	case q.RemoteOnly:
		sel = sel.Where("account.domain <> ''")
	}
	needProfile := q.WithProfile || q.Specialty != "" || q.Subspecialty != "" || q.Institution != "" ||
		q.Stage != "" || q.GraduationYear != 0
	if needProfile || q.Text != "" {
		join := "LEFT JOIN"
		if needProfile {
			join = "JOIN"
		}
		sel = sel.Join(join + " professional_profiles AS p ON p.account_id = account.id")
	}
	if q.Specialty != "" {
		sel = sel.Where("p.specialty = ?", strings.ToLower(q.Specialty))
	}
	if q.Subspecialty != "" {
		sel = sel.Where("(? || p.subspecialties || ?) LIKE ? ESCAPE '\\'", "\n", "\n", "%\n"+likeEscape(strings.ToLower(q.Subspecialty))+"\n%")
	}
	if q.Institution != "" {
		sel = sel.Where("lower(p.institution) LIKE ? ESCAPE '\\'", "%"+likeEscape(strings.ToLower(q.Institution))+"%")
	}
	if q.Stage != "" {
		sel = sel.Where("p.training_stage = ?", strings.ToLower(q.Stage))
	}
	if q.GraduationYear != 0 {
		sel = sel.Where("p.graduation_year = ?", q.GraduationYear)
	}
	if q.Text != "" {
		pat := "%" + likeEscape(strings.ToLower(q.Text)) + "%"
		sel = sel.WhereGroup(" AND ", func(g *bun.SelectQuery) *bun.SelectQuery {
			for _, col := range []string{"account.username", "account.display_name", "p.institution", "p.department", "p.training_program", "p.interests"} {
				g = g.WhereOr("lower(COALESCE("+col+", '')) LIKE ? ESCAPE '\\'", pat)
			}
			return g
		})
	}
	if q.Order == "active" {
		sel = sel.Join("LEFT JOIN account_stats AS st ON st.account_id = account.id").
			OrderExpr("CASE WHEN st.last_status_at IS NULL THEN 1 ELSE 0 END, st.last_status_at DESC, account.id DESC")
	} else {
		sel = sel.OrderExpr("account.created_at DESC, account.id DESC")
	}
	if q.AfterOffset > 0 {
		sel = sel.Offset(int64(q.AfterOffset))
	}
	if q.Limit > 0 {
		sel = sel.Limit(int64(q.Limit))
	}
	if err := sel.Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("storage: directory: %w", classify(err))
	}
	ids := make([]int64, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	profiles, err := s.ProfessionalProfilesOf(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	return out, profiles, nil
}

// likeEscape escapes the LIKE wildcards in s (with the backslash, named
// by ESCAPE where the pattern is used).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
