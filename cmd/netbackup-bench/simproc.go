package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// The simulator runs in a process of its own (this command, started again
// with -serve), so that the CPU and memory of the process under test are
// its own. The parent drives it through stdin: one command a line, one
// answer a line.
//
//	stats               -> "stats <requests served> <CPU of the simulator process, ns>"
//	advance <seconds>   -> "ok"          (moves the simulated clock)
//	finished <seconds>  -> "finished <n>" (jobs that finished in the last <seconds>)

const benchAPIKey = "netbackup-bench-key"

// simStart is the simulated "now" of every scenario: fixed, so that runs
// see the same jobs.
var simStart = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// simConfig is what the parent asks of the simulator.
type simConfig struct {
	jobs         int
	jobRate      float64
	jobIDs       string // nbusim.ParseJobIDRanges form, "" for 1, 2, 3, ...
	storageUnits int
	latency      time.Duration
	servers      int // simulated primary servers, each on a listener of its own (0 is one)
}

func (c simConfig) args() []string {
	a := []string{"-serve",
		"-jobs", strconv.Itoa(c.jobs),
		"-job-rate", strconv.FormatFloat(c.jobRate, 'g', -1, 64),
		"-storage-units", strconv.Itoa(c.storageUnits),
		"-latency", c.latency.String(),
		"-servers", strconv.Itoa(max(c.servers, 1)),
	}
	if c.jobIDs != "" {
		a = append(a, "-job-ids", c.jobIDs)
	}
	return a
}

// simProcess is a running simulator child.
type simProcess struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	answers *bufio.Scanner
	baseURL string   // the first server's, ends in /netbackup
	urls    []string // every server's, the first one included
	caFile  string
	dir     string
}

func startSimProcess(ctx context.Context, cfg simConfig) (*simProcess, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "netbackup-bench-sim-")
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, append(cfg.args(), "-dir", dir)...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the simulator process: %w", err)
	}
	p := &simProcess{cmd: cmd, stdin: stdin, answers: bufio.NewScanner(stdout), dir: dir}
	ready, err := p.answer()
	if err != nil {
		p.close()
		return nil, err
	}
	var word, urls string
	if _, err := fmt.Sscan(ready, &word, &urls, &p.caFile); err != nil || word != "ready" {
		p.close()
		return nil, fmt.Errorf("the simulator process said %q", ready)
	}
	p.urls = strings.Split(urls, ",")
	p.baseURL = p.urls[0]
	return p, nil
}

func (p *simProcess) answer() (string, error) {
	if !p.answers.Scan() {
		if err := p.answers.Err(); err != nil {
			return "", fmt.Errorf("the simulator process ended: %w", err)
		}
		return "", errors.New("the simulator process ended")
	}
	return p.answers.Text(), nil
}

func (p *simProcess) ask(command string) (string, error) {
	if _, err := io.WriteString(p.stdin, command+"\n"); err != nil {
		return "", err
	}
	return p.answer()
}

// stats is the requests the simulator served so far and its CPU time.
func (p *simProcess) stats() (requests int64, cpu time.Duration, err error) {
	a, err := p.ask("stats")
	if err != nil {
		return 0, 0, err
	}
	var word string
	var ns int64
	if _, err := fmt.Sscan(a, &word, &requests, &ns); err != nil {
		return 0, 0, fmt.Errorf("stats: %q", a)
	}
	return requests, time.Duration(ns), nil
}

func (p *simProcess) advance(d time.Duration) error {
	_, err := p.ask("advance " + strconv.FormatInt(int64(d/time.Second), 10))
	return err
}

// finished counts the jobs that finished within d before the simulated now.
func (p *simProcess) finished(d time.Duration) (int64, error) {
	a, err := p.ask("finished " + strconv.FormatInt(int64(d/time.Second), 10))
	if err != nil {
		return 0, err
	}
	var word string
	var n int64
	_, err = fmt.Sscan(a, &word, &n)
	return n, err
}

func (p *simProcess) close() {
	_ = p.stdin.Close()
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
	_ = os.RemoveAll(p.dir)
}

// tlsConfigFor trusts the certificate in caFile only.
func tlsConfigFor(caFile string) (*tls.Config, error) {
	pemData, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemData) {
		return nil, errors.New("no certificate in " + caFile)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// serve is the -serve mode: the simulators behind loopback TLS, one
// listener each, driven by stdin until it closes. Every listener presents
// the same certificate (httptest's), so one CA file serves them all.
func serve(args []string) error {
	fs := flag.NewFlagSet("netbackup-bench -serve", flag.ContinueOnError)
	var cfg nbusim.Config
	var ids, dir string
	var servers int
	fs.IntVar(&cfg.Jobs, "jobs", 500, "")
	fs.Float64Var(&cfg.JobRate, "job-rate", 0, "")
	fs.StringVar(&ids, "job-ids", "", "")
	fs.IntVar(&cfg.StorageUnits, "storage-units", 12, "")
	fs.DurationVar(&cfg.Latency, "latency", 0, "")
	fs.IntVar(&servers, "servers", 1, "")
	fs.StringVar(&dir, "dir", os.TempDir(), "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if ids != "" {
		var err error
		if cfg.JobIDs, err = nbusim.ParseJobIDRanges(ids); err != nil {
			return err
		}
	}
	cfg.DiskPools = max(1, cfg.StorageUnits/5)
	cfg.APIKey, cfg.Start = benchAPIKey, simStart
	sims := make([]*nbusim.Simulator, 0, servers)
	urls := make([]string, 0, servers)
	var cert []byte
	for i := range max(servers, 1) {
		cfg.Seed = int64(11 + i) // alike, not identical
		sim, err := nbusim.New(cfg)
		if err != nil {
			return err
		}
		ts := httptest.NewTLSServer(sim)
		defer ts.Close()
		if cert == nil {
			cert = ts.Certificate().Raw
		} else if !bytes.Equal(cert, ts.Certificate().Raw) {
			return errors.New("the simulated servers present different certificates")
		}
		sims = append(sims, sim)
		urls = append(urls, ts.URL+"/netbackup")
	}
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert}), 0o600); err != nil {
		return err
	}
	fmt.Printf("ready %s %s\n", strings.Join(urls, ","), caFile)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		command, arg, _ := strings.Cut(in.Text(), " ")
		seconds, _ := strconv.ParseInt(arg, 10, 64)
		switch command {
		case "stats":
			var served int64
			for _, sim := range sims {
				served += sim.RequestCount()
			}
			fmt.Printf("stats %d %d\n", served, int64(processCPU()))
		case "advance":
			for _, sim := range sims {
				sim.Advance(time.Duration(seconds) * time.Second)
			}
			fmt.Println("ok")
		case "finished":
			now := sims[0].Now()
			fmt.Printf("finished %d\n", len(sims[0].FinishedJobIDs(now.Add(-time.Duration(seconds)*time.Second), now)))
		default:
			fmt.Printf("error unknown command %q\n", command)
		}
	}
	return nil
}
