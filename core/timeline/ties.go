package timeline

import (
	"github.com/rounds-md/rounds/core/visibility"
	"github.com/rounds-md/rounds/storage"
)

// AuthorTies returns viewer's ties to the authors of sts and of the
// statuses they boost, as Visible read them to decide those statuses for
// viewer: its follows of them and the blocks either way, the three sets
// the profile audiences read too (credential.Service.ViewerFrom). The
// other sets of the Ties are nil, and the three may be Visible's own:
// read them, never change them. So a page's renderer need not read the
// ties Visible has just read.
//
// ok is false, and the caller reads the ties itself, when viewer is nil
// or one of the statuses was not decided by Visible for viewer (a status
// built elsewhere, or decided for someone else).
func AuthorTies(viewer *storage.Account, sts []Status) (ties storage.Ties, ok bool) {
	if viewer == nil {
		return storage.Ties{}, false
	}
	// A page is decided by one Visible call, or two with boosts (the
	// boosted statuses are decided apart): each viewer's sets cover
	// the authors of the statuses it decided.
	var by []*visibility.Viewer
	for i := range sts {
		for st := &sts[i]; st != nil; st = st.Reblog {
			v := st.decidedBy
			if v == nil || v.AccountID != viewer.ID {
				return storage.Ties{}, false
			}
			if !containsPtr(by, v) {
				by = append(by, v)
			}
		}
	}
	switch len(by) {
	case 0:
		return storage.Ties{Following: map[int64]bool{}, BlockedBy: map[int64]bool{}, Blocking: map[int64]bool{}}, true
	case 1:
		return storage.Ties{Following: by[0].Following, BlockedBy: by[0].BlockedBy, Blocking: by[0].Blocking}, true
	}
	return storage.Ties{
		Following: union(by, func(v *visibility.Viewer) map[int64]bool { return v.Following }),
		BlockedBy: union(by, func(v *visibility.Viewer) map[int64]bool { return v.BlockedBy }),
		Blocking:  union(by, func(v *visibility.Viewer) map[int64]bool { return v.Blocking }),
	}, true
}

// containsPtr reports whether vs holds v itself.
func containsPtr(vs []*visibility.Viewer, v *visibility.Viewer) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

// union returns a new set of what set holds in each of vs.
func union(vs []*visibility.Viewer, set func(*visibility.Viewer) map[int64]bool) map[int64]bool {
	n := 0
	for _, v := range vs {
		n += len(set(v))
	}
	out := make(map[int64]bool, n)
	for _, v := range vs {
		for id, ok := range set(v) {
			if ok {
				out[id] = true
			}
		}
	}
	return out
}
