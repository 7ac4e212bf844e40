//go:build linux

package main

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// underMemlockLimit runs the binary through sh with `ulimit -l kib` (soft
// and hard), the way a container or a login shell limits it.
func underMemlockLimit(t *testing.T, kib string, args ...string) result {
	t.Helper()
	script := `ulimit -l "$0" && exec "$@"`
	cmd := exec.Command("/bin/sh", append([]string{"-c", script, kib, binaryPath}, args...)...)
	cmd.Env = append(cmd.Environ(), "NBU_TEST_API_KEY="+testAPIKey)
	return runCommand(t, cmd)
}

var memlockWarning = regexp.MustCompile(`(?m)^W! the locked-memory limit \(RLIMIT_MEMLOCK\) is (\d+) KiB, but keeping 1 credential\(s\) for 3 server\(s\) in locked memory needs about \d+ KiB: ` +
	`running with unprotected secrets .*LimitMEMLOCK=8M.*ulimit -l 8192`)

// TestProcess_LockedMemoryLimit: the limit is checked against what the
// secrets need before they are created; a low limit gives one warning and
// unprotected secrets, -unprotected gives them without a warning.
func TestProcess_LockedMemoryLimit(t *testing.T) {
	servers := []*simServer{
		startSim(t, nbusim.Config{APIKey: testAPIKey}, ""),
		startSim(t, nbusim.Config{APIKey: testAPIKey}, ""),
		startSim(t, nbusim.Config{APIKey: testAPIKey}, ""),
	}
	path := writeFile(t, simConfig(t, servers, `  api_key = "${NBU_TEST_API_KEY}"`, `  collect = ["jobs"]`))

	tests := []struct {
		name        string
		kib         string
		args        []string
		warning     bool
		unprotected bool
	}{
		{"no locked memory", "0", nil, true, false},
		{"a few pages", "16", nil, true, false},
		{"enough for three servers", "64", nil, false, false},
		{"Telegraf's unit", "8192", nil, false, false},
		{"-unprotected", "0", []string{"-unprotected"}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := underMemlockLimit(t, tt.kib, append([]string{"-config", path, "-once"}, tt.args...)...)

			require.Equal(t, 0, r.code, "stderr: %s", r.stderr)
			require.Equal(t, 3, strings.Count(r.stdout, "netbackup_api,"), "stdout: %s", r.stdout)
			require.Regexp(t, `(?m)^netbackup_api,.*\bup=1i\b`, r.stdout)
			warnings := memlockWarning.FindAllStringSubmatch(r.stderr, -1)
			if tt.warning {
				require.Len(t, warnings, 1, "stderr: %s", r.stderr)
				require.Equal(t, tt.kib, warnings[0][1])
			} else {
				require.Empty(t, warnings, "stderr: %s", r.stderr)
			}
			require.Equal(t, tt.unprotected, strings.Contains(r.stderr, "I! secrets are kept in ordinary memory, not locked memory (-unprotected)"))
			requireExecdStderr(t, r)
		})
	}
}
