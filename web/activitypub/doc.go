// Package activitypub serves Rounds' ActivityPub endpoints to other
// servers: the actors of local accounts (/users/{username}) and the
// instance actor (/actor), statuses as Notes, outboxes, follower and
// following collections, and the inboxes (personal and shared). The
// documents, the inbox pipeline and authorized fetch live in federation;
// these handlers only bind and render. A browser asking for
// /users/{username} is handed to the HTML profile page, and for a status
// is redirected to the status's page, for any other object to the
// profile page. /@{username}/{id}, a status's URL, is mounted here too:
// ActivityStreams requests get the Note, browsers the HTML status page.
//
// It may import core, storage, federation and web/httperr.
package activitypub
