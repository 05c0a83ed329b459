// Package activitypub serves Rounds' ActivityPub documents to other
// servers: the actors of local accounts (/users/{username}) and the
// instance actor (/actor). The documents are built in federation; a
// browser asking for /users/{username} is handed to the HTML profile page.
//
// It may import core, storage, federation and web/httperr.
package activitypub
