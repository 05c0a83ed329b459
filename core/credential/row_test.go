package credential_test

import (
	"maps"
	"testing"

	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// TestFromRowAudiences checks that each stored audience column reaches its
// own field, that an unknown value reads as only_me, and that a missing row
// reads as the default audiences.
func TestFromRowAudiences(t *testing.T) {
	row := &storage.ProfessionalProfile{
		ProfessionAudience: "public", SpecialtyAudience: "followers", SubspecialtiesAudience: "physicians",
		InstitutionAudience: "only_me", DepartmentAudience: "public", TrainingProgramAudience: "followers",
		TrainingAudience: "physicians", GraduationYearAudience: "everyone", BoardCertificationsAudience: "public",
		LanguagesAudience: "", InterestsAudience: "followers", ContactAudience: "physicians",
	}
	want := map[credential.Field]visibility.Audience{
		credential.FieldProfession: visibility.AudiencePublic, credential.FieldSpecialty: visibility.AudienceFollowers,
		credential.FieldSubspecialties: visibility.AudiencePhysicians, credential.FieldInstitution: visibility.AudienceOnlyMe,
		credential.FieldDepartment: visibility.AudiencePublic, credential.FieldTrainingProgram: visibility.AudienceFollowers,
		credential.FieldTraining: visibility.AudiencePhysicians, credential.FieldGraduationYear: visibility.AudienceOnlyMe,
		credential.FieldBoardCertifications: visibility.AudiencePublic, credential.FieldLanguages: visibility.AudienceOnlyMe,
		credential.FieldInterests: visibility.AudienceFollowers, credential.FieldContact: visibility.AudiencePhysicians,
	}
	if got := credential.FromRow(row).Audience; !maps.Equal(got, want) {
		t.Errorf("FromRow(row).Audience = %v, want %v", got, want)
	}
	p := credential.FromRow(nil)
	if len(p.Audience) != 0 {
		t.Errorf("FromRow(nil).Audience = %v, want empty", p.Audience)
	}
	if got, want := p.AudienceOf(credential.FieldContact), credential.DefaultAudience(credential.FieldContact); got != want {
		t.Errorf("FromRow(nil).AudienceOf(contact) = %s, want the default %s", got, want)
	}
}
