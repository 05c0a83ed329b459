package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/federation/deref"
	"github.com/rounds-md/rounds/federation/sanitize"
	"github.com/rounds-md/rounds/federation/signature"
	"github.com/rounds-md/rounds/storage"
)

// Limits on a remote actor's own profile fields (its PropertyValue
// attachments). Mastodon allows 4 and GoToSocial 6 by default; a few more
// are kept for servers configured otherwise.
const (
	maxRemoteFields          = 10
	maxRemoteFieldNameRunes  = 255
	maxRemoteFieldValueRunes = 2048
)

var _ credential.ProfileFetcher = (*Federator)(nil)

// FetchProfileAs fetches owner's actor document signed with viewer's own
// key (not the instance actor's), so that owner's instance answers with
// the professional fields it shows viewer, and reads the Rounds terms of
// the answer. Nothing is stored: the answer is for viewer alone
// (credential.RemoteViews). It follows no redirect, and refuses an answer
// that is not exactly owner's actor. Errors: core.ErrForbidden for a
// viewer that cannot sign or a refused domain, core.ErrGone when the
// account is gone, core.ErrInvalid when the answer is not a Rounds
// actor's, core.ErrUnavailable for anything else the other server did.
func (f *Federator) FetchProfileAs(ctx context.Context, viewer, owner *storage.Account) (credential.Remote, error) {
	var none credential.Remote
	if viewer == nil || !viewer.Local() || viewer.PrivateKeyPEM == nil || viewer.ActorType == storage.ActorApplication {
		return none, fmt.Errorf("federation: fetch profile: %w", core.ErrForbidden)
	}
	if owner == nil || owner.Local() || owner.URI == nil {
		return none, fmt.Errorf("federation: fetch profile: %w", core.Errorf(core.ErrNotFound, "Record not found"))
	}
	uri := *owner.URI
	host := hostOf(uri)
	ok, err := f.AllowedHost(ctx, host)
	if err != nil {
		return none, fmt.Errorf("federation: fetch profile: %w", err)
	}
	if !ok {
		return none, fmt.Errorf("federation: fetch profile: %w", core.Errorf(core.ErrForbidden, "This server does not exchange with %s", host))
	}
	signer, err := signature.NewSigner(LocalActorURLs(f.inst, viewer).Key, *viewer.PrivateKeyPEM)
	if err != nil {
		return none, fmt.Errorf("federation: fetch profile: %w", err)
	}
	doc, err := f.client.GetAs(ctx, uri, signer)
	switch {
	case errors.Is(err, deref.ErrGone), errors.Is(err, deref.ErrNotFound):
		return none, fmt.Errorf("federation: fetch profile: %w", core.Errorf(core.ErrGone, "%s no longer has this account", host))
	case err != nil:
		f.log.InfoContext(ctx, "federation: profile fetch for a viewer failed", "account_id", owner.ID, "err", err)
		return none, fmt.Errorf("federation: fetch profile: %w", core.Errorf(core.ErrUnavailable, "%s did not answer with the profile", host))
	case doc.ID != uri:
		return none, fmt.Errorf("federation: fetch profile: %w", core.Errorf(core.ErrUnavailable, "%s answered with another document", host))
	}
	r, err := parseProfessional(doc.Body, uri)
	if err != nil {
		return none, fmt.Errorf("federation: fetch profile: %w", core.Errorf(core.ErrUnavailable, "%s answered with an unreadable profile", host))
	}
	if !r.Rounds {
		return none, fmt.Errorf("federation: fetch profile: %w", core.Errorf(core.ErrInvalid,
			"@%s@%s is not on a Rounds instance: it has no professional profile to ask for", owner.Username, owner.Domain))
	}
	return r, nil
}

// storeFields records a remote actor's own profile fields, read from its
// document (parseFields), replacing those stored before. A failure is
// logged: it must not fail the fetch of the actor.
func (f *Federator) storeFields(ctx context.Context, a *storage.Account, body []byte, rounds bool) {
	if err := f.store.SetProfileFields(ctx, a.ID, parseFields(body, rounds)); err != nil {
		f.log.InfoContext(ctx, "federation: remote profile fields not stored", "account_id", a.ID, "err", err)
	}
}

// parseFields reads the PropertyValue attachments of an actor document
// (Mastodon's and GoToSocial's profile fields), at most maxRemoteFields:
// names as one line of plain text, values as sanitised HTML, both cut to
// their limits. A field named "Verified physician" is dropped from every
// actor (only a verification its own instance states is shown as one,
// with verified_at); a Rounds actor's fields named as professional lines
// are dropped too, since its professional profile is read from its
// Rounds terms.
func parseFields(body []byte, rounds bool) []storage.ProfileField {
	var doc struct {
		Attachment json.RawMessage `json:"attachment"`
	}
	if json.Unmarshal(body, &doc) != nil || len(doc.Attachment) == 0 {
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(doc.Attachment, &items) != nil {
		items = []json.RawMessage{doc.Attachment} // a single object
	}
	var out []storage.ProfileField
	for _, raw := range items {
		if len(out) == maxRemoteFields {
			break
		}
		var pv struct {
			Type  json.RawMessage `json:"type"`
			Name  string          `json:"name"`
			Value string          `json:"value"`
		}
		if json.Unmarshal(raw, &pv) != nil || !isPropertyValue(pv.Type) {
			continue
		}
		name := oneLine(sanitize.Text(clipRunes(pv.Name, 4*maxRemoteFieldNameRunes)), maxRemoteFieldNameRunes)
		if name == "" || strings.EqualFold(name, "Verified physician") || (rounds && credential.IsLineName(name)) {
			continue
		}
		value := sanitize.HTML(strings.ToValidUTF8(clipRunes(pv.Value, maxRemoteFieldValueRunes), ""))
		out = append(out, storage.ProfileField{Name: name, Value: strings.ReplaceAll(value, "\x00", "")})
	}
	return out
}

// isPropertyValue reports whether a type property is, or lists,
// PropertyValue.
func isPropertyValue(raw json.RawMessage) bool {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one == "PropertyValue"
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		for _, t := range many {
			if t == "PropertyValue" {
				return true
			}
		}
	}
	return false
}

// oneLine makes s one line of at most n runes: control characters and
// runs of space become one space, invalid UTF-8 is dropped.
func oneLine(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	return clipRunes(s, n)
}
