package follow

import (
	"context"

	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/storage"
)

// WithPublisher makes s tell p, inside each change's transaction, about
// follows, unfollows, accepted and rejected requests, blocks and unblocks
// (federation sends the matching activities to remote accounts). Call it
// once while wiring, before s is used.
func (s *Service) WithPublisher(p outbox.Publisher) *Service {
	s.pub = p
	return s
}

// publish hands ev to the publisher, if there is one.
func (s *Service) publish(ctx context.Context, tx *storage.Store, ev outbox.Event) error {
	if s.pub == nil {
		return nil
	}
	return s.pub.Publish(ctx, tx, ev)
}

// deref returns *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
