package outbox

import "github.com/rounds-md/rounds/storage"

// ReportForwarded: a local account reported Target, a remote account, and
// asked that a copy go to Target's server. Statuses are the reported
// statuses (Target's). The copy is an anonymous Flag from the instance
// actor: the reporter is never named to the other server.
type ReportForwarded struct {
	Report   *storage.Report
	Target   *storage.Account
	Statuses []storage.Status
}

func (ReportForwarded) event() {}
