package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/federation/delivery"
	"github.com/rounds-md/rounds/storage"
)

// roundsNamespace is the IRI of Rounds' JSON-LD terms. Like Mastodon's
// toot: namespace it names the terms; nothing is served there.
const roundsNamespace = "https://rounds.md/ns#"

// Limits on what is read from a remote professional profile.
const (
	maxRemoteProfileBytes = 16 << 10
	maxRemoteListItems    = credential.MaxListItems
)

// professionalJSON is the value of the professionalProfile term: the
// fields the fetcher may see, codes as Rounds stores them. A key is
// present only when its field is shown.
type professionalJSON struct {
	Profession          string   `json:"profession,omitempty"`
	Specialty           string   `json:"specialty,omitempty"`
	Subspecialties      []string `json:"subspecialties,omitempty"`
	Institution         string   `json:"institution,omitempty"`
	Department          string   `json:"department,omitempty"`
	TrainingProgram     string   `json:"trainingProgram,omitempty"`
	TrainingStage       string   `json:"trainingStage,omitempty"`
	TrainingYear        int      `json:"trainingYear,omitempty"`
	GraduationYear      int      `json:"graduationYear,omitempty"`
	BoardCertifications []string `json:"boardCertifications,omitempty"`
	Languages           []string `json:"languages,omitempty"`
	Interests           []string `json:"interests,omitempty"`
	AcceptingConsults   *bool    `json:"acceptingConsults,omitempty"`
	AcceptingMentees    *bool    `json:"acceptingMentees,omitempty"`
}

// verificationJSON is the value of the physicianVerification term: a
// statement by the actor's own instance (issuer, its domain) that it
// checked the credential of subject (the actor's id).
type verificationJSON struct {
	Subject    string `json:"subject"`
	Issuer     string `json:"issuer"`
	Credential string `json:"credential"`
	VerifiedAt string `json:"verifiedAt"`
}

// ActorFor renders a local account's actor document for requester, the
// remote actor that signed the fetch (nil for an unsigned one): the
// document of Actor, plus the owner's fields and the professional fields
// the requester may see as PropertyValue attachments (what Mastodon and
// GoToSocial show on a profile), the same fields under the
// professionalProfile term, and the verification under
// physicianVerification. narrower reports whether the document holds more
// than the public sees; it must then be served with Cache-Control:
// private and never be cached as the actor.
func (f *Federator) ActorFor(ctx context.Context, a *storage.Account, requester *storage.Account) (body []byte, narrower bool, err error) {
	m, err := actorDocument(f.inst, a)
	if err != nil {
		return nil, false, err
	}
	if a.ActorType != storage.ActorApplication {
		if narrower, err = addProfessional(ctx, f.store, f.credentials, f.inst, m, a, requester); err != nil {
			return nil, false, fmt.Errorf("federation: actor: %w", err)
		}
	}
	body, err = encode(m)
	return body, narrower, err
}

// addProfessional adds the fields requester (nil: the public) may see
// to an actor document, reading through store with creds (the request's,
// or the transaction of a change). It reports whether the document holds
// more than the public sees.
func addProfessional(ctx context.Context, store *storage.Store, creds *credential.Service, inst instance.Config, m map[string]any, a, requester *storage.Account) (bool, error) {
	cards, err := creds.Cards(ctx, []*storage.Account{a})
	if err != nil {
		return false, err
	}
	extras, err := store.AccountProfilesOf(ctx, []int64{a.ID})
	if err != nil {
		return false, err
	}
	v := credential.Anonymous()
	if requester != nil {
		if v, err = creds.Viewer(ctx, requester, false, []int64{a.ID}); err != nil {
			return false, err
		}
	}
	shown := credential.Show(cards[a.ID], v)
	public := credential.Show(cards[a.ID], credential.Anonymous())
	var attachments []any
	pv := func(name, value string) {
		attachments = append(attachments, map[string]any{"type": "PropertyValue", "name": name, "value": html.EscapeString(value)})
	}
	for _, fl := range extras[a.ID].Fields() {
		pv(fl.Name, fl.Value)
	}
	for _, l := range shown.Lines(creds.Vocabulary()) {
		pv(l.Name, l.Value)
	}
	if l, ok := shown.VerificationLine(); ok {
		pv(l.Name, l.Value)
		m["physicianVerification"] = verificationJSON{
			Subject: LocalActorURLs(inst, a).ID, Issuer: shown.Verification.Issuer,
			Credential: shown.Verification.Credential, VerifiedAt: xsdTime(shown.Verification.VerifiedAt),
		}
	}
	if len(attachments) > 0 {
		m["attachment"] = attachments
	}
	if len(shown.Visible) > 0 {
		m["professionalProfile"] = professionalOf(shown)
	}
	return len(shown.Visible) > len(public.Visible), nil
}

// professionalOf renders the shown fields.
func professionalOf(s credential.Shown) professionalJSON {
	p := s.Profile
	out := professionalJSON{
		Profession: p.Profession, Specialty: p.Specialty, Subspecialties: p.Subspecialties,
		Institution: p.Institution, Department: p.Department, TrainingProgram: p.TrainingProgram,
		GraduationYear: p.GraduationYear, BoardCertifications: p.BoardCertifications,
		Languages: p.Languages, Interests: p.Interests,
	}
	if s.Has(credential.FieldTraining) {
		out.TrainingStage, out.TrainingYear = p.Stage, p.TrainingYear
	}
	if s.Has(credential.FieldContact) {
		c, m := p.AcceptingConsults, p.AcceptingMentees
		out.AcceptingConsults, out.AcceptingMentees = &c, &m
	}
	return out
}

