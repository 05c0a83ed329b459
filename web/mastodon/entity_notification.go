package mastodon

import (
	"strconv"

	"github.com/rounds-md/rounds/core/notify"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/storage"
)

// Notification is the Notification entity. Status is present only for
// the types about a status, Report only for admin.report.
type Notification struct {
	ID        string  `json:"id"`
	Type      string  `json:"type"`
	CreatedAt Time    `json:"created_at"`
	GroupKey  string  `json:"group_key"`
	Account   Account `json:"account"`
	Status    *Status `json:"status,omitempty"`
	// Report is the report of an admin.report.
	Report *Report `json:"report,omitempty"`
}

// notification renders a notification for viewer, its accounts with
// account.
func (h *Handler) notification(it notify.Item, viewer *storage.Account, account func(profile.Account) *Account) Notification {
	id := strconv.FormatInt(it.ID, 10)
	out := Notification{ID: id, Type: it.Type, CreatedAt: Time(it.CreatedAt), GroupKey: "ungrouped-" + id, Account: *account(it.Account)}
	if it.Status != nil {
		st := h.statusWith(it.Status, viewer, account)
		out.Status = &st
	}
	if it.Report != nil {
		r := h.report(*it.Report, account)
		out.Report = &r
	}
	return out
}
