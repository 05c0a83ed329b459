package federationtest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/storage"
)

// TestMentionOfUnknownRemoteAccounts: a status mentioning user@domain that
// the poster's instance has never seen resolves it through WebFinger: the
// mention is linked and listed in mentions[], and the status reaches that
// account's instance (public or direct). An address nobody answers for
// stays plain text.
func TestMentionOfUnknownRemoteAccounts(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		a, b := start(t, d, 0), start(t, d, 1)
		alice := a.signIn(t, "alice", false)
		bob := b.signIn(t, "bob", false)
		carol := b.signIn(t, "carol", false)
		for _, name := range []string{"bob", "carol"} {
			if _, err := a.store.AccountByUsername(context.Background(), name, b.Instance.Domain); !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("alice's instance knows %s before the test: %v", name, err)
			}
		}

		type mention struct {
			Acct string `json:"acct"`
			URL  string `json:"url"`
		}
		var st struct {
			apiStatus
			Mentions []mention `json:"mentions"`
		}
		post := func(text, vis string) {
			t.Helper()
			alice.api(t, http.MethodPost, "/api/v1/statuses", url.Values{"status": {text}, "visibility": {vis}}, 200, &st)
		}

		post("@"+bob.acct()+" the echo is in, see you at rounds", "public")
		if len(st.Mentions) != 1 || st.Mentions[0].Acct != bob.acct() || st.Mentions[0].URL != b.URL+"/@bob" {
			t.Fatalf("mentions = %+v, want bob", st.Mentions)
		}
		if !strings.Contains(st.Content, `href="`+b.URL+`/@bob" class="u-url mention"`) {
			t.Errorf("the mention is not linked: %s", st.Content)
		}
		eventually(t, "bob to be notified of the mention", func() bool { return hasNotification(t, bob, "mention", alice.acct()) })

		post("@"+carol.acct()+" a question about your patient", "direct")
		if len(st.Mentions) != 1 || st.Mentions[0].Acct != carol.acct() {
			t.Fatalf("mentions = %+v, want carol", st.Mentions)
		}
		eventually(t, "carol to be notified of the direct message", func() bool { return hasNotification(t, carol, "mention", alice.acct()) })
		if vis := storedURIs(t, b)[st.URI]; vis != "direct" {
			t.Errorf("the direct message is stored on carol's instance as %q", vis)
		}

		post("@nobody@"+b.Instance.Domain+" anyone there?", "public")
		if len(st.Mentions) != 0 || strings.Contains(st.Content, "mention") {
			t.Errorf("an unknown address was linked: %+v %s", st.Mentions, st.Content)
		}
	})
}
