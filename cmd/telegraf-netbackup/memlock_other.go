//go:build !unix

package main

// lockedMemoryLimit is not checked outside Unix: Windows has no
// RLIMIT_MEMLOCK (VirtualLock is bounded by the working set instead).
func lockedMemoryLimit() (limit uint64, ok bool) { return 0, false }
