package federation

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/rounds-md/rounds/core/profile"
	"github.com/rounds-md/rounds/federation/deref"
	"github.com/rounds-md/rounds/storage"
)

var _ profile.AcctResolver = (*Federator)(nil)

// ResolveAcct finds the remote account behind user@domain through
// WebFinger and its actor document (or the stored copy while fresh), on a
// domain the policy allows. It is core/profile's AcctResolver.
func (f *Federator) ResolveAcct(ctx context.Context, acct string) (*storage.Account, error) {
	a, err := deref.ParseAcct(acct)
	if err != nil {
		return nil, err
	}
	if err := f.checkHost(ctx, a.Domain); err != nil {
		return nil, err
	}
	account, err := f.resolver.ResolveAcct(ctx, acct)
	if err != nil {
		return nil, err
	}
	if err := f.checkHost(ctx, account.Domain); err != nil {
		return nil, err
	}
	return account, nil
}

// Requester authenticates a GET by its HTTP signature: it returns the
// remote actor that signed it, nil (and no error) when it is unsigned, a
// 401 *Error when the signature fails and a 403 one when the signer's
// domain is not allowed.
func (f *Federator) Requester(ctx context.Context, r *http.Request) (*storage.Account, error) {
	if len(r.Header.Values("Signature")) == 0 {
		return nil, nil
	}
	res, err := f.verifier.Verify(ctx, r, nil)
	if err != nil {
		return nil, refuse(http.StatusUnauthorized, err, "%v", err)
	}
	if err := f.checkHost(ctx, hostOf(res.Owner)); err != nil {
		return nil, err
	}
	a, err := f.resolver.Resolve(ctx, res.Owner)
	if err != nil {
		return nil, refuse(http.StatusUnauthorized, err, "signer %s cannot be resolved", res.Owner)
	}
	if a.Suspended() {
		return nil, forbidden("signer %s is suspended here", res.Owner)
	}
	if _, err := f.store.ReviveDeliveryHost(ctx, a.Domain); err != nil {
		f.log.WarnContext(ctx, "federation: revive host", "err", err)
	}
	return a, nil
}

// unsigned is the refusal of an unsigned GET under authorized fetch.
func unsigned() error {
	return &Error{Status: http.StatusUnauthorized, Msg: fmt.Sprintf("this instance requires signed requests (authorized fetch)")}
}

// ResolveURI finds the remote account at an actor URL or a profile page
// URL (which names its actor), on a domain the policy allows, fetching and
// storing it when it is not known or stale. It is core/search's
// URIResolver.
func (f *Federator) ResolveURI(ctx context.Context, uri string) (*storage.Account, error) {
	if !absoluteURI(uri) || f.isLocal(uri) {
		return nil, fmt.Errorf("federation: resolve %q: not a remote URL", uri)
	}
	if err := f.checkHost(ctx, hostOf(uri)); err != nil {
		return nil, err
	}
	a, err := f.resolver.Resolve(ctx, uri)
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, deref.ErrIDMismatch) {
		return nil, err
	}
	// A profile page served as ActivityStreams: the actor is its id, on
	// the same host (the client checked).
	doc, gerr := f.client.Get(ctx, uri)
	if gerr != nil {
		return nil, gerr
	}
	return f.resolver.Resolve(ctx, doc.ID)
}
