//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// descendantsRunning returns the PIDs of the live descendants of root whose
// executable is exe, or all of them when exe is "". The executable is read
// from /proc, so a shell wrapper that exec's the binary counts as the binary.
func descendantsRunning(root int, exe string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	parents := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, state, ok := procStat(pid); ok && state != "Z" {
			parents[pid] = ppid
		}
	}
	var pids []int
	for pid := range parents {
		if !descendsFrom(parents, pid, root) {
			continue
		}
		if exe == "" {
			pids = append(pids, pid)
			continue
		}
		if target, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "exe")); err == nil && target == exe {
			pids = append(pids, pid)
		}
	}
	return pids
}

func descendsFrom(parents map[int]int, pid, root int) bool {
	for depth := 0; depth < 64 && pid > 1; depth++ {
		pid = parents[pid]
		if pid == root {
			return true
		}
	}
	return false
}

// procStat returns the parent PID and the state letter of pid.
func procStat(pid int) (ppid int, state string, ok bool) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, "", false
	}
	// "pid (comm) S ppid ...": comm may hold spaces and parentheses.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, "", false
	}
	fields := strings.Fields(s[i+1:])
	if len(fields) < 2 {
		return 0, "", false
	}
	ppid, err = strconv.Atoi(fields[1])
	return ppid, fields[0], err == nil
}

// processAlive tells whether pid exists and is not a zombie.
func processAlive(pid int) bool {
	_, state, ok := procStat(pid)
	return ok && state != "Z"
}

// waitPluginPID waits until Telegraf runs exactly one plugin process other
// than the ones listed in not, and returns its PID.
func waitPluginPID(t *testing.T, telegrafPID int, exe string, not ...int) int {
	t.Helper()
	var found int
	ok := waitUntil(30*time.Second, func() bool {
		for _, pid := range descendantsRunning(telegrafPID, exe) {
			if !containsInt(not, pid) {
				found = pid
				return true
			}
		}
		return false
	})
	require.True(t, ok, "Telegraf (pid %d) runs no plugin process %s (excluding %v) after 30s", telegrafPID, exe, not)
	return found
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// killIfAlive is a cleanup for processes a failed test may leave behind.
func killIfAlive(pid int) {
	if pid > 0 && processAlive(pid) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}
