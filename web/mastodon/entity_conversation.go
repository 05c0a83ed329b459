package mastodon

import (
	"strconv"

	"github.com/rounds-md/rounds/core/conversation"
	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/storage"
)

// Conversation is the Conversation entity (docs entities/Conversation):
// the other participants and the newest status of a thread of direct
// statuses.
type Conversation struct {
	ID         string    `json:"id"`
	Unread     bool      `json:"unread"`
	Accounts   []Account `json:"accounts"`
	LastStatus *Status   `json:"last_status"`
}

// conversation renders a conversation for viewer, its accounts with
// account.
func (h *Handler) conversation(cv conversation.Conversation, viewer *storage.Account, account func(profile.Account) *Account) Conversation {
	st := h.statusWith(&cv.LastStatus, viewer, account)
	accts := make([]Account, len(cv.Accounts))
	for i, a := range cv.Accounts {
		accts[i] = *account(a)
	}
	return Conversation{ID: strconv.FormatInt(cv.ID, 10), Unread: cv.Unread, Accounts: accts, LastStatus: &st}
}
