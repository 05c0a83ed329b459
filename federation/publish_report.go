package federation

import (
	"context"
	"strconv"

	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/storage"
)

// publishFlag sends a forwarded report to the reported remote account's
// inbox as a Flag from the instance actor, as Mastodon forwards one: its
// object lists the account and the reported statuses, its content is the
// reporter's comment, and nothing names the reporter.
func (f *Federator) publishFlag(ctx context.Context, tx *storage.Store, e outbox.ReportForwarded) error {
	if e.Target == nil || e.Target.Local() || e.Report == nil {
		return nil
	}
	actor, err := f.accounts.InstanceActor(ctx)
	if err != nil {
		return err
	}
	objects := []any{f.actorURI(e.Target)}
	for i := range e.Statuses {
		if uri := f.statusURI(&e.Statuses[i], e.Target); uri != "" {
			objects = append(objects, uri)
		}
	}
	id := f.actorURI(actor)
	act := map[string]any{
		"id": id + "#reports/" + strconv.FormatInt(e.Report.ID, 10), "type": "Flag",
		"actor": id, "content": e.Report.Comment, "object": objects,
	}
	return f.sendTo(ctx, tx, actor, e.Target, act)
}
