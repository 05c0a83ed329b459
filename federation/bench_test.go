package federation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/rounds-md/rounds/federation"
	"github.com/rounds-md/rounds/federation/federationtest"
	"github.com/rounds-md/rounds/storage"
	"github.com/rounds-md/rounds/storage/storagetest"
	"github.com/rounds-md/rounds/web/webtest"
)

// BenchmarkInbox measures a Rounds inbox under 8 concurrent senders: signed
// Create{Note} activities mentioning a local account, accepted per second
// (signature checked, deduped, queued), then processed per second (status
// stored, mention, notification, home feed) by the instance's job queue
// with its default 4 workers. Requests are signed before
// the timer starts, so the sender's RSA signing is not counted.
//
//	go test ./federation/ -run '^$' -bench BenchmarkInbox -benchtime 400x
func BenchmarkInbox(b *testing.B) {
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
			srv := webtest.Start(b, s, webtest.WithManualJobs(), webtest.WithPrivateAddresses(),
				webtest.WithFederation(func(c *federation.Config) { c.AuthorizedFetch = true }))
			srv.CreateAccount(b, "bob")
			to := srv.URL + "/users/bob"
			remote := federationtest.NewRemoteActor(b, "alice", federationtest.KeyFragment)
			signer := remote.Signer(b)
			reqs := make([]*http.Request, b.N)
			bodies := make([][]byte, b.N)
			for i := range reqs {
				act := createNote(remote, to)
				bodies[i], _ = json.Marshal(act)
				reqs[i], _ = http.NewRequest(http.MethodPost, srv.URL+"/inbox", nil)
				reqs[i].Header.Set("Content-Type", "application/activity+json")
				if err := signer.SignPost(reqs[i], bodies[i]); err != nil {
					b.Fatal(err)
				}
			}
			// Warm the key cache, as a busy inbox's would be.
			if res := remote.Post(b, srv.URL+"/inbox", createNote(remote, to)); res.Status != 202 {
				b.Fatalf("warm-up: %d %s", res.Status, res.Body)
			}
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			next := make(chan int)
			for w := 0; w < 8; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						r := reqs[i]
						r.Body = readCloser{bytes.NewReader(bodies[i])}
						r.ContentLength = int64(len(bodies[i]))
						res, err := http.DefaultClient.Do(r)
						if err != nil {
							b.Error(err)
							continue
						}
						res.Body.Close()
						if res.StatusCode != 202 {
							b.Errorf("status %d", res.StatusCode)
						}
					}
				}()
			}
			for i := 0; i < b.N; i++ {
				next <- i
			}
			close(next)
			wg.Wait()
			accepted := time.Since(start)
			// Processing: the instance's own queue (4 workers), as serve runs it.
			start = time.Now()
			if err := srv.Jobs.Start(); err != nil {
				b.Fatal(err)
			}
			for inboxJobs(b, s) > 0 {
				time.Sleep(5 * time.Millisecond)
			}
			processed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/accepted.Seconds(), "accepted/s")
			b.ReportMetric(float64(b.N)/processed.Seconds(), "processed/s")
		})
	}
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }
