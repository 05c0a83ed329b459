package credential

import (
	"strings"

	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// FromRow reads a stored professional profile; nil reads as an empty
// profile with the default audiences.
func FromRow(r *storage.ProfessionalProfile) *Profile {
	if r == nil {
		return &Profile{Audience: map[Field]visibility.Audience{}}
	}
	p := &Profile{Audience: make(map[Field]visibility.Audience, 12)}
	p.Profession, p.Specialty = r.Profession, r.Specialty
	p.Subspecialties = lines(r.Subspecialties)
	p.Institution, p.Department, p.TrainingProgram = r.Institution, r.Department, r.TrainingProgram
	p.Stage, p.TrainingYear, p.GraduationYear = r.TrainingStage, r.TrainingYear, r.GraduationYear
	p.BoardCertifications, p.Languages, p.Interests = lines(r.BoardCertifications), lines(r.Languages), lines(r.Interests)
	p.AcceptingConsults, p.AcceptingMentees = r.AcceptingConsults, r.AcceptingMentees
	// An array, not a map literal: this runs for every account on every
	// page, and each field is set once whatever the order.
	for _, fa := range [...]struct {
		f Field
		a string
	}{
		{FieldProfession, r.ProfessionAudience}, {FieldSpecialty, r.SpecialtyAudience},
		{FieldSubspecialties, r.SubspecialtiesAudience}, {FieldInstitution, r.InstitutionAudience},
		{FieldDepartment, r.DepartmentAudience}, {FieldTrainingProgram, r.TrainingProgramAudience},
		{FieldTraining, r.TrainingAudience}, {FieldGraduationYear, r.GraduationYearAudience},
		{FieldBoardCertifications, r.BoardCertificationsAudience}, {FieldLanguages, r.LanguagesAudience},
		{FieldInterests, r.InterestsAudience}, {FieldContact, r.ContactAudience},
	} {
		// A stored value no longer known reads as only_me: never wider.
		if aud, ok := visibility.ParseAudience(fa.a); ok {
			p.Audience[fa.f] = aud
		} else {
			p.Audience[fa.f] = visibility.AudienceOnlyMe
		}
	}
	return p
}

// toRow turns a validated profile into the row stored for accountID.
func toRow(accountID int64, p *Profile) *storage.ProfessionalProfile {
	a := func(f Field) string { return string(p.AudienceOf(f)) }
	return &storage.ProfessionalProfile{
		AccountID:  accountID,
		Profession: p.Profession, ProfessionAudience: a(FieldProfession),
		Specialty: p.Specialty, SpecialtyAudience: a(FieldSpecialty),
		Subspecialties: strings.Join(p.Subspecialties, "\n"), SubspecialtiesAudience: a(FieldSubspecialties),
		Institution: p.Institution, InstitutionAudience: a(FieldInstitution),
		Department: p.Department, DepartmentAudience: a(FieldDepartment),
		TrainingProgram: p.TrainingProgram, TrainingProgramAudience: a(FieldTrainingProgram),
		TrainingStage: p.Stage, TrainingYear: p.TrainingYear, TrainingAudience: a(FieldTraining),
		GraduationYear: p.GraduationYear, GraduationYearAudience: a(FieldGraduationYear),
		BoardCertifications: strings.Join(p.BoardCertifications, "\n"), BoardCertificationsAudience: a(FieldBoardCertifications),
		Languages: strings.Join(p.Languages, "\n"), LanguagesAudience: a(FieldLanguages),
		Interests: strings.Join(p.Interests, "\n"), InterestsAudience: a(FieldInterests),
		AcceptingConsults: p.AcceptingConsults, AcceptingMentees: p.AcceptingMentees, ContactAudience: a(FieldContact),
	}
}

// lines splits a stored list.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
