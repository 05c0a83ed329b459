package storage

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// IDGen makes Mastodon-style time-sortable IDs: milliseconds since the Unix
// epoch in the top 48 bits and a 16-bit sequence below, so that a newer row
// always has a greater ID and max_id/min_id paging is a comparison.
//
// Each generator starts its sequence at a random point, so two processes
// sharing one PostgreSQL rarely meet; within a process IDs strictly increase.
type IDGen struct {
	mu   sync.Mutex
	last int64
}

// NewIDGen returns a generator whose sequence starts at a random value.
func NewIDGen() *IDGen {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return &IDGen{last: int64(binary.BigEndian.Uint16(b[:]))}
}

// Next returns a fresh ID for the moment t.
func (g *IDGen) Next(t time.Time) int64 {
	id := t.UnixMilli() << 16
	g.mu.Lock()
	defer g.mu.Unlock()
	if base := g.last &^ 0xffff; id <= base {
		// Same millisecond (or a clock step back): continue the sequence.
		id = g.last + 1
	} else {
		id |= g.last & 0xffff
	}
	g.last = id
	return id
}

// IDAt returns the smallest ID that a row created at t could have, for
// turning a time into a paging cursor.
func IDAt(t time.Time) int64 { return t.UnixMilli() << 16 }
