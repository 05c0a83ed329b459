package post

import (
	"context"

	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/storage"
)

// WithPublisher makes s tell p, inside each change's transaction, about
// the statuses local authors create and delete (federation delivers them
// to other servers). Call it once while wiring, before s is used; a
// Service without a publisher tells nobody.
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
