package storage

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestWriteGate: one holder at a time, every waiter let in once the
// holder leaves, a waiter whose context ends gives up, and PostgreSQL's
// nil gate lets everyone in at once. (Arrival order is the channel's:
// Go serves blocked senders first come, first served.)
func TestWriteGate(t *testing.T) {
	ctx := context.Background()
	g := newWriteGate()
	leave, err := g.enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	order := make(chan int, 3)
	for i := range 3 {
		go func() {
			l, err := g.enter(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			order <- i
			l()
		}()
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if _, err := g.enter(cctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a waiter whose context ended got %v", err)
	}
	select {
	case i := <-order:
		t.Fatalf("waiter %d got in while the gate was held", i)
	default:
	}
	leave()
	got := map[int]bool{}
	for range 3 {
		got[<-order] = true
	}
	if len(got) != 3 {
		t.Errorf("waiters let in: %v", got)
	}
	var none writeGate
	l1, err1 := none.enter(ctx)
	l2, err2 := none.enter(ctx)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	l1()
	l2()
}
