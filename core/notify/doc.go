// Package notify holds notifications: the rule for creating one (Create,
// called by the same core code that performs the action, inside its
// transaction), and reading, dismissing and counting them. A mute with
// notifications keeps the muted account's notifications from being
// written and from being listed while it lasts.
//
// Creating a new kind (favourite, reblog, poll, ...) is one Create call
// with its Type from the code that performs the action. The staff kinds
// (admin.sign_up from core/account, admin.report from core/report) go to
// every admin and moderator through Staff; they are not filtered by
// blocks or mutes, and stop being listed to an account that is no longer
// staff.
//
// It imports core, core/filter, core/profile, core/timeline and storage.
package notify
