// Package account holds the rules for local accounts: who may be created,
// how passwords are kept, the key pair every actor signs with, suspension,
// and the instance actor.
//
// It imports core, core/instance, core/notify (a new account is told to
// staff) and storage.
package account
