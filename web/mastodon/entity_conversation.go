package mastodon

import (
	"strconv"

	"github.com/rounds-md/rounds/core/conversation"
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

func (h *Handler) conversation(cv conversation.Conversation, viewer *storage.Account) Conversation {
	st := h.status(cv.LastStatus, viewer)
	return Conversation{ID: strconv.FormatInt(cv.ID, 10), Unread: cv.Unread, Accounts: h.accounts(cv.Accounts), LastStatus: &st}
}
