package storage_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// BenchmarkStatusFacts compares, on SQLite, the facts statement taking a
// page's IDs in slots with the same statement taking them as JSON, in the
// same process, by CPU per call: pages of 1, 5, 20, 40 and 80 statuses, each
// with a favourite and some with hashtags and mentions, read by a viewer
// with marks on some.
func BenchmarkStatusFacts(b *testing.B) {
	ctx := context.Background()
	s := storagetest.Open(b, storage.SQLite)
	var acct []int64
	for _, n := range []string{"ana", "ben", "cy"} {
		_, a, err := newLocal(ctx, s, n, n+"@example.org")
		if err != nil {
			b.Fatal(err)
		}
		acct = append(acct, a.ID)
	}
	ids := make([]int64, 80)
	for i := range ids {
		n := storage.NewStatus{Status: &storage.Status{AccountID: acct[1], Local: true, Visibility: "public"}}
		if i%2 == 0 {
			n.MentionIDs = []int64{acct[2]}
		}
		if i%3 == 0 {
			n.Tags = []string{"cardiology"}
		}
		if err := s.InsertStatus(ctx, n); err != nil {
			b.Fatal(err)
		}
		ids[i] = n.Status.ID
		for _, m := range []struct {
			mark storage.Mark
			who  int64
			on   bool
		}{{storage.Favourite, acct[2], true}, {storage.Favourite, acct[0], i%4 == 0}, {storage.Bookmark, acct[0], i%6 == 0}} {
			if !m.on {
				continue
			}
			if _, err := s.AddMark(ctx, m.mark, m.who, ids[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, n := range []int{1, 5, 20, 40, 80} {
		for _, v := range []struct {
			name string
			read func(context.Context, int64, []int64) (storage.StatusFacts, error)
		}{{"json", s.StatusFactsOfJSON}, {"slots", s.StatusFactsOfStatement}, {"cached", func(ctx context.Context, viewer int64, ids []int64) (storage.StatusFacts, error) {
			return s.StatusFactsOf(ctx, viewer, ids, ids)
		}}} {
			b.Run(fmt.Sprintf("%s/%d", v.name, n), func(b *testing.B) {
				page := ids[:n]
				cpu0 := processCPU(b)
				for b.Loop() {
					if _, err := v.read(ctx, acct[0], page); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
			})
		}
	}
}

// processCPU is the CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
