package storage_test

import (
	"slices"
	"testing"

	"github.com/rounds-md/rounds/storage"
)

// TestAccountProfileFields: Fields reads back what SetFields wrote, and an
// empty, missing or undecodable list reads as no fields.
func TestAccountProfileFields(t *testing.T) {
	two := []storage.ProfileField{{Name: "Clinic", Value: "<b>Mercy</b>"}, {Name: "Pronouns", Value: "she/her"}}
	set := func(fs []storage.ProfileField) *storage.AccountProfile {
		p := &storage.AccountProfile{}
		p.SetFields(fs)
		return p
	}
	for _, tc := range []struct {
		name string
		p    *storage.AccountProfile
		want []storage.ProfileField
	}{
		{"two fields", set(two), two},
		{"set empty", set([]storage.ProfileField{}), nil},
		{"set nil", set(nil), nil},
		{"no row", nil, nil},
		{"no column value", &storage.AccountProfile{}, nil},
		{"null", &storage.AccountProfile{FieldsJSON: "null"}, nil},
		{"undecodable", &storage.AccountProfile{FieldsJSON: "[{"}, nil},
		{"spaced empty list", &storage.AccountProfile{FieldsJSON: " [ ] "}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.Fields(); !slices.Equal(got, tc.want) {
				t.Errorf("Fields() = %v, want %v", got, tc.want)
			}
		})
	}
}
