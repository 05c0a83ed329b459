package web

import (
	"github.com/rounds-md/rounds/core/credential"
	"github.com/rounds-md/rounds/core/outbox"
	"github.com/rounds-md/rounds/core/profile"
	oauthweb "github.com/rounds-md/rounds/web/oauth"
	"github.com/rounds-md/rounds/web/pages"
)

// professionalPages wires the HTML pages of professional profiles (the
// profile page's fields, the profile editor, the directory, the admin
// verification pages) to the core services and the browser session.
func professionalPages(cfg Config, deps Deps, browser *oauthweb.Browser, remote *credential.RemoteViews) pages.Professional {
	var pub outbox.Publisher = outbox.Nop{}
	if deps.Federation != nil {
		pub = deps.Federation
	}
	return pages.Professional{
		Profiles:       profile.New(deps.Store, cfg.Instance),
		Credentials:    credential.New(deps.Store, cfg.Instance, nil, pub, deps.Log),
		RemoteProfiles: remote,
		Sessions:       browser,
		CSRFField:      oauthweb.CSRFField,
		SignInURL:      oauthweb.SignInURL,
	}
}

// remoteProfiles builds the service that asks another Rounds instance
// for a profile as the viewer (credential.RemoteViews), fetching through
// the federator; without one, nothing can be asked for.
func remoteProfiles(cfg Config, deps Deps) *credential.RemoteViews {
	var fetch credential.ProfileFetcher
	if deps.Federation != nil {
		fetch = deps.Federation
	}
	creds := credential.New(deps.Store, cfg.Instance, nil, nil, deps.Log)
	return credential.NewRemoteViews(creds, fetch, credential.RemoteViewConfig{})
}
