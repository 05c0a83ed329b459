// Package outbox is how core tells other servers what local people did,
// without knowing how: core services describe each change as a plain Go
// Event and hand it to a Publisher inside the transaction that makes the
// change, so that whatever the publisher writes (federation enqueues one
// delivery job per remote inbox) commits or rolls back with it.
//
// federation implements Publisher (ActivityPub activities, addressing,
// delivery); federation.New attaches it to the core services
// (core/app, Services.Federate). Nop publishes nothing, for processes and
// unit tests without federation.
//
// It imports storage only.
package outbox
