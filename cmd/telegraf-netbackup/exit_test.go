//go:build linux

package main

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestProcess_OutputsEndBeforeTheProcessExits: Telegraf's execd reads the
// plugin's stdout and stderr while os/exec's Wait closes them once the
// process is gone; a reader that has not seen the end by then logs an error
// (influxdata/telegraf#8102). The binary ends both streams first: when a
// reader sees the end of both, the process has not exited yet.
func TestProcess_OutputsEndBeforeTheProcessExits(t *testing.T) {
	nbu := newFakeNBU(t, nil)
	cmd, _, _ := command("-config", pluginConfig(t, nbu.server.URL, nbu.caFile))
	cmd.Stdout, cmd.Stderr = nil, nil
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	var wg sync.WaitGroup
	for _, r := range []io.Reader{stdout, stderr} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = io.Copy(io.Discard, r)
		}()
	}
	require.NoError(t, stdin.Close())
	wg.Wait()

	// Not reaped yet (no Wait so far): an exited process is a zombie.
	require.NotEqual(t, "Z", processState(t, cmd.Process.Pid), "stdout and stderr ended only when the process exited")
	require.NoError(t, cmd.Wait())
}

func processState(t *testing.T, pid int) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	require.NoError(t, err)
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return fields[0]
}
