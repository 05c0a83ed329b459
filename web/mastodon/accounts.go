package mastodon

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/timeline"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/jsonbody"
	"github.com/rounds-md/rounds/web/oauth"
)

// verifyCredentials serves GET /api/v1/accounts/verify_credentials
// (methods/accounts#verify_credentials): the CredentialAccount, with
// source and role. The rendered answer is kept per account while
// nothing it was built from can have changed (credentialCache).
func (h *Handler) verifyCredentials(c *gin.Context) {
	me := viewer(c)
	role := oauth.FromContext(c).User.Role // RequireUserAny: a user token
	if body, ok := h.creds.get(me.ID, role); ok {
		jsonbody.WriteBytes(c, http.StatusOK, body)
		return
	}
	// Taken before the reads: a write after it makes the entry stale.
	stamp, keep := h.Store.ReadStamp()
	out, err := h.credentialAccount(c, me, role)
	if err != nil {
		h.fail(c, err)
		return
	}
	body, err := jsonbody.Marshal(out)
	if err != nil {
		h.fail(c, err)
		return
	}
	if keep {
		h.creds.put(me.ID, role, stamp, body)
	}
	jsonbody.WriteBytes(c, http.StatusOK, body)
}

// credentialAccount builds the viewer's CredentialAccount.
func (h *Handler) credentialAccount(c *gin.Context, me *storage.Account, role string) (Account, error) {
	ctx := c.Request.Context()
	a, err := h.social.profiles.Get(ctx, me.ID)
	if err != nil {
		return Account{}, err
	}
	prefs, err := h.social.posts.Preferences(ctx, me)
	if err != nil {
		return Account{}, err
	}
	pending, err := h.social.follows.PendingRequests(ctx, me)
	if err != nil {
		return Account{}, err
	}
	out, err := h.accountFor(c, *a)
	if err != nil {
		return Account{}, err
	}
	out.Source = &Source{
		Privacy: prefs.DefaultVisibility, Sensitive: prefs.DefaultSensitive, Language: deref(prefs.DefaultLanguage),
		Note: a.Note, Fields: sourceFields(*a), FollowRequestsCount: pending, Discoverable: a.Discoverable,
		AttributionDomains: []string{}, QuotePolicy: "nobody",
	}
	r := Role{ID: "-99", Name: "", Color: "", Permissions: "0"}
	if role != "member" {
		r = Role{ID: role, Name: strings.ToUpper(role[:1]) + role[1:], Color: "", Permissions: "0", Highlighted: true}
	}
	out.Role = &r
	return out, nil
}

// getPreferences serves GET /api/v1/preferences (methods/preferences).
func (h *Handler) getPreferences(c *gin.Context) {
	prefs, err := h.social.posts.Preferences(c.Request.Context(), viewer(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, preferences(prefs))
}

// getAccount serves GET /api/v1/accounts/:id (methods/accounts#get).
func (h *Handler) getAccount(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	a, err := h.social.profiles.Get(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderAccountFor(c, *a)
}

// lookupAccount serves GET /api/v1/accounts/lookup?acct=
// (methods/accounts#lookup): local and known accounts, and a remote
// user@domain not known yet is resolved through WebFinger (federation).
func (h *Handler) lookupAccount(c *gin.Context) {
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	acct, ok := p.opt("acct")
	if !ok {
		h.fail(c, core.Invalid("acct", "is missing"))
		return
	}
	a, err := h.social.profiles.Resolve(c.Request.Context(), acct)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderAccountFor(c, *a)
}

// accountStatuses serves GET /api/v1/accounts/:id/statuses
// (methods/accounts#statuses): exclude_replies, exclude_reblogs,
// only_media, pinned, tagged, paging.
func (h *Handler) accountStatuses(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	p, ok := h.bindOr(c)
	if !ok {
		return
	}
	var f timeline.AccountFilter
	var err error
	for _, b := range []struct {
		key string
		dst *bool
	}{{"exclude_replies", &f.ExcludeReplies}, {"exclude_reblogs", &f.ExcludeReblogs}, {"only_media", &f.OnlyMedia}, {"pinned", &f.Pinned}} {
		if *b.dst, err = p.flag(b.key); err != nil {
			h.fail(c, err)
			return
		}
	}
	f.Tagged, _ = p.opt("tagged")
	f.Tagged = strings.TrimPrefix(f.Tagged, "#")
	me := viewer(c)
	res, err := h.social.timelines.Account(c.Request.Context(), me, id, f, p.page(statusPage))
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(res.Statuses) > 0 {
		h.setLink(c, res.Next, res.Prev)
	}
	out, ok := h.statusesFor(c, res.Statuses)
	if !ok {
		return
	}
	jsonbody.Write(c, http.StatusOK, out)
}
