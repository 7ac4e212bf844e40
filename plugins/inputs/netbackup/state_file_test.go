//go:build unix

package netbackup

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// stateTestPlugin is a plugin reading env (a server never contacted when
// env is nil) with the jobs collector and the given state file, not yet
// initialised.
func stateTestPlugin(env *testEnv, stateFile string) *NetBackup {
	p := New()
	p.Servers = []string{"https://nbu:1556"}
	p.APIKey = config.NewSecret([]byte(testAPIKey))
	p.Log = testutil.Logger{Quiet: true}
	if env != nil {
		on(env)(p)
	}
	p.Collect = []string{"jobs"}
	p.StateFile = stateFile
	p.RetryCount = 1
	p.RetryWaitTime = config.Duration(time.Millisecond)
	p.RetryMaxWaitTime = config.Duration(2 * time.Millisecond)
	return p
}

func stateGather(t *testing.T, p *NetBackup) *testutil.Accumulator {
	t.Helper()
	var acc testutil.Accumulator
	require.NoError(t, p.GatherContext(t.Context(), &acc))
	require.NoError(t, p.CommitState())
	return &acc
}

// Two plugin instances (two processes, or two [[inputs.netbackup]] run by
// one Telegraf) on one state file: the second refuses to start, naming the
// file and the process that holds it. Once the first is gone, a new one
// starts.
func TestStateFile_SecondInstanceRefusedAtInit(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	path := env.state

	first := stateTestPlugin(env, path)
	require.NoError(t, first.Init())
	stateGather(t, first)

	second := stateTestPlugin(env, path)
	err := second.Init()
	require.Error(t, err)
	require.Contains(t, err.Error(), strconv.Quote(path))
	require.Contains(t, err.Error(), "is in use by")
	require.Contains(t, err.Error(), "pid "+strconv.Itoa(os.Getpid()))
	require.Contains(t, err.Error(), "give each its own state_file")

	first.releaseState()
	third := stateTestPlugin(env, path)
	require.NoError(t, third.Init(), "the lock goes with the instance that held it")
	third.releaseState()
}

// A second process: the lock holds across processes, and the error names
// the other process.
func TestStateFile_LockHeldByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	helper := stateLockHelper(t, path)

	p := stateTestPlugin(nil, path)
	err := p.Init()
	require.Error(t, err)
	require.Contains(t, err.Error(), "pid "+strconv.Itoa(helper.Process.Pid))

	require.NoError(t, helper.Process.Kill())
	_, _ = helper.Process.Wait()
	p = stateTestPlugin(nil, path)
	require.NoError(t, p.Init(), "the lock of a killed process is gone with it")
	p.releaseState()
}

// A save keeps the entries of servers (and collectors) this process does
// not run: one process reading server X, then another reading server Y
// with the same file, do not erase X's progress; X's jobs are not emitted
// again when its process comes back.
func TestStateFile_SaveKeepsOtherServers(t *testing.T) {
	x := startSim(t, nbusim.Config{})
	y := startSim(t, nbusim.Config{Seed: 2})
	path := x.state

	a := stateTestPlugin(x, path)
	require.NoError(t, a.Init())
	require.NotEmpty(t, metricsNamed(stateGather(t, a), "netbackup_job"))
	a.releaseState()

	b := stateTestPlugin(y, path)
	b.Collect = []string{"jobs", "alerts"}
	require.NoError(t, b.Init())
	stateGather(t, b)
	b.releaseState()

	var doc stateDocument
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &doc))
	require.Contains(t, doc.Servers, a.servers[0].url)
	require.Contains(t, doc.Servers, b.servers[0].url)

	again := stateTestPlugin(x, path)
	require.NoError(t, again.Init())
	require.Empty(t, metricsNamed(stateGather(t, again), "netbackup_job"), "X's jobs were emitted again")
	again.releaseState()

	// And the collector X does not run (alerts of Y) stays as well.
	data, err = os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &doc))
	require.Contains(t, doc.Servers[b.servers[0].url], "alerts")
}

// A state file that is a symbolic link, a named pipe or a directory is
// refused at start: never followed, never read (a FIFO would block), never
// replaced.
func TestStateFile_OnlyARegularFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere.json")
	require.NoError(t, os.WriteFile(target, []byte(`{"version":1,"servers":{}}`), 0o600))
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.Symlink(target, link))
	fifo := filepath.Join(dir, "fifo.json")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	directory := filepath.Join(dir, "dir.json")
	require.NoError(t, os.Mkdir(directory, 0o700))

	for path, what := range map[string]string{link: "symbolic link", fifo: "named pipe", directory: "directory"} {
		p := stateTestPlugin(nil, path)
		done := make(chan error, 1)
		go func() { done <- p.Init() }()
		select {
		case err := <-done:
			require.Error(t, err, path)
			require.Contains(t, err.Error(), strconv.Quote(path))
			require.Contains(t, err.Error(), "is a "+what)
			require.Contains(t, err.Error(), "must be a regular file")
		case <-time.After(30 * time.Second):
			t.Fatalf("Init blocked on %s", what)
		}
	}
	info, err := os.Lstat(link)
	require.NoError(t, err)
	require.NotZero(t, info.Mode()&os.ModeSymlink, "the link is left as it was")
}

