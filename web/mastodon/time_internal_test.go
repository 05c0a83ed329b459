package mastodon

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestTimeMarshalJSON checks the hand-written datetime and date against
// time.Format with their layouts, across years, zones and fractions.
func TestTimeMarshalJSON(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("east", 14*3600), time.FixedZone("west", -(9*3600 + 30*60))}
	times := []time.Time{
		{}, time.Unix(0, 0), time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 27, 23, 30, 0, 999_500_000, zones[2]),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10_000 {
		times = append(times, time.Unix(r.Int64N(1<<36)-1<<35, r.Int64N(1e9)).In(zones[r.IntN(len(zones))]))
	}
	for _, tm := range times {
		want := `"` + tm.UTC().Format(timeLayout) + `"`
		if got, _ := Time(tm).MarshalJSON(); string(got) != want {
			t.Errorf("Time(%v) = %s, want %s", tm, got, want)
		}
		want = `"` + tm.UTC().Format("2006-01-02") + `"`
		if got, _ := Date(tm).MarshalJSON(); string(got) != want {
			t.Errorf("Date(%v) = %s, want %s", tm, got, want)
		}
	}
	tm := Time(times[5])
	// At most one: inlined where its result does not escape, the
	// compiler keeps the buffer on the stack.
	if n := testing.AllocsPerRun(100, func() { _, _ = tm.MarshalJSON() }); n > 1 {
		t.Errorf("Time.MarshalJSON makes %v allocations, want at most 1", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = appendTime(make([]byte, 0, 64), time.Time(tm), true) }); n != 0 {
		t.Errorf("appendTime with room makes %v allocations, want 0", n)
	}
}
