package main

import (
	"os"
	"time"
)

// outputsLinger is how long the process stays after closing its stdout and
// stderr: long enough for a reader on the other end to see both end, short
// enough not to matter to a shutdown.
const outputsLinger = 100 * time.Millisecond

// endOutputsBeforeExit closes stdout and stderr, then lingers a moment.
// Telegraf's execd closes its end of both pipes as soon as the process has
// exited (os/exec's Wait), racing its own readers still reading them; the
// loser logs "E! ... read |0: file already closed", which makes
// `telegraf --test --test-wait` exit 1 (influxdata/telegraf#8102). Ending
// both streams while the process still runs lets those readers see the end
// of each first. Nothing is written after this.
func endOutputsBeforeExit(stdout, stderr *os.File) {
	if !isPipe(stdout) && !isPipe(stderr) {
		return
	}
	_ = stdout.Close()
	_ = stderr.Close()
	time.Sleep(outputsLinger)
}

func isPipe(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeNamedPipe != 0
}
