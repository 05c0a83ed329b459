package mastodon

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/conversation"
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/web/jsonbody"
)

// embedded pairs an account as core loaded it with the place it was
// rendered inside a larger entity (a status, a notification).
type embedded struct {
	src profile.Account
	dst *Account
}

// statusEmbedded pairs the accounts of one status with where out shows
// them: its author and, for a boost, the boosted status's author.
func statusEmbedded(st *timeline.Status, out *Status) []embedded {
	accts := []embedded{{st.Account, &out.Account}}
	if st.Reblog != nil && out.Reblog != nil {
		accts = append(accts, embedded{st.Reblog.Account, &out.Reblog.Account})
	}
	return accts
}

// widen gives each embedded account the profile fields and Account.rounds
// the request's viewer may see: h.account renders what the public sees,
// which is all an anonymous request gets. Only accounts with a
// professional profile can differ, so the viewer is looked up only when
// one has one. (The answer is already private to caches: the bearer-token
// middleware marks every authenticated answer so.)
func (h *Handler) widen(c *gin.Context, accts []embedded) error {
	if viewer(c) == nil {
		return nil
	}
	var owners []int64
	for _, e := range accts {
		if e.src.Card != nil {
			owners = append(owners, e.src.ID)
		}
	}
	if len(owners) == 0 {
		return nil
	}
	v, err := h.requestViewer(c, owners)
	if err != nil {
		return err
	}
	for _, e := range accts {
		if e.src.Card != nil {
			e.dst.Fields, e.dst.Rounds = h.professional(e.src, v)
		}
	}
	return nil
}

// statusesFor renders sts for the request's viewer: each account with
// the profile fields and Account.rounds the viewer may see, as widen
// gives them, through the cache of rendered accounts (accountView). The
// viewer is looked up only when an account has a professional profile.
// It reports false after answering with an error.
func (h *Handler) statusesFor(c *gin.Context, sts []timeline.Status) ([]Status, bool) {
	view := accountView{h: h, v: credential.Anonymous()}
	if viewer(c) != nil {
		var owners []int64
		for i := range sts {
			if sts[i].Account.Card != nil {
				owners = append(owners, sts[i].Account.ID)
			}
			if r := sts[i].Reblog; r != nil && r.Account.Card != nil {
				owners = append(owners, r.Account.ID)
			}
		}
		if len(owners) > 0 {
			v, err := h.requestViewer(c, owners)
			if err != nil {
				h.fail(c, err)
				return nil, false
			}
			view.v = v
		}
	}
	return h.statuses(sts, viewer(c), view.render), true
}

// statusFor is statusesFor for one status.
func (h *Handler) statusFor(c *gin.Context, st timeline.Status) (Status, bool) {
	out, ok := h.statusesFor(c, []timeline.Status{st})
	if !ok {
		return Status{}, false
	}
	return out[0], true
}

// notificationsFor renders notifications for the request's viewer: each
// notifying account and each status's accounts widened. It reports false
// after answering with an error.
func (h *Handler) notificationsFor(c *gin.Context, items []notify.Item) ([]Notification, bool) {
	me := viewer(c)
	out := make([]Notification, len(items))
	var accts []embedded
	for i, it := range items {
		out[i] = h.notification(it, me)
		accts = append(accts, embedded{it.Account, &out[i].Account})
		if it.Status != nil && out[i].Status != nil {
			accts = append(accts, statusEmbedded(it.Status, out[i].Status)...)
		}
		if it.Report != nil && out[i].Report != nil {
			accts = append(accts, embedded{it.Report.Target, &out[i].Report.TargetAccount})
		}
	}
	if err := h.widen(c, accts); err != nil {
		h.fail(c, err)
		return nil, false
	}
	return out, true
}

// conversationsFor renders conversations for the request's viewer: the
// participants and the last status's accounts widened. It reports false
// after answering with an error.
func (h *Handler) conversationsFor(c *gin.Context, cvs []conversation.Conversation) ([]Conversation, bool) {
	me := viewer(c)
	out := make([]Conversation, len(cvs))
	var accts []embedded
	for i, cv := range cvs {
		out[i] = h.conversation(cv, me)
		for j := range cv.Accounts {
			accts = append(accts, embedded{cv.Accounts[j], &out[i].Accounts[j]})
		}
		accts = append(accts, statusEmbedded(&cvs[i].LastStatus, out[i].LastStatus)...)
	}
	if err := h.widen(c, accts); err != nil {
		h.fail(c, err)
		return nil, false
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
