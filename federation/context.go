package federation

// The JSON-LD contexts Rounds writes. go-fed v1.0.0's streams.Serialize
// emits bare vocabulary URIs, including the unresolvable
// http://joinmastodon.org/ns, in map order; every document is given one of
// these fixed contexts instead (docs/decisions/20261127-actor-serialization.md).
const (
	activityStreamsContext = "https://www.w3.org/ns/activitystreams"
	securityContext        = "https://w3id.org/security/v1"
)

// actorContext is the @context of an actor document, shaped as Mastodon's:
// the ActivityStreams and security contexts by URL, then the terms of the
// extensions Rounds uses (and PropertyValue, for profile fields) defined
// inline, because the toot: namespace serves no context document.
func actorContext() []any {
	return []any{
		activityStreamsContext,
		securityContext,
		map[string]any{
			"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
			"toot":                      "http://joinmastodon.org/ns#",
			"discoverable":              "toot:discoverable",
			"indexable":                 "toot:indexable",
			"suspended":                 "toot:suspended",
			"featured":                  map[string]string{"@id": "toot:featured", "@type": "@id"},
			"alsoKnownAs":               map[string]string{"@id": "as:alsoKnownAs", "@type": "@id"},
			"movedTo":                   map[string]string{"@id": "as:movedTo", "@type": "@id"},
			"schema":                    "http://schema.org#",
			"PropertyValue":             "schema:PropertyValue",
			"value":                     "schema:value",
			// Rounds' professional profile (docs/federation.md).
			"rounds":                roundsNamespace,
			"professionalProfile":   map[string]string{"@id": "rounds:professionalProfile", "@type": "@json"},
			"physicianVerification": map[string]string{"@id": "rounds:physicianVerification", "@type": "@json"},
		},
	}
}
