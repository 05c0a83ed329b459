// Package credential holds the professional profile of an account and
// the verification of its credential: the fields (profession, specialty
// and subspecialties, institution, department, training program, stage
// and year, graduation year, board certifications, languages, interests,
// contact preferences), each with the audience its owner chose (public,
// followers, physicians, only_me; visibility.MaySeeField decides), the
// controlled vocabulary of specialties and subspecialties they are
// checked against, the defaults, what one viewer may see of a profile
// (Show, Lines), verification by staff (recorded with who and when,
// revocable, public), remote profiles and verifications as other
// instances state them, what another Rounds instance shows a local
// viewer when that viewer asks (RemoteViews, through a ProfileFetcher
// that federation implements), and the directory over all of it.
//
// Wire formats are not here: web/mastodon renders Account.fields and
// Account.rounds, federation the actor's attachments and the Rounds
// JSON-LD term, web/pages the HTML, all from Shown.
//
// It imports core, core/instance, core/outbox, core/visibility and
// storage; never web, federation, gin or bun.
package credential
