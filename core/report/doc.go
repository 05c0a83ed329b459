// Package report holds reports: complaints about an account, and some of
// its statuses, for this instance's moderators. A local account files one
// through the API (File), naming statuses it may see, and may ask that a
// copy go to the reported account's server; another server's Flag is
// recorded by federation (Record). Either way the admins and moderators
// are told (admin.report), in the transaction that stores the report.
//
// It imports core, core/notify, core/outbox, core/profile, core/timeline,
// core/visibility and storage.
package report
