// Command netbackup-bench measures whole gathers of the netbackup plugin's
// binary against the NetBackup simulator with injected round-trip latency,
// next to a baseline that walks the jobs the way other NetBackup exporters
// do, and prints a markdown table.
//
//	go run ./cmd/netbackup-bench            # every scenario (long: 1M-job runs)
//	go run ./cmd/netbackup-bench -quick     # CI smoke: 10,000 jobs
//	go run ./cmd/netbackup-bench -scenarios backfill-1m-20ms,steady-1m-20ms
//	go run ./cmd/netbackup-bench -scenarios fleet-1-20ms,fleet-100-20ms   # one agent, many servers
//	go run ./cmd/netbackup-bench -profile DIR   # also CPU and peak-heap profiles of each plugin run
//
// The simulator, the plugin and the baseline each run in a process of their
// own (the simulator is this command started again with -serve, the
// baseline with -walk-baseline): the CPU and peak RSS in the table are the
// walker's process alone, from the operating system's accounting of the
// finished process; the simulator's CPU is reported apart. TLS on both
// ends; nothing leaves the loopback.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup"
)

func main() {
	if err := dispatch(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "netbackup-bench:", err)
		os.Exit(1)
	}
}

// dispatch runs the child modes or the benchmark itself.
func dispatch(args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "-serve":
			return serve(args[1:])
		case "-walk-baseline":
			return walkBaseline(args[1:])
		}
	}
	return run(args)
}

func run(args []string) error {
	fs := flag.NewFlagSet("netbackup-bench", flag.ContinueOnError)
	names := fs.String("scenarios", "", "comma-separated scenarios (kind-size-rtt, e.g. backfill-1m-20ms); default: all, or the quick set with -quick")
	quick := fs.Bool("quick", false, "the CI smoke set: "+strings.Join(quickScenarios, ", "))
	concurrency := fs.Int("concurrency", 4, "the plugin's max_concurrency")
	budget := fs.Int("budget", netbackup.New().MaxConcurrentRequests, "the plugin's max_concurrent_requests; 0 leaves the option out (a binary that lacks it)")
	baseline := fs.Bool("baseline", true, "also run the sequential baseline for backfills")
	plugin := fs.String("plugin", "", "the plugin binary to measure (default: built from this checkout)")
	profileDir := fs.String("profile", "", "write CPU and peak-heap profiles of each plugin run into this directory (builds the plugin with -tags profile)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	list := fullScenarios
	if *quick {
		list = quickScenarios
	}
	if *names != "" {
		list = strings.Split(*names, ",")
	}
	scenarios := make([]scenario, 0, len(list))
	for _, name := range list {
		sc, err := parseScenario(name)
		if err != nil {
			return err
		}
		scenarios = append(scenarios, sc)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opt := options{concurrency: *concurrency, budget: *budget, baseline: *baseline, plugin: *plugin, profileDir: *profileDir}
	if opt.plugin == "" || opt.profileDir != "" {
		dir, err := tempDir()
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if opt.plugin, err = buildPlugin(ctx, dir, opt.profileDir != ""); err != nil {
			return err
		}
	}
	var results []*result
	for _, sc := range scenarios {
		fmt.Fprintf(os.Stderr, "netbackup-bench: running %s...\n", sc.name)
		rs, err := runScenario(ctx, sc, opt)
		if err != nil {
			return err
		}
		for _, r := range rs {
			fmt.Fprintf(os.Stderr, "netbackup-bench:   %s: %d items, %d requests in %s, CPU %s\n",
				r.walker, r.items, r.requests, seconds(r.Wall), seconds(r.CPU))
		}
		results = append(results, rs...)
	}
	fmt.Printf("%s, %s/%s, %d CPUs, load average at the end: %s\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), loadAverage())
	writeTable(os.Stdout, results, *concurrency)
	return nil
}

// loadAverage is /proc/loadavg's first three numbers: a busy machine
// stretches wall times, and the table says so.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], " ")
}
