//go:build profile

package main

import (
	"bytes"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

// A build with -tags profile writes a CPU profile of the whole run to the
// file named by NETBACKUP_CPUPROFILE, and the heap in use at its highest to
// the file named by NETBACKUP_HEAPPROFILE: the benchmark command uses them
// to show where the plugin's own time and memory go. Release builds have no
// such hook.
func init() {
	var stops []func()
	if path := os.Getenv("NETBACKUP_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			panic(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			panic(err)
		}
		stops = append(stops, func() {
			pprof.StopCPUProfile()
			_ = f.Close()
		})
	}
	if path := os.Getenv("NETBACKUP_HEAPPROFILE"); path != "" {
		stops = append(stops, watchHeap(path))
	}
	profileStop = func() {
		for _, stop := range stops {
			stop()
		}
	}
}

// heapSampleEvery is how often the heap is looked at: its peak is caught
// within that much.
const heapSampleEvery = 20 * time.Millisecond

// watchHeap keeps the heap profile taken when the heap in use was highest
// and writes it to path when stopped.
func watchHeap(path string) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	var best bytes.Buffer
	var highest uint64
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(heapSampleEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse <= highest {
				continue
			}
			highest = m.HeapInuse
			if os.Getenv("NETBACKUP_HEAPPROFILE_GC") != "" {
				runtime.GC() // live objects only
			}
			best.Reset()
			_ = pprof.Lookup("heap").WriteTo(&best, 0)
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		_ = os.WriteFile(path, best.Bytes(), 0o600)
	}
}