// publishProfile sends an Update of a local account's actor, as the
// public sees it, to the inboxes of its remote followers.
func (f *Federator) publishProfile(ctx context.Context, tx *storage.Store, a *storage.Account) error {
	if a == nil || !a.Local() || a.ActorType == storage.ActorApplication || a.Suspended() {
		return nil
	}
	fi, err := tx.FollowerInboxes(ctx, a.ID)
	if err != nil {
		return err
	}
	var inboxes []string
	for _, inbox := range dedupe(fi) {
		if f.isLocal(inbox) {
			continue
		}
		ok, err := f.AllowedHost(ctx, hostOf(inbox))
		if err != nil {
			return err
		}
		if ok {
			inboxes = append(inboxes, inbox)
		}
	}
	if len(inboxes) == 0 {
		return nil
	}
	doc, err := actorDocument(f.inst, a)
	if err != nil {
		return err
	}
	// Read through tx, which sees the change; the public view only. This
	// service is scoped to the transaction, so it is built here rather than
	// taken from the shared graph (core/app), whose Store is outside it; it
	// only reads, and publishes nothing (we are inside Publish already).
	creds := credential.New(tx, f.inst, f.credentials.Vocabulary(), nil, f.log)
	if _, err := addProfessional(ctx, tx, creds, f.inst, doc, a, nil); err != nil {
		return err
	}
	delete(doc, "@context")
	u := LocalActorURLs(f.inst, a)
	act := map[string]any{
		"@context": actorContext(),
		"id":       u.ID + "#updates/" + strconv.FormatInt(tx.NewID(), 10),
		"type":     "Update", "actor": u.ID,
		"to": []string{PublicCollection}, "cc": []string{u.Followers},
		"object": doc,
	}
	body, err := encode(act)
	if err != nil {
		return err
	}
	prio := job.PriorityDefault
	if len(inboxes) > bulkFanOut {
		prio = job.PriorityBulk
	}
	for _, inbox := range inboxes {
		if err := f.delivery.Enqueue(ctx, tx, delivery.Delivery{AccountID: a.ID, KeyID: u.Key, Inbox: inbox, Activity: body, Priority: prio}); err != nil {
			return err
		}
	}
	return nil
}

// storeProfessional reads the professional profile and verification a
// fetched remote actor document states and records them, with the
// actor's own profile fields (storeFields); the Resolver calls it after
// storing the actor. A verification claimed for the actor by any other
// instance than the actor's own is refused and logged.
func (f *Federator) storeProfessional(ctx context.Context, a *storage.Account, body []byte) {
	if a == nil || a.Local() || a.URI == nil {
		return
	}
	r, err := parseProfessional(body, *a.URI)
	if err == nil {
		f.storeFields(ctx, a, body, r.Rounds)
		err = f.credentials.StoreRemote(ctx, a, r)
	}
	switch {
	case credential.IsThirdParty(err):
		f.log.WarnContext(ctx, "federation: verification claimed by a third domain refused", "account_id", a.ID)
	case err != nil:
		f.log.InfoContext(ctx, "federation: remote professional profile not stored", "account_id", a.ID, "err", err)
	}
}

// parseProfessional reads the Rounds terms of an actor document whose id
// is actorID. A verification about another subject keeps its issuer but
// is marked refused by naming no issuer that can match.
func parseProfessional(body []byte, actorID string) (credential.Remote, error) {
	var out credential.Remote
	var doc struct {
		Context      json.RawMessage `json:"@context"`
		Profile      json.RawMessage `json:"professionalProfile"`
		Verification json.RawMessage `json:"physicianVerification"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return out, fmt.Errorf("federation: actor: %w", err)
	}
	out.Rounds = bytes.Contains(doc.Context, []byte(strconv.Quote(roundsNamespace))) ||
		(len(doc.Profile) > 0 && string(doc.Profile) != "null") ||
		(len(doc.Verification) > 0 && string(doc.Verification) != "null")
	if len(doc.Profile) > 0 && len(doc.Profile) <= maxRemoteProfileBytes && string(doc.Profile) != "null" {
		var p professionalJSON
		if err := json.Unmarshal(doc.Profile, &p); err == nil {
			out.Profile = &credential.Profile{
				Profession: p.Profession, Specialty: p.Specialty, Subspecialties: clipList(p.Subspecialties),
				Institution: p.Institution, Department: p.Department, TrainingProgram: p.TrainingProgram,
				Stage: p.TrainingStage, TrainingYear: p.TrainingYear, GraduationYear: p.GraduationYear,
				BoardCertifications: clipList(p.BoardCertifications), Languages: clipList(p.Languages), Interests: clipList(p.Interests),
			}
			if p.AcceptingConsults != nil {
				out.Profile.AcceptingConsults = *p.AcceptingConsults
			}
			if p.AcceptingMentees != nil {
				out.Profile.AcceptingMentees = *p.AcceptingMentees
			}
		}
	}
	if len(doc.Verification) > 0 && string(doc.Verification) != "null" {
		var v verificationJSON
		if err := json.Unmarshal(doc.Verification, &v); err != nil {
			return out, fmt.Errorf("federation: physicianVerification: %w", err)
		}
		at, _ := time.Parse(time.RFC3339, v.VerifiedAt)
		rv := &credential.RemoteVerification{Credential: v.Credential, VerifiedAt: at, Issuer: v.Issuer}
		if v.Subject != actorID {
			// A statement about someone else is a claim by a third party.
			rv.Issuer = "subject:" + v.Subject
			out.Verification = rv
			return out, nil
		}
		out.Verification = rv
	}
	return out, nil
}

// clipList keeps at most maxRemoteListItems items.
func clipList(l []string) []string {
	if len(l) > maxRemoteListItems {
		l = l[:maxRemoteListItems]
	}
	for i := range l {
		l[i] = strings.TrimSpace(l[i])
	}
	return l
}
