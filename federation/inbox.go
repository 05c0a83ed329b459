package federation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/federation/deref"
	"github.com/rounds-md/rounds/federation/signature"
	"github.com/rounds-md/rounds/storage"
)

// MaxInboxBody caps the body of an inbox POST (1 MiB, the cap Mastodon
// and Lemmy put on fetched documents).
const MaxInboxBody = 1 << 20

// inboxArgs are the arguments of an inbox job.
type inboxArgs struct {
	// Activity is the body as received (its signature checked).
	Activity []byte `json:"activity"`
	// Inbox is the username of the personal inbox it came to, "" for the
	// shared inbox.
	Inbox string `json:"inbox,omitempty"`
}

// interactive are the activity types whose processing others wait on.
var interactive = map[string]bool{"Follow": true, "Accept": true, "Reject": true, "Undo": true, "Block": true}

// Receive accepts an activity POSTed to an inbox: the personal inbox of
// the local account username, or the shared inbox when username is "".
// In order: body capped at MaxInboxBody (413), an ActivityStreams content
// type (415), the domain policy for the signing key's host (403), the
// HTTP signature, its Date and Digest (401), a readable activity (400),
// the key's owner as the activity's actor (401), the domain policy for the
// actor (403), the origin rules (403), then dedupe by activity id: a
// replay is accepted and does nothing. The work is enqueued in the same
// transaction as the dedupe row; nil means 202 Accepted. Every refusal is
// an *Error.
func (f *Federator) Receive(ctx context.Context, r *http.Request, username string) error {
	if username != "" {
		if _, err := f.accounts.LocalPerson(ctx, username); err != nil {
			if errors.Is(err, core.ErrNotFound) || errors.Is(err, core.ErrGone) {
				return refuse(http.StatusNotFound, err, "Record not found")
			}
			return err
		}
	}
	if r.ContentLength > MaxInboxBody {
		return refuse(http.StatusRequestEntityTooLarge, nil, "body over %d bytes", MaxInboxBody)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxInboxBody+1))
	if err != nil {
		return badRequest("unreadable body")
	}
	if len(body) > MaxInboxBody {
		return refuse(http.StatusRequestEntityTooLarge, nil, "body over %d bytes", MaxInboxBody)
	}
	if ct := r.Header.Get("Content-Type"); !deref.IsActivityType(ct) {
		return refuse(http.StatusUnsupportedMediaType, nil, "Content-Type must be application/activity+json or application/ld+json with the ActivityStreams profile")
	}
	keyHost := ""
	if vals := r.Header.Values("Signature"); len(vals) == 1 {
		if p, err := signature.Parse(vals[0]); err == nil {
			keyHost = hostOf(p.KeyID)
			if err := f.checkHost(ctx, keyHost); err != nil {
				return err
			}
		}
	}
	res, err := f.verifier.Verify(ctx, r, body)
	if err != nil {
		var se *signature.Error
		if errors.As(err, &se) {
			return refuse(http.StatusUnauthorized, err, "%s", se.Error())
		}
		return err
	}
	act, err := DecodeActivity(body)
	if err != nil {
		return refuse(http.StatusBadRequest, err, "%v", err)
	}
	if err := res.CheckActor(act.Actor); err != nil {
		return refuse(http.StatusUnauthorized, err, "%v", err)
	}
	if actorHost := hostOf(act.Actor); actorHost != keyHost {
		// Checked above already when, as the key resolver requires, the
		// actor owning the key lives on the key's host.
		if err := f.checkHost(ctx, actorHost); err != nil {
			return err
		}
	}
	if err := f.checkOrigin(ctx, act); err != nil {
		return err
	}
	f.revive(ctx, hostOf(act.Actor))
	prio := job.PriorityDefault
	if interactive[act.Type] {
		prio = job.PriorityInteractive
	}
	// The dedupe row and the job are written together (one statement on
	// PostgreSQL): a replay is accepted and does nothing.
	j, err := f.jobs.Row(InboxKind, inboxArgs{Activity: body, Inbox: username}, job.Options{Priority: prio})
	if err != nil {
		return fmt.Errorf("federation: inbox: %w", err)
	}
	fresh, err := f.store.RecordInboxActivityWithJob(ctx, act.ID, f.now(), j)
	if err != nil {
		return fmt.Errorf("federation: inbox: %w", err)
	}
	if fresh {
		f.jobs.Wake()
	}
	return nil
}

// reviveEvery is how often a host's signed requests clear its delivery
// failure marks: a write per request would cost the inbox a statement
// (and, on SQLite, the write lock) for a mark that takes days to matter.
const reviveEvery = time.Minute

