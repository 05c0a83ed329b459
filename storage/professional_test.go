package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

func TestProfessionalStorage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		mk := func(name string) *storage.Account {
			a := &storage.Account{Username: name, ActorType: storage.ActorPerson, Discoverable: true}
			if err := s.CreateAccount(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		pct, plain := mk("pct"), mk("plain")
		for _, p := range []*storage.ProfessionalProfile{
			{AccountID: pct.ID, Specialty: "radiology", Subspecialties: "breast\nbody", Institution: "100% Care_Clinic"},
			{AccountID: plain.ID, Specialty: "radiology", Subspecialties: "neuroradiology", Institution: "1000 Careful Clinic"},
		} {
			if err := s.UpsertProfessionalProfile(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		// Upsert replaces.
		if err := s.UpsertProfessionalProfile(ctx, &storage.ProfessionalProfile{AccountID: plain.ID, Specialty: "radiology", Subspecialties: "neuroradiology", Institution: "1000 Careful Clinic", ProfessionAudience: "public"}); err != nil {
			t.Fatal(err)
		}
		if p, err := s.ProfessionalProfileOf(ctx, plain.ID); err != nil || p.ProfessionAudience != "public" {
			t.Fatalf("after upsert: %+v %v", p, err)
		}
		for _, tc := range []struct {
			q    storage.DirectoryQuery
			want []int64
		}{
			{storage.DirectoryQuery{Institution: "100%"}, []int64{pct.ID}},  // % is literal
			{storage.DirectoryQuery{Institution: "care_"}, []int64{pct.ID}}, // _ is literal
			{storage.DirectoryQuery{Subspecialty: "body"}, []int64{pct.ID}},
			{storage.DirectoryQuery{Subspecialty: "bod"}, nil}, // whole codes only
			{storage.DirectoryQuery{Subspecialty: "neuroradiology"}, []int64{plain.ID}},
			{storage.DirectoryQuery{Specialty: "radiology", Order: "new"}, []int64{plain.ID, pct.ID}},
			{storage.DirectoryQuery{Text: "careful"}, []int64{plain.ID}},
			{storage.DirectoryQuery{Specialty: "radiology", Limit: 1, AfterOffset: 1}, []int64{pct.ID}},
		} {
			got, profiles, err := s.DirectoryCandidates(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, a := range got {
				ids = append(ids, a.ID)
				if profiles[a.ID] == nil {
					t.Errorf("%+v: no profile loaded for %d", tc.q, a.ID)
				}
			}
			if len(ids) != len(tc.want) || (len(ids) > 0 && (ids[0] != tc.want[0] || ids[len(ids)-1] != tc.want[len(tc.want)-1])) {
				t.Errorf("%+v: %v, want %v", tc.q, ids, tc.want)
			}
		}

		// At most one verification in force per account.
		at := time.Now().UTC().Truncate(time.Second)
		v1 := &storage.Verification{AccountID: pct.ID, Credential: "MD", VerifiedVia: storage.VerifiedViaCLI, VerifiedAt: at}
		if err := s.ReplaceVerification(ctx, v1); err != nil {
			t.Fatal(err)
		}
		_, err := s.DB().ExecContext(ctx, `INSERT INTO credential_verifications (id, account_id, credential, issuer, verified_via, verified_at, revoked_via) VALUES ($1, $2, 'x', '', 'cli', $3, '')`, s.NewID(), pct.ID, at)
		if err == nil {
			t.Error("a second verification in force was stored")
		}
		if err := s.ReplaceVerification(ctx, &storage.Verification{AccountID: pct.ID, Credential: "MD, PhD", VerifiedVia: storage.VerifiedViaWeb, VerifiedAt: at}); err != nil {
			t.Fatal(err)
		}
		active, _ := s.ActiveVerificationsOf(ctx, []int64{pct.ID, plain.ID})
		if len(active) != 1 || active[pct.ID].Credential != "MD, PhD" {
			t.Errorf("active = %+v", active)
		}
		if ok, err := s.RevokeVerification(ctx, plain.ID, nil, storage.VerifiedViaCLI, at); ok || err != nil {
			t.Errorf("revoking nothing: %v %v", ok, err)
		}

		// ScatteredID: the given moment, random low bits; a collision is a conflict.
		when := time.Now().Add(-3 * time.Hour)
		id := storage.ScatteredID(when)
		if id>>16 != when.UnixMilli() {
			t.Errorf("ScatteredID time = %d, want %d", id>>16, when.UnixMilli())
		}
		u := &storage.User{Email: "u@example.org", PasswordHash: "x", Role: "member"}
		first := &storage.Account{Username: "first", ActorType: storage.ActorPerson}
		if err := s.CreateLocalAccount(ctx, u, first); err != nil {
			t.Fatal(err)
		}
		if err := s.CreatePersona(ctx, u.ID, &storage.Account{ID: pct.ID, Username: "clash", ActorType: storage.ActorPerson}); !errors.Is(err, storage.ErrConflict) {
			t.Errorf("an ID collision: %v", err)
		}
		if err := s.CreatePersona(ctx, u.ID, &storage.Account{Username: "noid", ActorType: storage.ActorPerson}); err == nil {
			t.Error("a persona without a chosen ID was stored")
		}
		second := &storage.Account{ID: storage.ScatteredID(time.Now().Add(-time.Hour)), Username: "second", ActorType: storage.ActorPerson}
		if err := s.CreatePersona(ctx, u.ID, second); err != nil {
			t.Fatal(err)
		}
		all, err := s.AccountsOfUser(ctx, u.ID)
		if err != nil || len(all) != 2 || all[0].Username != "first" {
			t.Errorf("accounts of user = %+v %v", all, err)
		}
		if a, err := s.FirstAccountOfUser(ctx, u.ID); err != nil || a.Username != "first" {
			t.Errorf("first account = %+v %v (a persona's smaller ID must not win)", a, err)
		}
	})
}
