// Command netbackup-bench measures whole gathers of the netbackup plugin
// against an in-process NetBackup simulator with injected round-trip
// latency, next to a baseline that walks the jobs the way other NetBackup
// exporters do, and prints a markdown table.
//
//	go run ./cmd/netbackup-bench            # every scenario (several minutes)
//	go run ./cmd/netbackup-bench -quick     # CI smoke: 10,000 jobs
//	go run ./cmd/netbackup-bench -scenarios backfill-1m-20ms,steady-1m-20ms
//
// Every figure is the whole process: the plugin (or the baseline) and the
// simulator serving it, TLS on both ends. Nothing leaves the loopback.
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
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "netbackup-bench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("netbackup-bench", flag.ContinueOnError)
	names := fs.String("scenarios", "", "comma-separated scenarios (kind-size-rtt, e.g. backfill-1m-20ms); default: all, or the quick set with -quick")
	quick := fs.Bool("quick", false, "the CI smoke set: "+strings.Join(quickScenarios, ", "))
	concurrency := fs.Int("concurrency", 4, "the plugin's max_concurrency")
	baseline := fs.Bool("baseline", true, "also run the sequential baseline for backfills")
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
	opt := options{concurrency: *concurrency, baseline: *baseline}
	var results []*result
	for _, sc := range scenarios {
		fmt.Fprintf(os.Stderr, "netbackup-bench: running %s...\n", sc.name)
		rs, err := runScenario(ctx, sc, opt)
		if err != nil {
			return err
		}
		for _, r := range rs {
			fmt.Fprintf(os.Stderr, "netbackup-bench:   %s: %d items, %d requests in %s\n", r.walker, r.items, r.requests, seconds(r.Wall))
		}
		results = append(results, rs...)
	}
	fmt.Printf("%s, %s/%s, %d CPUs, GOMAXPROCS %d, load average at the end: %s\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), loadAverage())
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