// revive clears the delivery failure marks of a host that sent a signed
// request, unless this process did so within reviveEvery.
func (f *Federator) revive(ctx context.Context, host string) {
	now := f.now()
	f.revivedMu.Lock()
	last, ok := f.revived[host]
	if ok && now.Sub(last) < reviveEvery {
		f.revivedMu.Unlock()
		return
	}
	if len(f.revived) >= maxRevived {
		for h, t := range f.revived {
			if now.Sub(t) >= reviveEvery {
				delete(f.revived, h)
			}
		}
	}
	f.revived[host] = now
	f.revivedMu.Unlock()
	if _, err := f.store.ReviveDeliveryHost(ctx, host); err != nil {
		f.log.WarnContext(ctx, "federation: revive host", "err", err)
	}
}

// maxRevived bounds the hosts revive remembers; older entries are dropped
// when it fills.
const maxRevived = 10_000

// checkHost refuses, with 403, a host the domain policy does not allow.
func (f *Federator) checkHost(ctx context.Context, host string) error {
	ok, err := f.AllowedHost(ctx, host)
	if err != nil {
		return err
	}
	if !ok {
		return forbidden("%s is not allowed to federate with this instance", host)
	}
	return nil
}

// actorTypes are the ActivityStreams actor types.
var actorTypes = map[string]bool{"Person": true, "Service": true, "Application": true, "Group": true, "Organization": true}

// checkOrigin applies the rules about who may say what: the activity's id
// is on the actor's host; a created or updated object is on the actor's
// host and attributed to the actor (or is the actor itself); a deleted
// object is on the actor's host and, when stored here, the actor's own; an
// undone activity is the actor's; an accepted or rejected follow was of
// the actor.
func (f *Federator) checkOrigin(ctx context.Context, act *Node) error {
	if !sameHost(act.ID, act.Actor) {
		return forbidden("activity id %s is not on the actor's host", act.ID)
	}
	obj := act.FirstObject()
	switch act.Type {
	case "Create", "Update", "Delete", "Follow", "Announce", "Like", "Block":
		if obj.ID == "" {
			return badRequest("%s without an object id", act.Type)
		}
	case "Undo", "Accept", "Reject":
		if obj.ID == "" && obj.Node == nil {
			return badRequest("%s without an object", act.Type)
		}
	}
	switch act.Type {
	case "Create", "Update":
		if !sameHost(obj.ID, act.Actor) {
			return forbidden("object %s is not on the actor's host", obj.ID)
		}
		if n := obj.Node; n != nil {
			if isActor(n) {
				if n.ID != act.Actor {
					return forbidden("an actor may only %s itself", act.Type)
				}
				return nil
			}
			if n.AttributedTo != act.Actor {
				return forbidden("object %s is not attributed to the actor", obj.ID)
			}
		}
		if act.Type == "Update" {
			return f.checkOwned(ctx, act.Actor, obj.ID)
		}
	case "Delete":
		if !sameHost(obj.ID, act.Actor) {
			return forbidden("object %s is not on the actor's host", obj.ID)
		}
		return f.checkOwned(ctx, act.Actor, obj.ID)
	case "Undo":
		if n := obj.Node; n != nil && n.Actor != "" && n.Actor != act.Actor {
			return forbidden("an actor may only undo its own activities")
		}
		if obj.Node == nil && !sameHost(obj.ID, act.Actor) {
			return forbidden("object %s is not on the actor's host", obj.ID)
		}
	case "Accept", "Reject":
		if n := obj.Node; n != nil && n.FirstObject().ID != act.Actor {
			return forbidden("an actor may only answer follows of itself")
		}
		if obj.Node == nil && !f.isLocal(obj.ID) {
			return forbidden("object %s is not a follow sent from this instance", obj.ID)
		}
	}
	return nil
}

// checkOwned refuses a change to a stored status that is not the actor's.
func (f *Federator) checkOwned(ctx context.Context, actor, objectID string) error {
	if objectID == actor {
		return nil
	}
	st, err := f.store.StatusByURI(ctx, objectID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	owner, err := f.store.AccountByID(ctx, st.AccountID)
	if err != nil {
		return err
	}
	if owner.URI == nil || *owner.URI != actor {
		return forbidden("object %s belongs to another actor", objectID)
	}
	return nil
}

// isActor reports whether a node is an actor.
func isActor(n *Node) bool {
	for _, t := range n.Types {
		if actorTypes[t] {
			return true
		}
	}
	return false
}
