package nbuapi

import (
	"hash/maphash"
	"sync/atomic"
)

// Text attributes repeat: the job types, states, policies, clients and
// storage units of a backfill are a few hundred values over millions of
// jobs. internText hands out one string per value seen recently instead of
// a new one per job: fewer allocations, less garbage to collect. The table
// is fixed (bounded memory whatever the data) and lock-free; a slot taken
// by another value is simply replaced.
const internSlots = 4096

var (
	internSeed  = maphash.MakeSeed()
	internTable [internSlots]atomic.Pointer[string]
)

// internText returns b as a string, shared with earlier equal values.
// Long values are not kept: they rarely repeat.
func internText(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > 64 {
		return string(b)
	}
	slot := &internTable[maphash.Bytes(internSeed, b)%internSlots]
	if p := slot.Load(); p != nil && *p == string(b) {
		return *p
	}
	s := string(b)
	slot.Store(&s)
	return s
}
