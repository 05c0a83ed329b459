package federationtest_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/web/webtest"
)

// apiReport is the part of the Report entity the tests read.
type apiReport struct {
	ID            string     `json:"id"`
	Comment       string     `json:"comment"`
	Forwarded     bool       `json:"forwarded"`
	StatusIDs     []string   `json:"status_ids"`
	TargetAccount apiAccount `json:"target_account"`
}

// adminReports returns u's admin.report notifications, newest first.
func adminReports(t *testing.T, u *user) []struct {
	Account apiAccount `json:"account"`
	Report  *apiReport `json:"report"`
} {
	t.Helper()
	var notes []struct {
		Account apiAccount `json:"account"`
		Report  *apiReport `json:"report"`
	}
	u.api(t, http.MethodGet, "/api/v1/notifications", url.Values{"types[]": {"admin.report"}}, 200, &notes)
	return notes
}

// moderator creates a moderator on n and signs it in.
func (n *node) moderator(t *testing.T, username string) *user {
	t.Helper()
	a, err := n.Accounts.Create(context.Background(), account.NewAccount{
		Username: username, Email: username + "@example.org", Password: webtest.Password,
		Role: account.RoleModerator, Approved: true, Confirmed: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return n.tokenFor(t, a)
}

// TestReportForwarded: a report of a remote account tells the reporter's
// own moderators and, with forward, reaches the reported account's server
// as a Flag from the instance actor, whose moderators are told of it with
// the reported status, never learning who reported it.
func TestReportForwarded(t *testing.T) {
	eachDB(t, func(t *testing.T, d storage.Dialect) {
		a, b := start(t, d, 0), start(t, d, 1)
		modA, modB := a.moderator(t, "moda"), b.moderator(t, "modb")
		alice := a.signIn(t, "alice", false)
		bob := b.signIn(t, "bob", false)
		alice.follow(t, bob)
		eventually(t, "the follow", func() bool { return alice.relationship(t, bob).Following })
		st := bob.post(t, "Buy my supplements.", "public", "")
		var onA *apiStatus
		eventually(t, "the post to reach alice", func() bool { onA = findURI(alice.home(t), st.URI); return onA != nil })
		bobOnA := alice.lookup(t, bob.acct())

		var r apiReport
		alice.api(t, http.MethodPost, "/api/v1/reports", url.Values{
			"account_id": {bobOnA.ID}, "status_ids[]": {onA.ID}, "comment": {"Advertising to patients"},
			"category": {"spam"}, "forward": {"true"},
		}, 200, &r)
		if !r.Forwarded || r.TargetAccount.Acct != bob.acct() || len(r.StatusIDs) != 1 || r.StatusIDs[0] != onA.ID {
			t.Errorf("report = %+v", r)
		}
		// Alice's own moderator is told, with alice as the reporter.
		if got := adminReports(t, modA); len(got) != 1 || got[0].Account.Acct != "alice" || got[0].Report == nil ||
			got[0].Report.ID != r.ID || got[0].Report.TargetAccount.Acct != bob.acct() {
			t.Errorf("moda's admin.report notifications = %+v", got)
		}

		// Bob's moderator is told too, from a's instance actor.
		eventually(t, "the Flag to reach b", func() bool { return len(adminReports(t, modB)) == 1 })
		got := adminReports(t, modB)[0]
		if got.Report == nil || got.Report.Comment != "Advertising to patients" || got.Report.TargetAccount.Acct != "bob" ||
			len(got.Report.StatusIDs) != 1 || got.Report.StatusIDs[0] != st.ID || got.Report.Forwarded {
			t.Errorf("modb's report = %+v", got.Report)
		}
		if strings.Contains(got.Account.Acct, "alice") || got.Account.Acct == "" {
			t.Errorf("the forwarded report names its reporter: %+v", got.Account)
		}
		reports, err := b.store.ReportsAbout(context.Background(), bob.ID)
		if err != nil || len(reports) != 1 {
			t.Fatalf("b's reports = %+v, %v", reports, err)
		}
		if from, err := b.store.AccountByID(context.Background(), reports[0].AccountID); err != nil || from.ActorType != storage.ActorApplication {
			t.Errorf("b's report is from %+v, %v; want a's instance actor", from, err)
		}

		// Without forward, b hears nothing more.
		alice.api(t, http.MethodPost, "/api/v1/reports", url.Values{"account_id": {bobOnA.ID}}, 200, &r)
		settle(t, a, b)
		if r.Forwarded || len(adminReports(t, modB)) != 1 || len(adminReports(t, modA)) != 2 {
			t.Errorf("an unforwarded report: forwarded %v, b has %d, a has %d", r.Forwarded, len(adminReports(t, modB)), len(adminReports(t, modA)))
		}
	})
}
