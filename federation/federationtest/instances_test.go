package federationtest_test

// Helpers that run several real Rounds instances in one test, each with
// its own database, on 127.0.0.2, 127.0.0.3, ... with private addresses
// allowed and authorized fetch on (the production default), and drive
// them through the Mastodon API as a client would.
//
// They live in a test file because the layer rule keeps web/webtest out
// of federation's non-test code.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// deadline bounds every wait for something to arrive on another instance.
const deadline = 30 * time.Second

// eachDB runs fn on SQLite and on PostgreSQL: every instance of the test
// gets its own database of that kind.
func eachDB(t *testing.T, fn func(t *testing.T, d storage.Dialect)) {
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}

// openStore opens a fresh, migrated database of dialect d.
func openStore(t *testing.T, d storage.Dialect) *storage.Store {
	t.Helper()
	s, err := storage.Open(context.Background(), storagetest.Config(t, d))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// node is one running instance.
type node struct {
	*webtest.Server
	store *storage.Store
	opts  []webtest.Option
}

// federated are the options of every test instance.
func federated(opts ...webtest.Option) []webtest.Option {
	return append([]webtest.Option{
		webtest.WithPrivateAddresses(),
		webtest.WithFederation(func(c *federation.Config) { c.AuthorizedFetch = true }),
	}, opts...)
}

// start runs instance number i (0, 1, 2 ...) on 127.0.0.(2+i) over a new
// database.
func start(t *testing.T, d storage.Dialect, i int, opts ...webtest.Option) *node {
	t.Helper()
	return startOn(t, openStore(t, d), fmt.Sprintf("127.0.0.%d", 2+i), opts...)
}

// startOn runs an instance over store listening on host.
func startOn(t *testing.T, store *storage.Store, host string, opts ...webtest.Option) *node {
	t.Helper()
	all := federated(append([]webtest.Option{webtest.WithHost(host)}, opts...)...)
	return &node{Server: webtest.Start(t, store, all...), store: store, opts: opts}
}

// stop shuts the instance down as a crash would leave it for the network:
// the listener closes and its job queue stops (jobs still waiting stay in
// its database).
func (n *node) stop(t *testing.T) {
	t.Helper()
	n.HTTP.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.Jobs.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}

// restart starts a new process for the instance: same database, same
// address (so the same domain), jobs running.
func (n *node) restart(t *testing.T, opts ...webtest.Option) *node {
	t.Helper()
	addr := n.Instance.Domain
	return &node{
		Server: webtest.Start(t, n.store, federated(append([]webtest.Option{webtest.WithAddress(addr)}, opts...)...)...),
		store:  n.store,
	}
}

// user is a local account with an access token.
type user struct {
	*storage.Account
	n     *node
	token string
}

// acct is the user's address as other servers write it.
func (u *user) acct() string { return u.Username + "@" + u.n.Instance.Domain }

// signIn creates an account (locked or not) and gets a token for it over
// HTTP: an app, then the password grant.
func (n *node) signIn(t *testing.T, username string, locked bool) *user {
	t.Helper()
	a, err := n.Accounts.Create(context.Background(), account.NewAccount{
		Username: username, Email: username + "@example.org", Password: webtest.Password,
		Locked: locked, Approved: true, Confirmed: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return n.tokenFor(t, a)
}

// tokenFor gets a token for the local account a over HTTP: an app, then
// the password grant.
func (n *node) tokenFor(t *testing.T, a *storage.Account) *user {
	t.Helper()
	username := a.Username
	var app map[string]any
	n.call(t, "", http.MethodPost, "/api/v1/apps", url.Values{
		"client_name": {"test"}, "redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {"read write follow"},
	}, 200, &app)
	var tok map[string]any
	n.call(t, "", http.MethodPost, "/oauth/token", url.Values{
		"grant_type": {"password"}, "client_id": {app["client_id"].(string)}, "client_secret": {app["client_secret"].(string)},
		"username": {username + "@example.org"}, "password": {webtest.Password}, "scope": {"read write follow"},
	}, 200, &tok)
	return &user{Account: a, n: n, token: tok["access_token"].(string)}
}

// call sends a form request with a bearer token (none when "") and
// decodes the JSON answer, failing unless the status is want.
func (n *node) call(t *testing.T, token, method, path string, form url.Values, want int, v any) {
	t.Helper()
	status, body := n.try(t, token, method, path, form)
	if status != want {
		t.Fatalf("%s %s%s = %d, want %d: %s", method, n.URL, path, status, want, body)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, body)
		}
	}
}

// try sends a request and returns the status and body.
func (n *node) try(t *testing.T, token, method, path string, form url.Values) (int, []byte) {
	t.Helper()
	var body io.Reader
	if form != nil && method != http.MethodGet {
		body = strings.NewReader(form.Encode())
	} else if form != nil {
		path += "?" + form.Encode()
	}
	req, err := http.NewRequest(method, n.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// api calls the Mastodon API as u.
func (u *user) api(t *testing.T, method, path string, form url.Values, want int, v any) {
	t.Helper()
	u.n.call(t, u.token, method, path, form, want, v)
}

// apiAccount is the part of the Mastodon Account entity the tests read.
type apiAccount struct {
	ID   string `json:"id"`
	Acct string `json:"acct"`
	URL  string `json:"url"`
	URI  string `json:"uri"`
}

// apiStatus is the part of the Mastodon Status entity the tests read.
type apiStatus struct {
	ID              string     `json:"id"`
	URI             string     `json:"uri"`
	Content         string     `json:"content"`
	Visibility      string     `json:"visibility"`
	InReplyToID     *string    `json:"in_reply_to_id"`
	EditedAt        *string    `json:"edited_at"`
	FavouritesCount int        `json:"favourites_count"`
	ReblogsCount    int        `json:"reblogs_count"`
	Reblog          *apiStatus `json:"reblog"`
	Account         apiAccount `json:"account"`
}

// relationship is the Mastodon Relationship entity's flags the tests read.
type relationship struct {
	ID         string `json:"id"`
	Following  bool   `json:"following"`
	Requested  bool   `json:"requested"`
	FollowedBy bool   `json:"followed_by"`
	Blocking   bool   `json:"blocking"`
	BlockedBy  bool   `json:"blocked_by"`
}

// lookup resolves another account (remote ones through WebFinger) as u.
func (u *user) lookup(t *testing.T, acct string) apiAccount {
	t.Helper()
	var a apiAccount
	u.api(t, http.MethodGet, "/api/v1/accounts/lookup", url.Values{"acct": {acct}}, 200, &a)
	return a
}

// follow makes u follow other, found by its address.
func (u *user) follow(t *testing.T, other *user) relationship {
	t.Helper()
	a := u.lookup(t, other.acct())
	var r relationship
	u.api(t, http.MethodPost, "/api/v1/accounts/"+a.ID+"/follow", nil, 200, &r)
	return r
}

// relationship returns how u stands to other (resolved by address).
func (u *user) relationship(t *testing.T, other *user) relationship {
	t.Helper()
	a := u.lookup(t, other.acct())
	var rs []relationship
	u.api(t, http.MethodGet, "/api/v1/accounts/relationships", url.Values{"id[]": {a.ID}}, 200, &rs)
	return rs[0]
}

// post writes a status; replyTo is a status ID on u's instance or "".
func (u *user) post(t *testing.T, text, visibility, replyTo string) apiStatus {
	t.Helper()
	form := url.Values{"status": {text}, "visibility": {visibility}}
	if replyTo != "" {
		form.Set("in_reply_to_id", replyTo)
	}
	var st apiStatus
	u.api(t, http.MethodPost, "/api/v1/statuses", form, 200, &st)
	return st
}

// home returns u's home timeline.
func (u *user) home(t *testing.T) []apiStatus {
	t.Helper()
	var sts []apiStatus
	u.api(t, http.MethodGet, "/api/v1/timelines/home", url.Values{"limit": {"40"}}, 200, &sts)
	return sts
}

// findURI returns the status with that ActivityPub id in sts.
func findURI(sts []apiStatus, uri string) *apiStatus {
	for i := range sts {
		if sts[i].URI == uri {
			return &sts[i]
		}
	}
	return nil
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out after %s waiting for %s", deadline, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// federationKinds are the job kinds whose queue settle waits to empty.
var federationKinds = []string{"federation.deliver", "federation.inbox", "federation.poll_update"}

// settle waits until no instance has a federation job waiting or running,
// twice in a row (a job finishing on one instance may have just queued one
// on another), so that what has not arrived will not arrive.
func settle(t *testing.T, nodes ...*node) {
	t.Helper()
	quiet := 0
	eventually(t, "federation queues to empty", func() bool {
		for _, n := range nodes {
			counts, err := n.store.JobCounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range federationKinds {
				if counts[k][storage.JobAvailable]+counts[k][storage.JobRunning] > 0 {
					quiet = 0
					return false
				}
			}
		}
		quiet++
		return quiet >= 2
	})
}