// The file is checked again when it is read, at the first gather: a FIFO
// put there after start is refused, not read (a read would block the gather
// before any deadline).
func TestStateFile_FIFOAtFirstGatherDoesNotBlock(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	path := env.state
	p := stateTestPlugin(env, path)
	require.NoError(t, p.Init())
	defer p.releaseState()
	require.NoError(t, syscall.Mkfifo(path, 0o600))

	done := make(chan *testutil.Accumulator, 1)
	go func() {
		var acc testutil.Accumulator
		_ = p.GatherContext(t.Context(), &acc)
		done <- &acc
	}()
	select {
	case acc := <-done:
		text := strings.Join(authErrors(acc), "\n")
		require.Contains(t, text, "is a named pipe")
		require.NotEmpty(t, metricsNamed(acc, "netbackup_job"), "the gather goes on without state")
	case <-time.After(30 * time.Second):
		t.Fatal("the gather blocked reading a FIFO")
	}
	require.ErrorContains(t, p.CommitState(), "must be a regular file", "the FIFO is not replaced either")
}

// A state file larger than any this plugin writes is refused, not read.
func TestStateFile_SizeCap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(maxStateFileBytes+1)) // sparse: no disk space used
	require.NoError(t, f.Close())

	err = stateTestPlugin(nil, path).Init()
	require.Error(t, err)
	require.Contains(t, err.Error(), strconv.Quote(path))
	require.Contains(t, err.Error(), "bytes, more than")
}

// Rewriting the state file keeps its mode, owner and group: a file shared
// with a group (or prepared by an administrator for Telegraf's user) stays
// readable and writable by the same people after every save.
func TestStateFile_RewriteKeepsModeAndGroup(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	path := env.state
	require.NoError(t, os.WriteFile(path, []byte(`{"version":1,"servers":{}}`), 0o600))
	require.NoError(t, os.Chmod(path, 0o640))
	uid, gid := os.Getuid(), os.Getgid()
	if os.Geteuid() == 0 {
		uid, gid = 4242, 4343 // as root: an owner and group of someone else
		require.NoError(t, os.Chown(path, uid, gid))
	} else {
		t.Log("not root: checking the mode and this user's own group only")
	}

	p := stateTestPlugin(env, path)
	require.NoError(t, p.Init())
	defer p.releaseState()
	stateGather(t, p)

	info, err := os.Lstat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o640), info.Mode().Perm())
	st := info.Sys().(*syscall.Stat_t)
	require.Equal(t, uid, int(st.Uid))
	require.Equal(t, gid, int(st.Gid))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(data), p.servers[0].url, "the file was rewritten")
}

// Progress saved under a servers entry as it was written before entries
// were normalised is found, and saved under the normalised key.
func TestStateFile_LegacyKeyIsRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	cursor := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	legacy := `{"version":1,"servers":{"https://NBU.example.com:1556/netbackup":{"jobs":` +
		`{"version":1,"cursor":"` + cursor.Format(time.RFC3339) + `","floor":"` + cursor.Add(-time.Hour).Format(time.RFC3339) + `","seen":{}}}}}`
	require.NoError(t, os.WriteFile(path, []byte(legacy), 0o600))

	p := stateTestPlugin(nil, path)
	p.Servers = []string{"https://NBU.example.com:1556/"}
	require.NoError(t, p.Init())
	defer p.releaseState()
	var acc testutil.Accumulator
	p.loadStateOnce(&acc)
	require.Empty(t, acc.Errors)
	walker := p.servers[0].collectors["jobs"].(*jobsCollector).walker
	require.Equal(t, cursor, walker.state.Cursor)

	require.NoError(t, p.CommitState())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(data), `"https://nbu.example.com:1556/netbackup"`)
	require.NotContains(t, string(data), "NBU.example.com", "the old key is replaced")
}

// stateLockHelperEnv makes the test binary a helper process that holds the
// lock of the state file it names, until it is killed.
const stateLockHelperEnv = "NBU_TEST_HOLD_STATE_LOCK"

func TestHelperProcessHoldsStateLock(t *testing.T) {
	path := os.Getenv(stateLockHelperEnv)
	if path == "" {
		t.Skip("a helper process of TestStateFile_LockHeldByAnotherProcess")
	}
	lock, err := lockStateFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.release()
	os.Stdout.WriteString("locked\n")
	time.Sleep(time.Hour)
}

// stateLockHelper starts a process holding the lock of path and waits
// until it holds it.
func stateLockHelper(t *testing.T, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessHoldsStateLock$")
	cmd.Env = append(os.Environ(), stateLockHelperEnv+"="+path)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "locked\n", line)
	return cmd
}

// Stop gives the state file up: an instance built after it (a reloaded
// configuration) may use the file.
func TestStateFile_StopReleasesTheLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first := stateTestPlugin(nil, path)
	require.NoError(t, first.Init())
	require.ErrorContains(t, stateTestPlugin(nil, path).Init(), "is in use by")

	first.Stop()
	second := stateTestPlugin(nil, path)
	require.NoError(t, second.Init())
	second.Stop()
}
