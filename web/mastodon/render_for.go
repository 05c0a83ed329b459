package mastodon

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/conversation"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// statusAccounts appends the accounts sts show to out: each author and
// each boosted status's author.
func statusAccounts(out []*profile.Account, sts ...*timeline.Status) []*profile.Account {
	for _, st := range sts {
		out = append(out, &st.Account)
		if st.Reblog != nil {
			out = append(out, &st.Reblog.Account)
		}
	}
	return out
}

// viewFor returns the renderer of accts for the request's viewer: each
// with the profile fields and Account.rounds the viewer may see, through
// the cache of rendered accounts. Only accounts with a professional
// profile can differ between viewers, so the viewer is looked up only
// when one has one; an anonymous request sees what the public sees.
// (The answer is already private to caches: the bearer-token middleware
// marks every authenticated answer so.)
func (h *Handler) viewFor(c *gin.Context, accts []*profile.Account) (accountView, error) {
	return h.viewTied(c, accts, nil)
}

// viewTied is viewFor taking the viewer's ties to the owners from known
// when it has them (known may be nil).
func (h *Handler) viewTied(c *gin.Context, accts []*profile.Account, known knownTies) (accountView, error) {
	view := accountView{h: h, v: credential.Anonymous()}
	if viewer(c) == nil {
		return view, nil
	}
	var owners []int64
	for _, a := range accts {
		if a.Card != nil {
			owners = append(owners, a.ID)
		}
	}
	if len(owners) == 0 {
		return view, nil
	}
	v, err := h.requestViewerTied(c, owners, known)
	if err != nil {
		return accountView{}, err
	}
	view.v = v
	return view, nil
}

// accountsFor renders the account of each of items (found by of) for
// the request's viewer (viewFor), in order.
func accountsFor[T any](h *Handler, c *gin.Context, items []T, of func(*T) *profile.Account) ([]Account, error) {
	accts := make([]*profile.Account, len(items))
	for i := range items {
		accts[i] = of(&items[i])
	}
	view, err := h.viewFor(c, accts)
	if err != nil {
		return nil, err
	}
	out := make([]Account, len(accts))
	for i, a := range accts {
		out[i] = *view.render(*a)
	}
	return out, nil
}

// statusesFor renders sts for the request's viewer (viewFor), as a list
// that appends its own JSON. The viewer's ties to the authors are the
// ones that decided sts (timeline.AuthorTies), not read again. It
// reports false after answering with an error.
func (h *Handler) statusesFor(c *gin.Context, sts []timeline.Status) (statusList, bool) {
	accts := make([]*profile.Account, 0, len(sts))
	for i := range sts {
		accts = statusAccounts(accts, &sts[i])
	}
	me := viewer(c)
	view, err := h.viewTied(c, accts, func() (storage.Ties, bool) {
		// The owners are among accts, the authors of sts and of the
		// statuses they boost, all of whom AuthorTies covers.
		return timeline.AuthorTies(me, sts)
	})
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	return h.statuses(sts, me, view.render), true
}

// statusFor is statusesFor for one status.
func (h *Handler) statusFor(c *gin.Context, st timeline.Status) (Status, bool) {
	out, ok := h.statusesFor(c, []timeline.Status{st})
	if !ok {
		return Status{}, false
	}
	return out[0], true
}

// notificationsFor renders notifications for the request's viewer
// (viewFor): each notifying account, each status's accounts and each
// report's target. It reports false after answering with an error.
func (h *Handler) notificationsFor(c *gin.Context, items []notify.Item) ([]Notification, bool) {
	var accts []*profile.Account
	for i := range items {
		it := &items[i]
		accts = append(accts, &it.Account)
		if it.Status != nil {
			accts = statusAccounts(accts, it.Status)
		}
		if it.Report != nil {
			accts = append(accts, &it.Report.Target)
		}
	}
	view, err := h.viewFor(c, accts)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	me := viewer(c)
	out := make([]Notification, len(items))
	for i, it := range items {
		out[i] = h.notification(it, me, view.render)
	}
	return out, true
}

// conversationsFor renders conversations for the request's viewer
// (viewFor): the participants and the last status's accounts. It reports
// false after answering with an error.
func (h *Handler) conversationsFor(c *gin.Context, cvs []conversation.Conversation) ([]Conversation, bool) {
	var accts []*profile.Account
	for i := range cvs {
		for j := range cvs[i].Accounts {
			accts = append(accts, &cvs[i].Accounts[j])
		}
		accts = statusAccounts(accts, &cvs[i].LastStatus)
	}
	view, err := h.viewFor(c, accts)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	me := viewer(c)
	out := make([]Conversation, len(cvs))
	for i, cv := range cvs {
		out[i] = h.conversation(cv, me, view.render)
	}
	return out, true
}

// respondStatus answers with st rendered for the request's viewer, or with
// err when the core call that produced st failed.
func (h *Handler) respondStatus(c *gin.Context, st *timeline.Status, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	if out, ok := h.statusFor(c, *st); ok {
		jsonbody.Write(c, http.StatusOK, out)
	}
}
