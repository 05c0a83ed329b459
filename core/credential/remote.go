package credential

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// ErrThirdParty is a verification of a remote account stated by another
// instance than the account's own. Rounds never accepts one: only an
// account's own instance may vouch for it. It matches core.ErrForbidden.
var ErrThirdParty = core.Errorf(core.ErrForbidden, "a verification may be stated only by the account's own instance")

// Remote is what a remote actor document states about the actor's
// professional profile, as federation parsed it.
type Remote struct {
	// Profile holds the fields the remote instance served in the public
	// actor document, nil when it served none.
	Profile *Profile
	// Verification is the verification it states, nil when none.
	Verification *RemoteVerification
	// Rounds reports that the document is a Rounds actor's (it names the
	// Rounds terms), even when it shows nothing to the public: such an
	// account is kept with an empty profile, so that a viewer may ask its
	// instance for what it shows them (RemoteViews).
	Rounds bool
}

// RemoteVerification is a verification as a remote instance states it.
type RemoteVerification struct {
	Credential string
	VerifiedAt time.Time
	// Issuer is the domain the statement names as the instance vouching.
	Issuer string
}

// StoreRemote records what a remote actor's document states, replacing
// what was stored before. The fields are kept as public (only the public
// actor is fetched), with codes this instance does not know dropped. A
// verification is kept only when its issuer is the account's own domain:
// one claimed by a third domain is refused with ErrThirdParty, and any
// verification stored before is revoked, so a forged claim never shows.
func (s *Service) StoreRemote(ctx context.Context, a *storage.Account, r Remote) error {
	if a == nil || a.Local() {
		return fmt.Errorf("credential: remote: %w", core.ErrForbidden)
	}
	var refused error
	if r.Profile == nil && r.Rounds {
		r.Profile = &Profile{}
	}
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if r.Profile == nil {
			if err := tx.DeleteProfessionalProfile(ctx, a.ID); err != nil {
				return err
			}
		} else {
			p := s.lenient(r.Profile)
			if err := p.Validate(s.vocab); err != nil {
				// Whatever slipped past leniency: keep no profile rather
				// than a wrong one.
				s.log.InfoContext(ctx, "credential: remote profile refused", "account_id", a.ID, "err", err)
				if err := tx.DeleteProfessionalProfile(ctx, a.ID); err != nil {
					return err
				}
			} else if err := tx.UpsertProfessionalProfile(ctx, toRow(a.ID, p)); err != nil {
				return err
			}
		}
		stored, err := tx.ActiveVerificationsOf(ctx, []int64{a.ID})
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		v := r.Verification
		if v != nil && !strings.EqualFold(strings.TrimSpace(v.Issuer), a.Domain) {
			refused = ErrThirdParty
			v = nil
		}
		if v != nil {
			v.Credential = strings.TrimSpace(v.Credential)
			if v.Credential == "" || checkText("credential", v.Credential, MaxCredentialRunes) != nil {
				v = nil
			}
		}
		old := stored[a.ID]
		switch {
		case v == nil && old != nil:
			_, err = tx.RevokeVerification(ctx, a.ID, nil, storage.VerifiedViaFederation, now)
			return err
		case v == nil:
			return nil
		case old != nil && old.Credential == v.Credential && old.Issuer == a.Domain && old.VerifiedAt.Equal(v.VerifiedAt.UTC().Truncate(time.Second)):
			return nil // unchanged
		}
		at := v.VerifiedAt.UTC().Truncate(time.Second)
		if at.IsZero() || at.After(now) {
			at = now.Truncate(time.Second)
		}
		return tx.ReplaceVerification(ctx, &storage.Verification{
			AccountID: a.ID, Credential: v.Credential, Issuer: a.Domain,
			VerifiedVia: storage.VerifiedViaFederation, VerifiedAt: at,
		})
	})
	if err != nil {
		return fmt.Errorf("credential: remote: %w", err)
	}
	if refused != nil {
		s.log.WarnContext(ctx, "credential: third-party verification refused", "account_id", a.ID)
		return fmt.Errorf("credential: remote: %w", refused)
	}
	return nil
}

// lenient copies a remote profile keeping only what this instance can
// check: known profession, specialty, subspecialty and stage codes, and
// every field public.
func (s *Service) lenient(in *Profile) *Profile {
	p := *in
	p.Audience = map[Field]visibility.Audience{}
	for _, f := range Fields {
		p.Audience[f] = visibility.AudiencePublic
	}
	if !known(Professions, strings.ToLower(p.Profession)) {
		p.Profession = ""
	}
	if _, ok := s.vocab.Specialty(strings.ToLower(p.Specialty)); !ok {
		p.Specialty = ""
	}
	var subs []string
	for _, c := range p.Subspecialties {
		if _, ok := s.vocab.Subspecialty(strings.ToLower(p.Specialty), strings.ToLower(c)); ok {
			subs = append(subs, c)
		}
	}
	p.Subspecialties = subs
	if !known(Stages, strings.ToLower(p.Stage)) {
		p.Stage, p.TrainingYear = "", 0
	}
	return &p
}

// IsThirdParty reports whether err is a refused third-party verification.
func IsThirdParty(err error) bool { return errors.Is(err, ErrThirdParty) }
