package main

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup"
)

// shutdownLimit is the requirement itself: Telegraf's execd sends SIGTERM
// 5 s after closing stdin, and SIGKILL 5 s later.
const shutdownLimit = 5 * time.Second

// execdLine is what inputs.execd maps to a log level; any other stderr
// line becomes an error in Telegraf's log.
var execdLine = regexp.MustCompile(`^(E|W|I|D)! `)

type result struct {
	code           int
	stdout, stderr string
}

func command(args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(binaryPath, args...)
	cmd.Env = append(cmd.Environ(), "NBU_TEST_API_KEY="+testAPIKey)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

func runBinary(t *testing.T, args ...string) result {
	t.Helper()
	cmd, stdout, stderr := command(args...)
	err := cmd.Run()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// requireExecdStderr checks that every stderr line carries a level prefix
// and that the API key appears nowhere.
func requireExecdStderr(t *testing.T, r result) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
		if line == "" && r.stderr == "" {
			continue
		}
		require.Regexp(t, execdLine, line)
	}
	require.NotContains(t, r.stderr, testAPIKey)
	require.NotContains(t, r.stdout, testAPIKey)
}

func TestProcess_OnceAgainstServerUp(t *testing.T) {
	nbu := newFakeNBU(t, nil)

	r := runBinary(t, "-config", pluginConfig(t, nbu.server.URL, nbu.caFile), "-once", "-debug")

	require.Equal(t, 0, r.code, "stderr: %s", r.stderr)
	require.Regexp(t, `(?m)^netbackup_api,api_version=13\.0,source=127\.0\.0\.1:\d+ .*\bup=1i\b`, r.stdout)
	require.Regexp(t, `(?m)^netbackup_certificate`, r.stdout)
	requireExecdStderr(t, r)
	require.Contains(t, r.stderr, "D! telegraf-netbackup "+testBuildVersion+" starting")
}

func TestProcess_OnceAgainstServerDown(t *testing.T) {
	addr := closedPort(t)

	r := runBinary(t, "-config", pluginConfig(t, "https://"+addr, newFakeNBU(t, nil).caFile), "-once")

	require.Equal(t, 1, r.code)
	require.Regexp(t, `(?m)^netbackup_api,source=127\.0\.0\.1:\d+ .*\bup=0i\b`, r.stdout)
	require.Regexp(t, `(?m)^E! Error in plugin: server 127\.0\.0\.1\b.*connection refused`, r.stderr)
	requireExecdStderr(t, r)
}

func TestProcess_ConfigErrorNamesFileAndKey(t *testing.T) {
	nbu := newFakeNBU(t, nil)
	path := pluginConfig(t, nbu.server.URL, nbu.caFile, `  retry_wait_tme = "1s"`)

	r := runBinary(t, "-config", path, "-once")

	require.Equal(t, 1, r.code)
	require.Empty(t, r.stdout)
	require.Contains(t, r.stderr, "E! config file "+path+": ")
	require.Contains(t, r.stderr, `"retry_wait_tme"`)
	requireExecdStderr(t, r)
}

func TestProcess_VersionAndSampleConfig(t *testing.T) {
	r := runBinary(t, "-version")
	require.Equal(t, 0, r.code)
	require.Equal(t, "telegraf-netbackup "+testBuildVersion+"\n", r.stdout)

	r = runBinary(t, "-sample-config")
	require.Equal(t, 0, r.code)
	require.Equal(t, netbackup.New().SampleConfig(), r.stdout)
}

func TestProcess_GathersPerNewlineUntilStdinCloses(t *testing.T) {
	nbu := newFakeNBU(t, nil)
	cmd, stdout, stderr := command("-config", pluginConfig(t, nbu.server.URL, nbu.caFile))
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())

	_, err = io.WriteString(stdin, "\n")
	require.NoError(t, err)
	require.NoError(t, stdin.Close())
	// The newline and the EOF may arrive together: EOF means shutdown, so
	// zero or one gather are both correct; the exit must be clean.
	require.NoError(t, cmd.Wait())
	requireExecdStderr(t, result{stdout: stdout.String(), stderr: stderr.String()})
}

