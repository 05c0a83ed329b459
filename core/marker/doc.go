// Package marker holds read markers: where a person stopped reading their
// home timeline and their notifications, saved by one client and read by
// another. Each save adds one to the marker's version.
//
// It imports core and storage.
package marker
