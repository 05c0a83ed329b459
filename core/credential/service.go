package credential

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// MaxCredentialRunes bounds the credential text staff record.
const MaxCredentialRunes = 300

// Service applies the professional profile and verification rules over
// a Store.
type Service struct {
	store *storage.Store
	inst  instance.Config
	vocab *Vocabulary
	pub   outbox.Publisher
	log   *slog.Logger
}

// New returns a Service. vocab nil means DefaultVocabulary(); pub nil
// publishes nothing (outbox.Nop).
func New(store *storage.Store, inst instance.Config, vocab *Vocabulary, pub outbox.Publisher, log *slog.Logger) *Service {
	if vocab == nil {
		vocab = DefaultVocabulary()
	}
	if pub == nil {
		pub = outbox.Nop{}
	}
	return &Service{store: store, inst: inst, vocab: vocab, pub: pub, log: log}
}

// WithPublisher makes s tell p, inside each change's transaction, about
// the professional profiles and verifications of local accounts
// (federation sends an Update of the actor); nil keeps the publisher s
// has. Call it once while wiring, before s is used.
func (s *Service) WithPublisher(p outbox.Publisher) *Service {
	if p != nil {
		s.pub = p
	}
	return s
}

// Vocabulary returns the specialties profiles are checked against.
func (s *Service) Vocabulary() *Vocabulary { return s.vocab }

// Patch is a change to a professional profile: nil leaves a value as it
// is; a non-nil empty value clears it. Audience sets the audiences it
// names (keys and values are checked by Profile.Validate).
type Patch struct {
	Profession, Specialty, Institution, Department, TrainingProgram, Stage *string
	Subspecialties, BoardCertifications, Languages, Interests              *[]string
	TrainingYear, GraduationYear                                           *int
	AcceptingConsults, AcceptingMentees                                    *bool
	Audience                                                               map[Field]visibility.Audience
}

// apply changes p by the patch. A new specialty without subspecialties in
// the same patch clears the old specialty's subspecialties.
func (pt Patch) apply(p *Profile) {
	setS := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setL := func(dst *[]string, v *[]string) {
		if v != nil {
			*dst = *v
		}
	}
	if pt.Specialty != nil && !strings.EqualFold(strings.TrimSpace(*pt.Specialty), p.Specialty) && pt.Subspecialties == nil {
		p.Subspecialties = nil
	}
	setS(&p.Profession, pt.Profession)
	setS(&p.Specialty, pt.Specialty)
	setS(&p.Institution, pt.Institution)
	setS(&p.Department, pt.Department)
	setS(&p.TrainingProgram, pt.TrainingProgram)
	setS(&p.Stage, pt.Stage)
	setL(&p.Subspecialties, pt.Subspecialties)
	setL(&p.BoardCertifications, pt.BoardCertifications)
	setL(&p.Languages, pt.Languages)
	setL(&p.Interests, pt.Interests)
	if pt.TrainingYear != nil {
		p.TrainingYear = *pt.TrainingYear
	}
	if pt.GraduationYear != nil {
		p.GraduationYear = *pt.GraduationYear
	}
	if pt.AcceptingConsults != nil {
		p.AcceptingConsults = *pt.AcceptingConsults
	}
	if pt.AcceptingMentees != nil {
		p.AcceptingMentees = *pt.AcceptingMentees
	}
	if p.Audience == nil {
		p.Audience = map[Field]visibility.Audience{}
	}
	for f, a := range pt.Audience {
		p.Audience[f] = a
	}
}

// Own returns a local account's own card: every field with its audience,
// and the verification in force.
func (s *Service) Own(ctx context.Context, a *storage.Account) (*Card, error) {
	cards, err := s.Cards(ctx, []*storage.Account{a})
	if err != nil {
		return nil, err
	}
	return cards[a.ID], nil
}

// Update applies a patch to a local account's professional profile,
// checks the result (an unknown specialty, subspecialty, audience or
// field is a core.Invalid naming it, and nothing is stored) and stores
// it, telling other servers of the change in the same transaction.
func (s *Service) Update(ctx context.Context, a *storage.Account, pt Patch) (*Card, error) {
	if a == nil || !a.Local() {
		return nil, fmt.Errorf("credential: update: %w", core.ErrForbidden)
	}
	err := s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		row, err := tx.ProfessionalProfileOf(ctx, a.ID)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		p := FromRow(row)
		if row == nil {
			p.Audience = map[Field]visibility.Audience{}
		}
		pt.apply(p)
		if err := p.Validate(s.vocab); err != nil {
			return err
		}
		if err := tx.UpsertProfessionalProfile(ctx, toRow(a.ID, p)); err != nil {
			return err
		}
		return s.pub.Publish(ctx, tx, outbox.ProfileUpdated{Account: a})
	})
	if err != nil {
		return nil, fmt.Errorf("credential: update: %w", err)
	}
	s.log.InfoContext(ctx, "professional profile updated", "account_id", a.ID)
	return s.Own(ctx, a)
}

