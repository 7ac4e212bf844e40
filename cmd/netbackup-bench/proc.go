package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// cost is what one walker process took, from the operating system's own
// accounting of the finished process.
type cost struct {
	Wall    time.Duration
	CPU     time.Duration // user + system of the walker's process alone
	PeakRSS int64         // bytes, the process's maximum resident set
}

// processCPU is this process's user + system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// lineCount counts the lines of a walker's stdout that match.
type lineCount struct {
	name  string
	match func(line []byte) bool
}

// prefixCount counts the lines that start with prefix.
func prefixCount(prefix string) lineCount {
	return lineCount{name: prefix, match: func(line []byte) bool { return bytes.HasPrefix(line, []byte(prefix)) }}
}

// runProcess runs cmd to its end, counting the lines of its stdout that
// each counter matches (and the E! lines of its stderr, under "E!"), and
// returns its cost and its last line.
func runProcess(cmd *exec.Cmd, counters ...lineCount) (cost, map[string]int64, string, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return cost{}, nil, "", err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return cost{}, nil, "", err
	}
	var last string
	counts := make(map[string]int64, len(counters)+1)
	lines := bufio.NewScanner(stdout)
	lines.Buffer(make([]byte, 64<<10), 1<<20)
	for lines.Scan() {
		if len(lines.Bytes()) < 200 {
			last = lines.Text()
		}
		for _, c := range counters {
			if c.match(lines.Bytes()) {
				counts[c.name]++
			}
		}
	}
	if err := lines.Err(); err != nil {
		// The rest of stdout is unread: the child would block on a full
		// pipe and Wait would never return.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return cost{}, nil, "", fmt.Errorf("reading the plugin's output: %w", err)
	}
	waitErr := cmd.Wait()
	c := cost{Wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		c.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		c.PeakRSS = ru.Maxrss * 1024 // KiB on Linux
	}
	for line := range strings.Lines(stderr.String()) {
		if strings.HasPrefix(line, "E! ") {
			counts["E!"]++
		}
	}
	if waitErr != nil {
		return c, counts, last, fmt.Errorf("%s: %w\n%s", filepath.Base(cmd.Path), waitErr, tail(stderr.String(), 2000))
	}
	return c, counts, last, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// pluginRun is one -once gather of the plugin binary against the simulator.
type pluginRun struct {
	binary      string
	profileDir  string // when set, the binary writes its CPU and peak-heap profiles there (a -tags profile build)
	collect     string // e.g. "jobs"; "" for every collector
	lookback    time.Duration
	concurrency int
	budget      int // max_concurrent_requests; 0 leaves the option out (the default, or a binary without it)
	stateFile   string
	// gatherTimeout is each server's gather_timeout (1h when zero).
	gatherTimeout time.Duration
	// allowErrors: a -once gather that reported errors exits 1; the
	// scenario judges the errors itself (counted under "E!").
	allowErrors bool
}

// run gathers once and returns the process's cost and the lines it wrote
// per counter.
func (r pluginRun) run(ctx context.Context, sim *simProcess, profileName string, counters ...lineCount) (cost, map[string]int64, error) {
	path := filepath.Join(sim.dir, "plugin.conf")
	if err := os.WriteFile(path, []byte(r.config(sim)), 0o600); err != nil {
		return cost{}, nil, err
	}
	defer os.Remove(path)
	cmd := exec.CommandContext(ctx, r.binary, "-config", path, "-once")
	if r.profileDir != "" && profileName != "" {
		cmd.Env = append(os.Environ(),
			"NETBACKUP_CPUPROFILE="+filepath.Join(r.profileDir, profileName+".prof"),
			"NETBACKUP_HEAPPROFILE="+filepath.Join(r.profileDir, profileName+".heap.prof"))
	}
	c, counts, _, err := runProcess(cmd, counters...)
	var exit *exec.ExitError
	if r.allowErrors && errors.As(err, &exit) && exit.ExitCode() == 1 && counts["E!"] > 0 {
		err = nil
	}
	return c, counts, err
}

// config is the plugin's configuration for the run: every simulated server.
func (r pluginRun) config(sim *simProcess) string {
	var b strings.Builder
	b.WriteString("[[inputs.netbackup]]\n  servers = [")
	for i, u := range sim.urls {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", u)
	}
	b.WriteString("]\n")
	gatherTimeout := r.gatherTimeout
	if gatherTimeout == 0 {
		gatherTimeout = time.Hour
	}
	fmt.Fprintf(&b, `  api_key = %q
  tls_ca = %q
  job_lookback = "%ds"
  max_jobs_per_gather = 100000000
  max_concurrency = %d
  gather_timeout = "%ds"
  timeout = "1m"
  retry_wait_time = "10ms"
  retry_max_wait_time = "100ms"
  state_file = %q
`, benchAPIKey, sim.caFile, int64(r.lookback/time.Second), r.concurrency, int64(gatherTimeout/time.Second), r.stateFile)
	if r.collect != "" {
		fmt.Fprintf(&b, "  collect = [%q]\n", r.collect)
	}
	if r.budget > 0 {
		fmt.Fprintf(&b, "  max_concurrent_requests = %d\n", r.budget)
	}
	return b.String()
}

// buildPlugin builds the plugin binary into dir (with the profiling hook
// when profile is set).
func buildPlugin(ctx context.Context, dir string, profile bool) (string, error) {
	out := filepath.Join(dir, "telegraf-netbackup")
	args := []string{"build", "-trimpath", "-o", out}
	if profile {
		args = append(args, "-tags", "profile")
	}
	args = append(args, "github.com/telegraf-netbackup/telegraf-netbackup/cmd/telegraf-netbackup")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building the plugin: %w", err)
	}
	return out, nil
}

// runBaseline walks the backfill the way the peers do, in a process of its
// own (this command with -walk-baseline).
func runBaseline(ctx context.Context, sim *simProcess, lookback time.Duration) (cost, int64, error) {
	self, err := os.Executable()
	if err != nil {
		return cost{}, 0, err
	}
	floor := simStart.Add(-lookback)
	cmd := exec.CommandContext(ctx, self, "-walk-baseline", "-url", sim.baseURL, "-ca", sim.caFile,
		"-floor", floor.Format(time.RFC3339))
	c, _, last, err := runProcess(cmd)
	if err != nil {
		return c, 0, err
	}
	var jobs int64
	if _, err := fmt.Sscanf(last, "jobs %d", &jobs); err != nil {
		return c, 0, fmt.Errorf("the baseline said %q", last)
	}
	return c, jobs, nil
}

// walkBaseline is the -walk-baseline mode: one sequential backfill, every
// job made into a metric and serialized (to nowhere), then "jobs <n>" on
// stdout.
func walkBaseline(args []string) error {
	fs := flag.NewFlagSet("netbackup-bench -walk-baseline", flag.ContinueOnError)
	baseURL := fs.String("url", "", "")
	caFile := fs.String("ca", "", "")
	floorText := fs.String("floor", "", "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	floor, err := time.Parse(time.RFC3339, *floorText)
	if err != nil {
		return err
	}
	tlsConfig, err := tlsConfigFor(*caFile)
	if err != nil {
		return err
	}
	acc, err := newSink()
	if err != nil {
		return err
	}
	jobs, err := baselineBackfill(context.Background(), *baseURL, tlsConfig, floor, acc)
	if err != nil {
		return err
	}
	if err := acc.err(); err != nil {
		return err
	}
	_, err = fmt.Printf("jobs %d\n", jobs)
	return err
}
