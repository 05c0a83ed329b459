package federation

import (
	"errors"

	"github.com/rounds-md/rounds/core/instance"
	"github.com/rounds-md/rounds/storage"
)

// MinimalActor renders the actor served to unsigned requests under
// authorized fetch, as Mastodon's secure mode does: what another server
// needs to verify this actor's signatures and reach its inbox (id, type,
// preferredUsername, inbox, publicKey), and nothing of the profile.
func MinimalActor(inst instance.Config, a *storage.Account) ([]byte, error) {
	if !a.Local() {
		return nil, errors.New("federation: actor: not a local account")
	}
	u := LocalActorURLs(inst, a)
	return encode(map[string]any{
		"@context":          []any{activityStreamsContext, securityContext},
		"id":                u.ID,
		"type":              ActorType(a),
		"preferredUsername": a.Username,
		"inbox":             u.Inbox,
		"publicKey":         map[string]any{"id": u.Key, "owner": u.ID, "publicKeyPem": a.PublicKeyPEM},
	})
}
