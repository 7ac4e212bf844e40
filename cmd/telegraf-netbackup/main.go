// Command telegraf-netbackup is a Telegraf external input plugin for Veritas
// NetBackup: Telegraf's [[inputs.execd]] runs it, sends a newline on stdin
// for each gather (signal = "STDIN"), and reads line protocol from stdout and
// level-prefixed log lines from stderr.
//
// Recommended stanza in telegraf.conf:
//
//	[[inputs.execd]]
//	  alias = "netbackup"
//	  command = ["/usr/bin/telegraf-netbackup", "-config", "/etc/telegraf-netbackup/netbackup.toml"]
//	  signal = "STDIN"
//	  interval = "5m"
//	  restart_delay = "30s"
//	  data_format = "influx"
//
// The process ends within seconds when stdin closes or on SIGTERM/SIGINT,
// even in the middle of a gather. Started by hand, it waits for Enter on the
// terminal; with stdin at end of file (</dev/null) it exits at once unless
// -once is given. Exit status: 0 after an orderly stop or a clean -once
// gather; 1 on a config error or a -once gather that reported errors; 2 on a
// command-line error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/logger"

	"github.com/telegraf-netbackup/telegraf-netbackup/cmd/telegraf-netbackup/internal/execdio"
	"github.com/telegraf-netbackup/telegraf-netbackup/cmd/telegraf-netbackup/internal/runner"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, a second one kills at once.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	profileStop()
	endOutputsBeforeExit(os.Stdout, os.Stderr)
	os.Exit(code)
}

// profileStop ends a profile begun by a -tags profile build (profile.go).
var profileStop = func() {}

// run is the whole program minus the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "E! %v (see -h)\n", err)
		return 2
	}
	ver := buildVersion()
	if opts.version {
		fmt.Fprintf(stdout, "telegraf-netbackup %s\n", ver)
		return 0
	}
	if opts.sampleConfig {
		fmt.Fprint(stdout, netbackup.New().SampleConfig())
		return 0
	}

	level := telegraf.Info
	if opts.debug {
		level = telegraf.Debug
	}
	logw := execdio.NewLogWriter(stderr, level)
	if err := bridgeTelegrafLogging(logw); err != nil {
		fmt.Fprintf(stderr, "E! %v\n", err)
		return 1
	}
	log := execdio.NewLogger(logw)
	netbackup.Version = ver
	log.Debugf("telegraf-netbackup %s starting: config %s, poll_interval %s, once %t",
		ver, opts.configFile, opts.pollInterval, opts.once)

	file, err := readConfigFile(opts.configFile)
	if err != nil {
		log.Errorf("config file %s: %v", opts.configFile, err)
		return 1
	}
	chooseSecretProtection(opts.unprotected, file, log)
	plugin, err := loadPlugin(file, log)
	if err != nil {
		log.Errorf("config file %s: %v", opts.configFile, err)
		return 1
	}
	warnLiteralCredentialsInSharedFile(file, log)
	return serve(ctx, plugin, opts, stdin, stdout, logw, log)
}

// serve runs the gathers until the end (one with -once), then destroys the
// plugin's secrets, unless a gather was abandoned: it may still use them,
// and the process is about to end anyway.
func serve(ctx context.Context, plugin *netbackup.NetBackup, opts options, stdin io.Reader, stdout io.Writer,
	logw *execdio.LogWriter, log telegraf.Logger) int {
	acc, err := execdio.NewAccumulator(stdout, logw)
	if err != nil {
		log.Error(err)
		return 1
	}
	r := &runner.Runner{Plugin: plugin, Output: acc, Log: log}

	ok := true
	if opts.once {
		ok, err = r.Once(ctx)
	} else {
		hintWhenStdinIsNotAPipe(stdin, opts, log)
		err = r.Run(ctx, stdin, opts.pollInterval)
	}
	if !errors.Is(err, runner.ErrAbandoned) {
		plugin.Stop()
	}
	if !ok || err != nil {
		return 1
	}
	return 0
}

// bridgeTelegrafLogging routes whatever logs through Telegraf's logger
// package (its config loader, serializers, the standard log package) to
// stderr in execd's format. RedirectLogging also ends Telegraf's "early
// logging" mode, which would otherwise keep every message in memory forever.
func bridgeTelegrafLogging(logw *execdio.LogWriter) error {
	logger.RedirectLogging(io.Discard)
	if _, err := logger.AddCallback(logw.TelegrafCallback); err != nil {
		return fmt.Errorf("setting up logging: %w", err)
	}
	return nil
}

// hintWhenStdinIsNotAPipe explains, at debug level, why nothing happens when
// the binary is started by hand.
func hintWhenStdinIsNotAPipe(stdin io.Reader, opts options, log telegraf.Logger) {
	f, ok := stdin.(*os.File)
	if !ok || opts.pollInterval > 0 {
		return
	}
	info, err := f.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return
	}
	log.Debug("stdin is a terminal or device, not Telegraf's pipe: each Enter runs one gather; " +
		"use -once for a single gather or -poll_interval for a schedule")
}
