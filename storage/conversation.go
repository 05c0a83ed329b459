package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// AccountConversation is one local participant's view of a thread of
// direct statuses: its newest status and whether it is unread.
type AccountConversation struct {
	bun.BaseModel `bun:"table:account_conversations"`

	ID             int64     `bun:"id,pk"`
	AccountID      int64     `bun:"account_id,notnull"`
	ConversationID int64     `bun:"conversation_id,notnull"`
	LastStatusID   int64     `bun:"last_status_id,notnull"`
	Unread         bool      `bun:"unread,notnull"`
	UpdatedAt      time.Time `bun:"updated_at,notnull"`
}

// TouchConversation records a stored direct status in its thread's
// conversation for each local participant: the author (as read) and the
// accounts in recipients (as unread). A status older than the one a
// conversation shows changes nothing. A participant who had deleted the
// conversation gets it back. Call it in the status's transaction.
func (s *Store) TouchConversation(ctx context.Context, st *Status, recipients []int64) error {
	conv := st.ID
	if st.ConversationID != nil {
		conv = *st.ConversationID
	}
	now := time.Now().UTC()
	touch := func(accountID int64, unread bool) error {
		_, err := s.idb.NewRaw(`INSERT INTO account_conversations (id, account_id, conversation_id, last_status_id, unread, updated_at)
			SELECT ?, id, ?, ?, ?, ? FROM accounts WHERE id = ? AND domain = ''
			ON CONFLICT (account_id, conversation_id) DO UPDATE SET
				last_status_id = EXCLUDED.last_status_id, unread = EXCLUDED.unread, updated_at = EXCLUDED.updated_at
			WHERE account_conversations.last_status_id < EXCLUDED.last_status_id`,
			s.NewID(), conv, st.ID, unread, now, accountID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("storage: touch conversation: %w", classify(err))
		}
		return nil
	}
	if err := touch(st.AccountID, false); err != nil {
		return err
	}
	for _, id := range recipients {
		if id == st.AccountID {
			continue
		}
		if err := touch(id, true); err != nil {
			return err
		}
	}
	return nil
}

// Conversations pages through accountID's conversations by the ID of
// their newest status, newest first.
func (s *Store) Conversations(ctx context.Context, accountID int64, p Page) ([]AccountConversation, error) {
	var out []AccountConversation
	q := s.idb.NewSelect().Model(&out).Where("account_id = ?", accountID)
	if err := p.apply(q, "last_status_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: conversations: %w", classify(err))
	}
	return finish(p, out), nil
}

// ConversationByID returns accountID's conversation with that ID.
func (s *Store) ConversationByID(ctx context.Context, accountID, id int64) (*AccountConversation, error) {
	c := new(AccountConversation)
	if err := s.idb.NewSelect().Model(c).Where("id = ?", id).Where("account_id = ?", accountID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("storage: conversation %d: %w", id, classify(err))
	}
	return c, nil
}

// MarkConversationRead clears the unread flag of accountID's conversation.
func (s *Store) MarkConversationRead(ctx context.Context, accountID, id int64) error {
	res, err := s.idb.NewUpdate().Model((*AccountConversation)(nil)).Set("unread = FALSE").Set("updated_at = ?", time.Now().UTC()).
		Where("id = ?", id).Where("account_id = ?", accountID).Exec(ctx)
	return checkUpdated(res, err, "read conversation")
}

// DeleteConversation removes accountID's conversation with that ID.
func (s *Store) DeleteConversation(ctx context.Context, accountID, id int64) error {
	res, err := s.idb.NewDelete().Model((*AccountConversation)(nil)).Where("id = ?", id).Where("account_id = ?", accountID).Exec(ctx)
	return checkUpdated(res, err, "delete conversation")
}

// SetConversationLastStatus points accountID's conversation at another
// status (when the one it showed was deleted).
func (s *Store) SetConversationLastStatus(ctx context.Context, accountID, id, statusID int64) error {
	res, err := s.idb.NewUpdate().Model((*AccountConversation)(nil)).Set("last_status_id = ?", statusID).
		Where("id = ?", id).Where("account_id = ?", accountID).Exec(ctx)
	return checkUpdated(res, err, "conversation last status")
}

// LatestDirectStatusID returns the newest undeleted direct status of the
// thread conversationID that accountID wrote or is mentioned in;
// ErrNotFound when none is left.
func (s *Store) LatestDirectStatusID(ctx context.Context, accountID, conversationID int64) (int64, error) {
	var ids []int64
	err := s.idb.NewSelect().Model((*Status)(nil)).Column("id").
		Where("conversation_id = ?", conversationID).Where("visibility = 'direct'").Where("deleted_at IS NULL").
		Where("(account_id = ? OR id IN (SELECT status_id FROM status_mentions WHERE account_id = ?))", accountID, accountID).
		OrderExpr("id DESC").Limit(1).Scan(ctx, &ids)
	if err != nil {
		return 0, fmt.Errorf("storage: latest direct status: %w", classify(err))
	}
	if len(ids) == 0 {
		return 0, fmt.Errorf("storage: latest direct status: %w", ErrNotFound)
	}
	return ids[0], nil
}
