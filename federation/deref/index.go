package deref

import (
	"context"
	"sync"

	"github.com/rounds-md/rounds/storage"
)

// maxIndexed bounds an idIndex; when full it starts again empty.
const maxIndexed = 100_000

// idIndex maps remote actor URIs and key ids to account IDs. The mapping
// hardly ever changes (an actor keeps its row), so it is kept for the
// life of the process; the rows themselves are read by ID, through the
// store's read cache, and checked against the URI or key id asked for.
type idIndex struct {
	mu    sync.RWMutex
	byURI map[string]int64
	byKey map[string]int64
}

func newIDIndex() *idIndex {
	return &idIndex{byURI: map[string]int64{}, byKey: map[string]int64{}}
}

// get returns the ID indexed for a URI (or, byKey, a key id).
func (x *idIndex) get(s string, byKey bool) (int64, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if byKey {
		id, ok := x.byKey[s]
		return id, ok
	}
	id, ok := x.byURI[s]
	return id, ok
}

// put indexes a remote account under its URI and key id.
func (x *idIndex) put(a *storage.Account) {
	if a == nil || a.ID == 0 || a.Local() {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(x.byURI)+len(x.byKey) >= maxIndexed {
		x.byURI, x.byKey = map[string]int64{}, map[string]int64{}
	}
	if a.URI != nil {
		x.byURI[*a.URI] = a.ID
	}
	if a.PublicKeyURI != nil {
		x.byKey[*a.PublicKeyURI] = a.ID
	}
}

// lookup returns the stored remote account with that URI (or, byKey, key
// id): by its indexed ID when the row still matches, else by a query,
// whose answer is indexed.
func (r *Resolver) lookup(ctx context.Context, s string, byKey bool) (*storage.Account, error) {
	if id, ok := r.ids.get(s, byKey); ok {
		rows, err := r.store.AccountsByIDs(ctx, []int64{id})
		if err != nil {
			return nil, err
		}
		if a := rows[id]; a != nil && !a.Local() && matches(a, s, byKey) {
			return a, nil
		}
	}
	var a *storage.Account
	var err error
	if byKey {
		a, err = r.store.RemoteAccountByKeyURI(ctx, s)
	} else {
		a, err = r.store.RemoteAccountByURI(ctx, s)
	}
	if err != nil {
		return nil, err
	}
	r.ids.put(a)
	return a, nil
}

// matches reports whether a is the account of URI (or key id) s.
func matches(a *storage.Account, s string, byKey bool) bool {
	if byKey {
		return a.PublicKeyURI != nil && *a.PublicKeyURI == s
	}
	return a.URI != nil && *a.URI == s
}
