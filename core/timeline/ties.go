package timeline

import (
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// AuthorTies returns viewer's ties to owners, each the author of one of
// sts or of the status one of them boosts, as Visible read them to
// decide those statuses for viewer: its follows of them and the blocks
// either way, the three sets the profile audiences read too
// (credential.Service.ViewerFrom). The other sets of the Ties are nil.
// So a page's renderer need not read the ties Visible has just read.
//
// ok is false, and the caller reads the ties itself, when viewer is nil
// or an owner is not the author of a status Visible decided for viewer
// (a status built elsewhere, or decided for someone else).
func AuthorTies(viewer *storage.Account, sts []Status, owners []int64) (ties storage.Ties, ok bool) {
	if viewer == nil {
		return storage.Ties{}, false
	}
	ties = storage.Ties{Following: map[int64]bool{}, BlockedBy: map[int64]bool{}, Blocking: map[int64]bool{}}
	for _, id := range owners {
		v := decidedFor(viewer.ID, sts, id)
		if v == nil {
			return storage.Ties{}, false
		}
		if v.Following[id] {
			ties.Following[id] = true
		}
		if v.BlockedBy[id] {
			ties.BlockedBy[id] = true
		}
		if v.Blocking[id] {
			ties.Blocking[id] = true
		}
	}
	return ties, true
}

// decidedFor returns the viewer with which Visible decided, for
// viewerID, a status among sts (or their boosted statuses) written by
// author; nil when there is none.
func decidedFor(viewerID int64, sts []Status, author int64) *visibility.Viewer {
	for i := range sts {
		for st := &sts[i]; st != nil; st = st.Reblog {
			if st.AccountID == author && st.decidedBy != nil && st.decidedBy.AccountID == viewerID {
				return st.decidedBy
			}
		}
	}
	return nil
}