// Cards loads the cards of accounts, keyed by account ID: one query for
// the profiles and one for the verifications, whatever the number.
func (s *Service) Cards(ctx context.Context, accts []*storage.Account) (map[int64]*Card, error) {
	return LoadCards(ctx, s.store, s.inst, accts)
}

// LoadCards is Service.Cards for callers holding only a Store (the
// profile loader, which every account rendering goes through).
func LoadCards(ctx context.Context, store *storage.Store, inst instance.Config, accts []*storage.Account) (map[int64]*Card, error) {
	ids := make([]int64, len(accts))
	for i, a := range accts {
		ids[i] = a.ID
	}
	rows, err := store.ProfessionalProfilesOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("credential: cards: %w", err)
	}
	vs, err := store.ActiveVerificationsOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("credential: cards: %w", err)
	}
	out := make(map[int64]*Card, len(accts))
	for _, a := range accts {
		out[a.ID] = cardOf(inst, a, rows[a.ID], vs[a.ID])
	}
	return out, nil
}

// cardOf assembles a card from stored rows. A remote account's
// verification counts only when its issuer is the account's own domain.
func cardOf(inst instance.Config, a *storage.Account, row *storage.ProfessionalProfile, v *storage.Verification) *Card {
	c := &Card{AccountID: a.ID, Profile: FromRow(row)}
	if v = acceptable(a, v); v != nil {
		issuer := a.Domain
		if a.Local() {
			issuer = inst.Domain
		}
		c.Verification = &Verification{Credential: v.Credential, VerifiedAt: v.VerifiedAt.UTC(), Issuer: issuer}
	}
	return c
}

// acceptable returns v when it may stand for a: a local verification
// (issuer "") of a local account, or the statement of a remote account's
// own instance. Anything else, which ingestion never stores, is nil.
func acceptable(a *storage.Account, v *storage.Verification) *storage.Verification {
	switch {
	case v == nil || !v.Active():
		return nil
	case a.Local() && v.Issuer == "":
		return v
	case !a.Local() && v.Issuer != "" && strings.EqualFold(v.Issuer, a.Domain):
		return v
	}
	return nil
}

// Viewer loads what the audience rule needs about viewer (nil for
// anonymous) looking at the profiles of owners: its ties to them and
// whether it is a verified physician. admin marks staff, which widens
// nothing but is recorded for the rule.
func (s *Service) Viewer(ctx context.Context, viewer *storage.Account, admin bool, owners []int64) (Viewer, error) {
	if viewer == nil {
		return Viewer{}, nil
	}
	ties, err := s.store.TiesOf(ctx, viewer.ID, owners)
	if err != nil {
		return Viewer{}, fmt.Errorf("credential: viewer: %w", err)
	}
	return s.ViewerFrom(ctx, viewer, admin, ties)
}

// ViewerFrom is Viewer for a caller that has read viewer's ties to the
// owners already (timeline.AuthorTies: the ties that decided the
// statuses on a page): ties must hold viewer's follows of every owner
// the Viewer will be asked about and the blocks either way (Following,
// BlockedBy and Blocking; the other sets are not read). It reads only
// whether viewer is a verified physician.
func (s *Service) ViewerFrom(ctx context.Context, viewer *storage.Account, admin bool, ties storage.Ties) (Viewer, error) {
	if viewer == nil {
		return Viewer{}, nil
	}
	v := Viewer{accountID: viewer.ID, local: viewer.Local(), admin: admin, ties: ties}
	vs, err := s.store.ActiveVerificationsOf(ctx, []int64{viewer.ID})
	if err != nil {
		return Viewer{}, fmt.Errorf("credential: viewer: %w", err)
	}
	v.physician = acceptable(viewer, vs[viewer.ID]) != nil
	return v, nil
}

// Staff is who verifies or revokes: a signed-in admin or moderator on
// the web (Account and Role set), or an operator at the command line.
type Staff struct {
	Account *storage.Account
	Role    string
	Via     string // storage.VerifiedViaCLI or storage.VerifiedViaWeb
}

