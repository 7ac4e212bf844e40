package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"
)

// minPollInterval keeps a typo such as -poll_interval 1s from sweeping the
// NetBackup API every second.
const minPollInterval = 10 * time.Second

type options struct {
	configFile   string
	once         bool
	sampleConfig bool
	version      bool
	debug        bool
	// unprotected keeps secrets in ordinary memory instead of locked memory.
	unprotected bool
	// pollInterval is 0 when gathers are driven by newlines on stdin only.
	pollInterval time.Duration
}

// newFlagSet declares the flags; usage goes to out.
func newFlagSet(opts *options, pollDisabled *bool, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("telegraf-netbackup", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&opts.configFile, "config", "", "plugin config `file` with one [[inputs.netbackup]] table (see -sample-config)")
	fs.BoolVar(&opts.once, "once", false, "gather once, print line protocol to stdout and exit: 0 when the gather added no error, 1 otherwise")
	fs.BoolVar(&opts.sampleConfig, "sample-config", false, "print the sample configuration and exit")
	fs.BoolVar(&opts.version, "version", false, "print the version and exit")
	fs.BoolVar(&opts.debug, "debug", false, "write debug lines (D!) on stderr")
	fs.BoolVar(&opts.unprotected, "unprotected", false,
		"keep credentials in ordinary memory, not locked memory (as Telegraf's --unprotected); "+
			"chosen by itself, with a warning, when the locked-memory limit is too low")
	fs.DurationVar(&opts.pollInterval, "poll_interval", 0,
		"also gather on this period (minimum 10s); 0, the default, gathers only per newline on stdin, as Telegraf's execd signal = \"STDIN\" sends")
	fs.BoolVar(pollDisabled, "poll_interval_disabled", false, "same as -poll_interval 0 (accepted for compatibility with Telegraf's shim)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: telegraf-netbackup -config FILE [-once] [-poll_interval DURATION] [-debug] [-unprotected]\n"+
			"       telegraf-netbackup -sample-config | -version\n\n"+
			"Telegraf external input plugin for Veritas NetBackup, run by [[inputs.execd]].\n\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses and validates the command line. flag.ErrHelp means -h,
// and the usage went to usageOut. A parse error prints nothing: the caller
// says it in one line on stderr, since under execd stdout is line protocol.
func parseFlags(args []string, usageOut io.Writer) (options, error) {
	var opts options
	var pollDisabled bool
	fs := newFlagSet(&opts, &pollDisabled, io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(usageOut)
			fs.Usage()
		}
		return opts, err
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("unexpected argument %q: every option is a flag, such as -config FILE", fs.Arg(0))
	}
	if pollDisabled {
		opts.pollInterval = 0
	}
	switch {
	case opts.pollInterval < 0:
		return opts, fmt.Errorf("-poll_interval %s is negative: use 0 (gather per newline on stdin) or at least %s", opts.pollInterval, minPollInterval)
	case opts.pollInterval > 0 && opts.pollInterval < minPollInterval:
		return opts, fmt.Errorf("-poll_interval %s is below the minimum of %s: each gather sweeps the NetBackup API; "+
			"use 0 to gather per newline on stdin (Telegraf's execd signal = \"STDIN\")", opts.pollInterval, minPollInterval)
	}
	if opts.configFile == "" && !opts.sampleConfig && !opts.version {
		return opts, errors.New("no -config FILE given: write one from -sample-config")
	}
	return opts, nil
}
