// Package mastodon serves the Mastodon client API
// (https://docs.joinmastodon.org/methods/), so that any Mastodon app can
// use Rounds, and renders its entities as JSON. Handlers are thin: they
// bind the request, call core, and render the entity.
//
// It may import core, storage, federation, web/httperr and web/jsonbody
// (which writes every JSON body), and web/pages for asset paths; gin
// lives here, wire formats of the Mastodon API live only here.
package mastodon
