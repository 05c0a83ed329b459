package federation

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/rounds-md/rounds/storage"
)

// actorURI is the ActivityPub id of an account: derived for local ones,
// stored for remote ones.
func (f *Federator) actorURI(a *storage.Account) string {
	if a.Local() {
		return LocalActorURLs(f.inst, a).ID
	}
	if a.URI != nil {
		return *a.URI
	}
	return ""
}

// StatusURI is the ActivityPub id of a local status: ACTOR/statuses/ID,
// as the Mastodon API's uri field gives it.
func StatusURI(actorID string, statusID int64) string {
	return actorID + "/statuses/" + strconv.FormatInt(statusID, 10)
}

// statusURI is the id of any status whose author is known.
func (f *Federator) statusURI(st *storage.Status, author *storage.Account) string {
	if st.Local {
		return StatusURI(f.actorURI(author), st.ID)
	}
	if st.URI != nil {
		return *st.URI
	}
	return ""
}

// localPath returns the path of uri when it is on this instance.
func (f *Federator) localPath(uri string) (string, bool) {
	u, err := url.Parse(uri)
	if err != nil || !strings.EqualFold(u.Host, f.inst.Domain) {
		return "", false
	}
	return u.Path, true
}

// localUsername returns NAME when uri is this instance's /users/NAME.
func (f *Federator) localUsername(uri string) (string, bool) {
	p, ok := f.localPath(uri)
	if !ok {
		return "", false
	}
	name, ok := strings.CutPrefix(p, "/users/")
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}

// localStatusID returns the ID when uri is this instance's
// /users/NAME/statuses/ID, with NAME.
func (f *Federator) localStatusID(uri string) (string, int64, bool) {
	p, ok := f.localPath(uri)
	if !ok {
		return "", 0, false
	}
	rest, ok := strings.CutPrefix(p, "/users/")
	if !ok {
		return "", 0, false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[1] != "statuses" {
		return "", 0, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || id <= 0 {
		return "", 0, false
	}
	return parts[0], id, true
}

// isLocal reports whether uri is on this instance.
func (f *Federator) isLocal(uri string) bool {
	_, ok := f.localPath(uri)
	return ok
}
