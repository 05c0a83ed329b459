//go:build !unix

package storage

// lockFile does nothing where flock(2) is missing: there, run one Rounds
// process at a time against a SQLite file while it migrates.
func lockFile(string) (unlock func(), err error) { return func() {}, nil }
