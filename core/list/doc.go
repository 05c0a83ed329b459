// Package list holds a person's lists: named sets of accounts they
// follow (or themselves), each with a replies policy and optionally
// exclusive (its members' posts then leave the home timeline), and the
// list timelines read through core/timeline. A list is its owner's alone:
// to anyone else it does not exist.
//
// It imports core, core/profile, core/timeline and storage.
package list
