package delivery_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/federation/delivery"
	"github.com/rounds-md/rounds/federation/deref"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
)

// BenchmarkDeliver measures signed deliveries per second: b.N deliveries
// of one activity spread over 20 remote hosts (httptest servers that
// accept at once), run by a queue with 8 workers and the default per-host
// limit. Each delivery is an RSA-2048 signature, a POST, and the job's
// claim and completion.
//
//	go test ./federation/delivery/ -run '^$' -bench BenchmarkDeliver -benchtime 400x
func BenchmarkDeliver(b *testing.B) {
	for _, d := range []storage.Dialect{storage.SQLite, storage.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			s, err := storage.Open(context.Background(), storagetest.Config(b, d))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = s.Close() })
			if _, err := s.Migrate(context.Background()); err != nil {
				b.Fatal(err)
			}
			var hosts []*inbox
			for i := 0; i < 20; i++ {
				hosts = append(hosts, newInbox(b))
			}
			log := slog.New(slog.DiscardHandler)
			jobs := job.New(s, job.Config{Workers: 8, PollInterval: 10 * time.Millisecond}, log)
			svc, err := delivery.New(delivery.Config{}, s, jobs, deref.NewClient(deref.Config{AllowPrivateAddresses: true}, nil), policy{}, log)
			if err != nil {
				b.Fatal(err)
			}
			key := federationtest.PrivatePEM(b, federationtest.NewKey(b))
			author := &storage.Account{Username: "alice", ActorType: storage.ActorPerson, PrivateKeyPEM: &key, PublicKeyPEM: "x"}
			if err := s.CreateAccount(context.Background(), author); err != nil {
				b.Fatal(err)
			}
			body := []byte(`{"id":"https://rounds.example/users/alice/statuses/1/activity","type":"Create","object":{"type":"Note","content":"hello"}}`)
			err = s.InTx(context.Background(), func(ctx context.Context, tx *storage.Store) error {
				for i := 0; i < b.N; i++ {
					err := svc.Enqueue(ctx, tx, delivery.Delivery{
						AccountID: author.ID, KeyID: "https://rounds.example/users/alice#main-key",
						Inbox: fmt.Sprintf("%s/inbox/%d", hosts[i%len(hosts)].URL, i), Activity: body, Priority: job.PriorityDefault,
					})
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start := time.Now()
			if err := jobs.Start(); err != nil {
				b.Fatal(err)
			}
			for {
				c, err := s.JobCounts(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				if len(c[delivery.Kind]) == 0 {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			_ = jobs.Stop(context.Background())
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
		})
	}
}
