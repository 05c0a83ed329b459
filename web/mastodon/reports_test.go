package mastodon_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/account"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// reportJSON is the Report entity as the tests read it.
type reportJSON struct {
	ID            string          `json:"id"`
	ActionTaken   bool            `json:"action_taken"`
	ActionTakenAt *string         `json:"action_taken_at"`
	Category      string          `json:"category"`
	Comment       string          `json:"comment"`
	Forwarded     bool            `json:"forwarded"`
	CreatedAt     string          `json:"created_at"`
	StatusIDs     []string        `json:"status_ids"`
	RuleIDs       json.RawMessage `json:"rule_ids"`
	TargetAccount acct            `json:"target_account"`
}

// adminNotification is a Notification with its report.
type adminNotification struct {
	notification
	Report *reportJSON `json:"report"`
}

// TestAdminSignUpNotifications: every way an account is made tells the
// admins and moderators, and only them; types[] and exclude_types[]
// select them.
func TestAdminSignUpNotifications(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		admin := createRole(t, srv, "root", account.RoleAdmin)
		mod := createRole(t, srv, "mod", account.RoleModerator)
		member := signIn(t, srv, "member")
		suspended := createRole(t, srv, "gone", account.RoleModerator)
		if err := srv.Accounts.SetSuspended(t.Context(), "gone", true); err != nil {
			t.Fatal(err)
		}
		srv.CreateAccount(t, "dave")

		// root was told of mod, member, gone and dave; mod of all but itself.
		if got := notificationTypes(t, admin); got != "admin.sign_up:dave,admin.sign_up:gone,admin.sign_up:member,admin.sign_up:mod" {
			t.Errorf("admin's notifications = %s", got)
		}
		if got := notificationTypes(t, mod); got != "admin.sign_up:dave,admin.sign_up:gone,admin.sign_up:member" {
			t.Errorf("moderator's notifications = %s", got)
		}
		if got := notificationTypes(t, member); got != "" {
			t.Errorf("member's notifications = %s", got)
		}
		if n, err := s.Notifications(t.Context(), suspended.ID, storage.NotificationFilter{}, storage.Page{Limit: 10}); err != nil || len(n) > 0 {
			t.Errorf("a suspended moderator was notified: %d, %v", len(n), err)
		}
		for _, tc := range []struct{ query, want string }{
			{"types[]=admin.sign_up&limit=1", "admin.sign_up:dave"},
			{"types[]=admin.report", ""},
			{"exclude_types[]=admin.sign_up", ""},
			{"types[]=follow&types[]=admin.sign_up&account_id=" + idStr(member.ID), "admin.sign_up:member"},
		} {
			var ns []notification
			get(t, srv, admin, "/api/v1/notifications?"+tc.query, 200, &ns)
			if got := types(ns); got != tc.want {
				t.Errorf("%s: %s, want %s", tc.query, got, tc.want)
			}
		}
		// A member never sees a staff notification, even one stored for
		// them (a role taken away).
		dave, err := s.AccountByUsername(t.Context(), "dave", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.InsertNotification(t.Context(), &storage.Notification{AccountID: member.ID, FromAccountID: dave.ID, Type: "admin.sign_up"}); err != nil {
			t.Fatal(err)
		}
		if got := notificationTypes(t, member); got != "" {
			t.Errorf("member's notifications = %s", got)
		}
		var count struct{ Count int }
		get(t, srv, mod, "/api/v1/notifications/unread_count?types[]=admin.sign_up", 200, &count)
		if count.Count != 3 {
			t.Errorf("unread_count = %d, want 3", count.Count)
		}
	})
}