// allowed checks that staff may verify: any operator at the command
// line, an admin or moderator on the web.
func (st Staff) allowed() error {
	switch st.Via {
	case storage.VerifiedViaCLI:
		return nil
	case storage.VerifiedViaWeb:
		if st.Account != nil && (st.Role == "admin" || st.Role == "moderator") {
			return nil
		}
	}
	return core.Errorf(core.ErrForbidden, "Only admins and moderators may verify credentials")
}

func (st Staff) id() *int64 {
	if st.Account == nil {
		return nil
	}
	id := st.Account.ID
	return &id
}

// target returns the local person a username names.
func (s *Service) target(ctx context.Context, username string) (*storage.Account, error) {
	a, err := s.store.AccountByUsername(ctx, strings.TrimPrefix(username, "@"), "")
	if errors.Is(err, storage.ErrNotFound) || (err == nil && a.ActorType == storage.ActorApplication) {
		return nil, core.Errorf(core.ErrNotFound, "no local account named %q", username)
	}
	return a, err
}

// Verify records that staff checked the credential of the local account
// username (replacing any verification in force), and tells other
// servers. The credential text is public: it is shown with the badge.
func (s *Service) Verify(ctx context.Context, st Staff, username, credential string) (*Verification, error) {
	if err := st.allowed(); err != nil {
		return nil, fmt.Errorf("credential: verify: %w", err)
	}
	credential = strings.TrimSpace(credential)
	switch {
	case credential == "":
		return nil, fmt.Errorf("credential: verify: %w", core.Invalid("credential", "is missing"))
	case utf8.RuneCountInString(credential) > MaxCredentialRunes:
		return nil, fmt.Errorf("credential: verify: %w", core.Invalid("credential", fmt.Sprintf("must be at most %d characters", MaxCredentialRunes)))
	}
	if err := checkText("credential", credential, MaxCredentialRunes); err != nil {
		return nil, fmt.Errorf("credential: verify: %w", err)
	}
	a, err := s.target(ctx, username)
	if err != nil {
		return nil, fmt.Errorf("credential: verify: %w", err)
	}
	v := &storage.Verification{
		AccountID: a.ID, Credential: credential, VerifiedByID: st.id(), VerifiedVia: st.Via,
		VerifiedAt: time.Now().UTC().Truncate(time.Second),
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		if err := tx.ReplaceVerification(ctx, v); err != nil {
			return err
		}
		return s.pub.Publish(ctx, tx, outbox.ProfileUpdated{Account: a})
	})
	if err != nil {
		return nil, fmt.Errorf("credential: verify: %w", err)
	}
	s.log.InfoContext(ctx, "credential verified", "account_id", a.ID, "via", st.Via, "by", st.id())
	return &Verification{Credential: v.Credential, VerifiedAt: v.VerifiedAt, Issuer: s.inst.Domain}, nil
}

// Unverify revokes the verification in force of the local account
// username, recording who did it; ErrNotFound when none is in force.
func (s *Service) Unverify(ctx context.Context, st Staff, username string) error {
	if err := st.allowed(); err != nil {
		return fmt.Errorf("credential: unverify: %w", err)
	}
	a, err := s.target(ctx, username)
	if err != nil {
		return fmt.Errorf("credential: unverify: %w", err)
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx *storage.Store) error {
		ok, err := tx.RevokeVerification(ctx, a.ID, st.id(), st.Via, time.Now().UTC())
		if err != nil {
			return err
		}
		if !ok {
			return core.Errorf(core.ErrNotFound, "@%s has no verification in force", a.Username)
		}
		return s.pub.Publish(ctx, tx, outbox.ProfileUpdated{Account: a})
	})
	if err != nil {
		return fmt.Errorf("credential: unverify: %w", err)
	}
	s.log.InfoContext(ctx, "credential verification revoked", "account_id", a.ID, "via", st.Via, "by", st.id())
	return nil
}

// History returns every verification of the local account username,
// newest first, for staff.
func (s *Service) History(ctx context.Context, username string) (*storage.Account, []storage.Verification, error) {
	a, err := s.target(ctx, username)
	if err != nil {
		return nil, nil, fmt.Errorf("credential: history: %w", err)
	}
	h, err := s.store.VerificationHistory(ctx, a.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("credential: history: %w", err)
	}
	return a, h, nil
}
