package mastodon

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/core/report"
	"github.com/rounds-md/rounds/web/jsonbody"
	"github.com/rounds-md/rounds/web/oauth"
)

// Report is the Report entity (entities/Report), as the reporter sees it
// after filing and as staff see it in an admin.report notification.
type Report struct {
	ID            string   `json:"id"`
	ActionTaken   bool     `json:"action_taken"`
	ActionTakenAt *Time    `json:"action_taken_at"`
	Category      string   `json:"category"`
	Comment       string   `json:"comment"`
	Forwarded     bool     `json:"forwarded"`
	CreatedAt     Time     `json:"created_at"`
	StatusIDs     []string `json:"status_ids"`
	RuleIDs       []string `json:"rule_ids"`
	TargetAccount Account  `json:"target_account"`
}

// report renders r, its target account with account.
func (h *Handler) report(r notify.Report, account func(profile.Account) *Account) Report {
	ids := []string{}
	for _, id := range r.StatusIDList() {
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	return Report{
		ID: strconv.FormatInt(r.ID, 10), ActionTaken: r.ResolvedAt != nil, ActionTakenAt: timePtr(r.ResolvedAt),
		Category: r.Category, Comment: r.Comment, Forwarded: r.Forwarded, CreatedAt: Time(r.CreatedAt),
		StatusIDs: ids, TargetAccount: *account(r.Target),
	}
}

// reports serves POST /api/v1/reports.
type reports struct {
	*Handler
	svc *report.Service
}

// reportRoutes mounts POST /api/v1/reports (methods/reports#post).
func reportRoutes(r gin.IRouter, h *Handler) {
	x := &reports{Handler: h, svc: h.Reports}
	r.POST("/api/v1/reports", oauth.RequireUser("write:reports"), x.file)
}

// file serves POST /api/v1/reports (methods/reports#post): account_id,
// status_ids[], comment, forward, category, rule_ids[]. The admins and
// moderators are told (admin.report).
func (x *reports) file(c *gin.Context) {
	p, ok := x.bindOr(c)
	if !ok {
		return
	}
	f := report.Filing{Comment: p.text("comment"), Category: p.text("category"), RuleIDs: p.list("rule_ids")}
	var err error
	if f.AccountID, err = p.id("account_id"); err != nil {
		x.fail(c, err)
		return
	}
	for _, raw := range p.list("status_ids") {
		id, ok := parseID(raw)
		if !ok {
			x.fail(c, errNotFound)
			return
		}
		f.StatusIDs = append(f.StatusIDs, id)
	}
	if f.Forward, err = p.flag("forward"); err != nil {
		x.fail(c, err)
		return
	}
	r, err := x.svc.File(c.Request.Context(), viewer(c), f)
	if err != nil {
		x.fail(c, err)
		return
	}
	view, err := x.viewFor(c, []*profile.Account{&r.Target})
	if err != nil {
		x.fail(c, err)
		return
	}
	jsonbody.Write(c, http.StatusOK, x.report(*r, view.render))
}
