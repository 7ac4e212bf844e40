package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"syscall"
	"time"
)

// cost is what one measured run took from the whole process: the plugin
// (or the baseline) AND the in-process simulator serving it, TLS on both
// ends included. Both walkers pay the same simulator, so their ratios
// compare the clients.
type cost struct {
	Wall      time.Duration
	CPU       time.Duration // user + system
	Allocated uint64        // bytes allocated (TotalAlloc delta)
	PeakHeap  uint64        // highest heap in use (HeapInuse) sampled during the run
}

// heapSampleEvery is how often the heap in use is sampled. runtime/metrics
// does not stop the world, unlike runtime.ReadMemStats.
const heapSampleEvery = 2 * time.Millisecond

// measure runs fn after a full collection and returns its cost.
func measure(fn func() error) (cost, error) {
	runtime.GC()
	debug.FreeOSMemory()

	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	cpuBefore := cpuTime()
	stop := sampleHeap()
	start := time.Now()
	err := fn()
	wall := time.Since(start)
	peak := stop()
	cpu := cpuTime() - cpuBefore
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return cost{
		Wall:      wall,
		CPU:       cpu,
		Allocated: after.TotalAlloc - before.TotalAlloc,
		PeakHeap:  max(peak, after.HeapInuse),
	}, err
}

// sampleHeap samples the heap in use until stop is called; stop returns
// the highest value seen.
func sampleHeap() (stop func() uint64) {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
	}
	read := func() uint64 {
		metrics.Read(samples)
		var n uint64
		for _, s := range samples {
			if s.Value.Kind() == metrics.KindUint64 {
				n += s.Value.Uint64()
			}
		}
		return n
	}
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ticker := time.NewTicker(heapSampleEvery)
		defer ticker.Stop()
		for {
			peak = max(peak, read())
			select {
			case <-done:
				return
			case <-ticker.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return max(peak, read())
	}
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
