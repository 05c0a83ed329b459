// Package visibility holds the audience rules of Rounds: who may see a
// status of each visibility (public, unlisted, private, direct), as pure
// functions over plain values. Every path that returns statuses (home,
// public and account timelines, a status by id, a thread, notifications,
// the HTML pages and authorized fetches) asks MaySee before it shows one.
// MaySeeField is the same kind of rule for one field of a professional
// profile, by the audience its owner chose (public, followers,
// physicians, only_me).
//
// Privacy comes first: being an admin or moderator widens nothing, and a
// block in either direction hides everything.
//
// It imports only the standard library.
package visibility
