//go:build linux

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// unprivilegedDeadline bounds one -once run: a hang is the failure this test
// exists for, so the run is killed rather than waited for.
const unprivilegedDeadline = time.Minute

var apiLine = regexp.MustCompile(`(?m)^netbackup_api,`)

// TestProcess_UnprivilegedUnderLowMemlockLimit runs the real binary as an
// unprivileged user (root may lock memory beyond any limit) with the limits
// containers and distributions set, against three servers with every
// collector: it must neither hang nor panic, and must print metrics. (Before
// the limit was checked, it hung at 0 KiB; with the credential read on every
// request, it hung at 64 KiB too.)
func TestProcess_UnprivilegedUnderLowMemlockLimit(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("run as root: the test starts the binary as the unprivileged user nobody")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skipf("no user nobody to run the binary as: %v", err)
	}
	uid, err := strconv.ParseUint(nobody.Uid, 10, 32)
	require.NoError(t, err)
	gid, err := strconv.ParseUint(nobody.Gid, 10, 32)
	require.NoError(t, err)

	dir := worldReadableDir(t)
	bin := filepath.Join(dir, "telegraf-netbackup")
	copyFile(t, binaryPath, bin, 0o755)
	// A round trip of 20 ms, as to a server on the network, lets the
	// collectors' requests overlap.
	cfg := nbusim.Config{APIKey: testAPIKey, Latency: 20 * time.Millisecond}
	servers := []*simServer{startSim(t, cfg, dir), startSim(t, cfg, dir), startSim(t, cfg, dir)}
	conf := filepath.Join(dir, "netbackup.toml")
	require.NoError(t, os.WriteFile(conf, []byte(simConfig(t, servers, `  api_key = "${NBU_TEST_API_KEY}"`)), 0o644))

	for _, kib := range []string{"0", "64", "256"} {
		t.Run("ulimit -l "+kib, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), unprivilegedDeadline)
			defer cancel()
			cmd := exec.CommandContext(ctx, "/bin/sh", "-c", `ulimit -l "$0" && exec "$@"`, kib, bin, "-config", conf, "-once")
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
			cmd.Env = []string{"PATH=/usr/bin:/bin", "NBU_TEST_API_KEY=" + testAPIKey}
			cmd.Dir = dir
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr

			err := cmd.Run()

			require.NoError(t, ctx.Err(), "the binary did not finish within %s (hang); stderr:\n%s", unprivilegedDeadline, stderr.String())
			var exitErr *exec.ExitError
			if err != nil && !errors.As(err, &exitErr) {
				require.NoError(t, err)
			}
			require.NotContains(t, stderr.String(), "panic", "stderr:\n%s", stderr.String())
			require.NotContains(t, stderr.String(), "could not acquire lock", "stderr:\n%s", stderr.String())
			require.NoError(t, err, "stderr:\n%s", stderr.String())
			require.Len(t, apiLine.FindAllString(stdout.String(), -1), 3, "one netbackup_api per server; stderr:\n%s", stderr.String())
			require.Regexp(t, `(?m)^netbackup_job,`, stdout.String())
			t.Logf("ulimit -l %s: %d lines of metrics; stderr:\n%s", kib, strings.Count(stdout.String(), "\n"), stderr.String())
		})
	}
}

// worldReadableDir is a new directory every user may enter, removed after
// the test (t.TempDir's parent is private to root).
func worldReadableDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "nbu-unprivileged-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	return dir
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, data, mode))
}
