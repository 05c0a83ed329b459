package federation

import (
	"context"
	"strings"
	"sync"

	"github.com/rounds-md/rounds/storage"
)

// maxLocalNames bounds a usernameIndex; when full it starts again empty.
const maxLocalNames = 100_000

// usernameIndex maps local usernames (lower case) to account IDs, so that
// the local accounts a received note mentions are read by ID through the
// store's read cache instead of by a query on every note. A row read by
// an indexed ID is used only if it is still the local account of that
// username; otherwise the name is looked up again.
type usernameIndex struct {
	mu  sync.RWMutex
	ids map[string]int64
}

func newUsernameIndex() *usernameIndex { return &usernameIndex{ids: map[string]int64{}} }

// localAccounts returns the local accounts with these usernames (lower
// case), keyed by them.
func (f *Federator) localAccounts(ctx context.Context, names []string) (map[string]*storage.Account, error) {
	out := map[string]*storage.Account{}
	if len(names) == 0 {
		return out, nil
	}
	x := f.localNames
	ids := make([]int64, 0, len(names))
	x.mu.RLock()
	for _, n := range names {
		if id, ok := x.ids[n]; ok {
			ids = append(ids, id)
		}
	}
	x.mu.RUnlock()
	if len(ids) > 0 {
		rows, err := f.store.AccountsByIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, a := range rows {
			if a.Local() {
				out[strings.ToLower(a.Username)] = a
			}
		}
	}
	var missing []string
	for _, n := range names {
		if out[n] == nil {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	found, err := f.store.LocalAccountsByUsernames(ctx, missing)
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(x.ids)+len(found) > maxLocalNames {
		x.ids = map[string]int64{}
	}
	for n, a := range found {
		out[n] = a
		x.ids[n] = a.ID
	}
	return out, nil
}
