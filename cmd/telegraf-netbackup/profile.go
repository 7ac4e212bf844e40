//go:build profile

package main

import (
	"os"
	"runtime/pprof"
)

// A build with -tags profile writes a CPU profile of the whole run to the
// file named by NETBACKUP_CPUPROFILE: the benchmark command uses it to show
// where the plugin's own time goes. Release builds have no such hook.
func init() {
	path := os.Getenv("NETBACKUP_CPUPROFILE")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	profileStop = func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
