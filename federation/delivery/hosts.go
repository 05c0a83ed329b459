package delivery

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rounds-md/rounds/core/job"
	"github.com/rounds-md/rounds/storage"
)

// Each attempt must know that its host is allowed and not dead, and a
// success must clear the host's failure marks. Asking the database both
// before and after every POST would cost three statements per delivery,
// as much CPU as the RSA signature, so a process remembers, per host,
// that it found the host healthy:
//
//   - hostCheckTTL: for this long after the policy allowed a host and its
//     record showed no failure, attempts to it skip both reads. A host
//     found failing, or that failed since, is checked on every attempt, so
//     a revived host is tried at once. A domain block or a failure mark
//     written by another process is seen within the TTL.
//   - successEvery: a healthy host's last_success_at is written at most
//     this often; a success after a failure always clears the marks at
//     once.
const (
	hostCheckTTL = 5 * time.Second
	successEvery = time.Minute
	// maxHostEntries bounds the map; expired entries are dropped when it
	// fills.
	maxHostEntries = 10_000
)

// hostState is what this process knows of a healthy host.
type hostState struct {
	// checked is when the policy allowed the host and its record showed
	// no failure.
	checked time.Time
	// wroteSuccess is when this process last wrote a success for it.
	wroteSuccess time.Time
}

// checkHost refuses, permanently, a delivery to a host the policy refuses
// or that is marked dead, reading both unless the host was found healthy
// within hostCheckTTL. It returns the policy epoch it checked under: what
// it read is remembered only if ForgetHosts was not called meanwhile.
func (s *Service) checkHost(ctx context.Context, host string, now time.Time) (uint64, error) {
	s.mu.Lock()
	st, ok := s.hosts[host]
	epoch := s.policyEpoch
	s.mu.Unlock()
	if ok && now.Sub(st.checked) < hostCheckTTL {
		return epoch, nil
	}
	if ok, err := s.policy.AllowedHost(ctx, host); err != nil {
		return epoch, err
	} else if !ok {
		return epoch, job.Permanent(fmt.Errorf("delivery to %s: the domain is blocked or not allowed", host))
	}
	h, err := s.store.DeliveryHostByName(ctx, host)
	switch {
	case err == nil && h.Dead():
		return epoch, job.Permanent(fmt.Errorf("delivery to %s: host marked dead since %s", host, h.DeadSince.UTC().Format(time.RFC3339)))
	case err == nil && h.FailingSince != nil:
		// Failing: check again next time, and clear the mark on success.
		s.forgetHost(host)
		return epoch, nil
	case err != nil && !errors.Is(err, storage.ErrNotFound):
		return epoch, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.policyEpoch != epoch {
		// The policy changed while it was read: remember nothing.
		return epoch, nil
	}
	if len(s.hosts) >= maxHostEntries {
		for k, v := range s.hosts {
			if now.Sub(v.checked) >= hostCheckTTL {
				delete(s.hosts, k)
			}
		}
	}
	st = s.hosts[host]
	st.checked = now
	s.hosts[host] = st
	return epoch, nil
}

// contacted records that host answered: its failure marks are cleared
// (at once unless this process knows it healthy, else at most every
// successEvery).
func (s *Service) contacted(ctx context.Context, host string, now time.Time) {
	s.mu.Lock()
	st, healthy := s.hosts[host]
	s.mu.Unlock()
	if healthy && now.Sub(st.wroteSuccess) < successEvery {
		return
	}
	if err := s.store.RecordDeliverySuccess(ctx, host, now); err != nil {
		s.log.WarnContext(ctx, "delivery: record success", "host", host, "err", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.hosts[host]; ok {
		st.wroteSuccess = now
		s.hosts[host] = st
	}
}

// ForgetHosts makes every next attempt check its host's policy and
// health again, and makes attempts that checked theirs before the call
// check again before they send: the domain policy changed. No delivery
// refused by the new policy starts its request after ForgetHosts
// returns.
func (s *Service) ForgetHosts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.hosts)
	s.policyEpoch++
}

// policyChanged reports whether ForgetHosts was called since epoch.
func (s *Service) policyChanged(epoch uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.policyEpoch != epoch
}

// forgetHost makes the next attempt to host check it again.
func (s *Service) forgetHost(host string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.hosts, host)
}