// stallingNBU answers /ping, then stalls every other request the way the
// test asks, and reports the first stalled request on started.
func stallingNBU(t *testing.T, stall func(w http.ResponseWriter, r *http.Request)) (*fakeNBU, <-chan struct{}) {
	started := make(chan struct{}, 1)
	nbu := newFakeNBU(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case started <- struct{}{}:
		default:
		}
		stall(w, r)
	})
	return nbu, started
}

func hangUntilClientGoes(_ http.ResponseWriter, r *http.Request) {
	<-r.Context().Done()
}

func retryAfterAMinute(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Retry-After", "60")
	w.WriteHeader(http.StatusServiceUnavailable)
}

func TestProcess_ShutdownDuringGather(t *testing.T) {
	stalls := []struct {
		name  string
		stall func(http.ResponseWriter, *http.Request)
		extra []string
	}{
		{"hanging request", hangUntilClientGoes, []string{`  timeout = "1m"`}},
		{"retry wait of 60s", retryAfterAMinute, []string{`  retry_count = 3`, `  retry_wait_time = "5s"`, `  retry_max_wait_time = "60s"`}},
	}
	stops := []struct {
		name string
		stop func(t *testing.T, cmd *exec.Cmd, stdin io.Closer)
	}{
		{"stdin closed", func(t *testing.T, _ *exec.Cmd, stdin io.Closer) { require.NoError(t, stdin.Close()) }},
		{"SIGTERM", func(t *testing.T, cmd *exec.Cmd, _ io.Closer) {
			if runtime.GOOS == "windows" {
				t.Skip("no SIGTERM on Windows")
			}
			require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
		}},
	}
	for _, st := range stalls {
		for _, sp := range stops {
			t.Run(st.name+"/"+sp.name, func(t *testing.T) {
				nbu, started := stallingNBU(t, st.stall)
				path := stallConfig(t, nbu, st.extra)
				cmd, stdout, stderr := command("-config", path)
				stdin, err := cmd.StdinPipe()
				require.NoError(t, err)
				require.NoError(t, cmd.Start())
				t.Cleanup(func() { _ = cmd.Process.Kill() })

				_, err = io.WriteString(stdin, "\n")
				require.NoError(t, err)
				<-started // the gather is now inside the stalled request

				stopAt := time.Now()
				sp.stop(t, cmd, stdin)
				waitErr := waitWithin(t, cmd, 2*shutdownLimit)
				elapsed := time.Since(stopAt)

				require.NoError(t, waitErr, "stderr: %s", stderr.String())
				require.Less(t, elapsed, shutdownLimit)
				t.Logf("exited %s after the stop", elapsed)
				r := result{stdout: stdout.String(), stderr: stderr.String()}
				requireExecdStderr(t, r)
				// Stopping Telegraf leaves no error in its log.
				require.NotContains(t, r.stderr, "E! ")
				// The interrupted gather's metrics were still flushed.
				require.Regexp(t, `(?m)^netbackup_api,api_version=13\.0,source=127\.0\.0\.1:\d+ `, r.stdout)
			})
		}
	}
}

func stallConfig(t *testing.T, nbu *fakeNBU, extra []string) string {
	t.Helper()
	lines := []string{
		"[[inputs.netbackup]]",
		"  servers = [\"" + nbu.server.URL + "\"]",
		`  api_key = "${NBU_TEST_API_KEY}"`,
		"  tls_ca = \"" + nbu.caFile + "\"",
		`  collect = ["certificates"]`,
	}
	return writeFile(t, strings.Join(append(lines, extra...), "\n")+"\n")
}

// waitWithin waits for the process; past limit it kills it so that a broken
// shutdown fails the test instead of hanging it.
func waitWithin(t *testing.T, cmd *exec.Cmd, limit time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("the process did not exit within %s", limit)
		return nil
	}
}
