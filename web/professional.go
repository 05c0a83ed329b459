package web

import (
	"github.com/rounds-md/rounds/core/app"
	oauthweb "github.com/rounds-md/rounds/web/oauth"
	"github.com/rounds-md/rounds/web/pages"
)

// professionalPages wires the HTML pages of professional profiles (the
// profile page's fields, the profile editor, the directory, the admin
// verification pages) to the core services and the browser session.
func professionalPages(svc *app.Services, browser *oauthweb.Browser) pages.Professional {
	return pages.Professional{
		Profiles:       svc.Profiles,
		Credentials:    svc.Credentials,
		RemoteProfiles: svc.RemoteProfiles,
		Sessions:       browser,
		CSRFField:      oauthweb.CSRFField,
		SignInURL:      oauthweb.SignInURL,
	}
}