// TestReports: POST /api/v1/reports checks what is reported, answers with
// the Report, and tells the admins and moderators with an admin.report
// notification carrying it, even those who block or mute the reporter.
func TestReports(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		srv := webtest.Start(t, s)
		admin := createRole(t, srv, "root", account.RoleAdmin)
		mod := createRole(t, srv, "mod", account.RoleModerator)
		alice := signIn(t, srv, "alice")
		bob := signIn(t, srv, "bob")
		carol := signIn(t, srv, "carol")
		readOnly := tokenFor(t, srv, alice.Account, "read")
		public := post(t, bob, map[string]any{"status": "public"})
		private := post(t, bob, map[string]any{"status": "followers only", "visibility": "private"})
		carolsPost := post(t, carol, map[string]any{"status": "carol's"})
		boost := status{}
		postJSON(t, bob, "/api/v1/statuses/"+carolsPost.ID+"/reblog", nil, 200, &boost)
		postJSON(t, admin, "/api/v1/accounts/"+idStr(alice.ID)+"/block", nil, 200, nil)
		postJSON(t, mod, "/api/v1/accounts/"+idStr(alice.ID)+"/mute", nil, 200, nil)

		for _, tc := range []struct {
			name string
			u    *user
			body map[string]any
			want int
		}{
			{"no account", alice, map[string]any{"comment": "x"}, 422},
			{"unknown account", alice, map[string]any{"account_id": "999999"}, 404},
			{"own account", alice, map[string]any{"account_id": idStr(alice.ID)}, 422},
			{"a status alice may not see", alice, map[string]any{"account_id": idStr(bob.ID), "status_ids": []string{private.ID}}, 404},
			{"someone else's status", alice, map[string]any{"account_id": idStr(bob.ID), "status_ids": []string{carolsPost.ID}}, 404},
			{"a boost", alice, map[string]any{"account_id": idStr(bob.ID), "status_ids": []string{boost.ID}}, 404},
			{"not an ID", alice, map[string]any{"account_id": idStr(bob.ID), "status_ids": []string{"x"}}, 404},
			{"comment too long", alice, map[string]any{"account_id": idStr(bob.ID), "comment": strings.Repeat("é", 1001)}, 422},
			{"unknown category", alice, map[string]any{"account_id": idStr(bob.ID), "category": "rude"}, 422},
			{"violation without rules", alice, map[string]any{"account_id": idStr(bob.ID), "category": "violation"}, 422},
			{"rules this server lacks", alice, map[string]any{"account_id": idStr(bob.ID), "rule_ids": []string{"1"}}, 422},
			{"bad forward", alice, map[string]any{"account_id": idStr(bob.ID), "forward": "maybe"}, 422},
			{"no write:reports", readOnly, map[string]any{"account_id": idStr(bob.ID)}, 403},
		} {
			t.Run(tc.name, func(t *testing.T) { wantError(t, srv, tc.u, "POST", "/api/v1/reports", tc.body, tc.want) })
		}
		wantError(t, srv, nil, "POST", "/api/v1/reports", map[string]any{"account_id": idStr(bob.ID)}, 401)
		if got := notificationTypes(t, admin); strings.Contains(got, "admin.report") {
			t.Fatalf("a refused report notified: %s", got)
		}

		// Alice blocks bob, then reports a status of his she could see.
		postJSON(t, alice, "/api/v1/accounts/"+idStr(bob.ID)+"/block", nil, 200, nil)
		var r reportJSON
		postJSON(t, alice, "/api/v1/reports", map[string]any{
			"account_id": idStr(bob.ID), "status_ids": []string{public.ID, public.ID}, "comment": "spam, again",
			"category": "spam", "forward": true,
		}, 200, &r)
		if r.ID == "" || r.ActionTaken || r.ActionTakenAt != nil || r.Category != "spam" || r.Comment != "spam, again" ||
			r.Forwarded || len(r.StatusIDs) != 1 || r.StatusIDs[0] != public.ID || string(r.RuleIDs) != "null" ||
			r.TargetAccount.Username != "bob" || len(r.CreatedAt) != len("2006-01-02T15:04:05.000Z") {
			t.Errorf("report = %+v", r)
		}
		// A form with the defaults: category other, no statuses.
		var r2 reportJSON
		postForm(t, carol, "/api/v1/reports", map[string][]string{"account_id": {idStr(bob.ID)}}, 200, &r2)
		if r2.Category != "other" || len(r2.StatusIDs) != 0 || r2.Comment != "" {
			t.Errorf("form report = %+v", r2)
		}

		// A follower may report a private status.
		follows(t, carol, bob)
		postJSON(t, carol, "/api/v1/reports", map[string]any{"account_id": idStr(bob.ID), "status_ids": []string{private.ID}}, 200, nil)

		for _, staff := range []*user{admin, mod} {
			var ns []adminNotification
			get(t, srv, staff, "/api/v1/notifications?types[]=admin.report", 200, &ns)
			if len(ns) != 3 {
				t.Fatalf("%s: %d admin.report notifications, want 3", staff.Username, len(ns))
			}
			n := ns[2]
			if n.Type != "admin.report" || n.Account.Username != "alice" || n.Status != nil || n.Report == nil {
				t.Fatalf("%s: notification = %+v", staff.Username, n)
			}
			if n.Report.ID != r.ID || n.Report.Comment != "spam, again" || n.Report.TargetAccount.Username != "bob" ||
				len(n.Report.StatusIDs) != 1 || n.Report.StatusIDs[0] != public.ID {
				t.Errorf("%s: notification's report = %+v", staff.Username, *n.Report)
			}
			var one adminNotification
			get(t, srv, staff, "/api/v1/notifications/"+n.ID, 200, &one)
			if one.Report == nil || one.Report.ID != r.ID {
				t.Errorf("%s: GET one = %+v", staff.Username, one)
			}
			if ns[0].Account.Username != "carol" || ns[1].Account.Username != "carol" {
				t.Errorf("%s: reporters = %s", staff.Username, types(toPlain(ns)))
			}
			var others []adminNotification
			get(t, srv, staff, "/api/v1/notifications?exclude_types[]=admin.report", 200, &others)
			for _, o := range others {
				if o.Type == "admin.report" || o.Report != nil {
					t.Errorf("%s: exclude_types left %+v", staff.Username, o)
				}
			}
		}
		for _, u := range []*user{alice, bob, carol} {
			if got := notificationTypes(t, u); strings.Contains(got, "admin.") {
				t.Errorf("%s was told: %s", u.Username, got)
			}
		}
		// Suspending the reporter and the reported account hides neither
		// from staff.
		for _, name := range []string{"carol", "bob"} {
			if err := srv.Accounts.SetSuspended(t.Context(), name, true); err != nil {
				t.Fatal(err)
			}
		}
		var ns []adminNotification
		get(t, srv, admin, "/api/v1/notifications?types[]=admin.report", 200, &ns)
		if len(ns) != 3 || ns[0].Account.Username != "carol" || ns[0].Report == nil || ns[0].Report.TargetAccount.Username != "bob" {
			t.Errorf("after the suspensions: %d notifications, first %+v", len(ns), ns)
		}
	})
}

func toPlain(ns []adminNotification) []notification {
	out := make([]notification, len(ns))
	for i, n := range ns {
		out[i] = n.notification
	}
	return out
}
