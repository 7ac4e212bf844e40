package netbackup

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// Secret hygiene: the API key, the password and the JWTs the plugin was
// issued appear in no error, no log line (debug included), no metric and
// not in the state file. The fault matrix calls relRequireNoSecrets after
// every row (its plugins log at debug level into a CaptureLogger); the
// tests here check the search itself and the real binary with -debug.

// relSecretsOf lists what must never leak from a row's run: the configured
// credentials and every Authorization value the servers received (the API
// key, the JWTs).
func relSecretsOf(run *relRun) []string {
	secrets := []string{testAPIKey, testPassword}
	secrets = append(secrets, run.extra...)
	secrets = append(secrets, run.env.auth.seen()...)
	return secrets
}

// relLeaks returns where secrets appear in the run's errors, logs, metrics
// and state file.
func relLeaks(run *relRun, secrets []string) []string {
	var texts []struct{ where, text string }
	add := func(where, text string) { texts = append(texts, struct{ where, text string }{where, text}) }
	for i, acc := range run.accs {
		for _, err := range errorsOf(acc) {
			add(fmt.Sprintf("gather %d error", i), err.Error())
		}
		for _, m := range acc.GetTelegrafMetrics() {
			add(fmt.Sprintf("gather %d metric", i), fmt.Sprintf("%s %v %v", m.Name(), m.Tags(), m.Fields()))
		}
	}
	for _, e := range run.env.log.Messages() {
		add("log", e.String())
	}
	if data, err := os.ReadFile(run.env.state); err == nil {
		add("state file", string(data))
	}
	var leaks []string
	checked := make(map[string]bool)
	for _, s := range secrets {
		if len(s) < 8 || checked[s] {
			continue // too short to tell apart from ordinary text, or done
		}
		checked[s] = true
		for _, t := range texts {
			if strings.Contains(t.text, s) {
				leaks = append(leaks, fmt.Sprintf("%s holds a secret (%d bytes): %.200s", t.where, len(s), t.text))
			}
		}
	}
	return leaks
}

func relRequireNoSecrets(t testing.TB, run *relRun) {
	t.Helper()
	require.Empty(t, relLeaks(run, relSecretsOf(run)))
}

// The search finds a secret wherever it is: a check of the check.
func TestReliabilitySecretSearchFindsLeaks(t *testing.T) {
	env := startSim(t, nbusim.Config{StorageUnits: 2})
	run := &relRun{env: env}
	p := newTestPlugin(t, on(env), relPacing, collect("storage"), stateFile(env.state))
	run.gather(t, p)
	require.Empty(t, relLeaks(run, relSecretsOf(run)))
	require.Contains(t, env.auth.seen(), testAPIKey, "the recorder sees the credential")

	env.log.Debugf("Authorization: %s", testAPIKey)
	require.Len(t, relLeaks(run, relSecretsOf(run)), 1)

	acc := &testutil.Accumulator{}
	acc.AddError(errors.New("password " + testPassword))
	acc.AddFields("m", map[string]interface{}{"f": testPassword}, map[string]string{"t": testPassword})
	run.accs = append(run.accs, acc)
	require.Len(t, relLeaks(run, relSecretsOf(run)), 3)

	require.NoError(t, os.WriteFile(env.state, []byte(`{"k":"`+testAPIKey+`"}`), 0o600))
	require.Len(t, relLeaks(run, relSecretsOf(run)), 4)
}

// The binary with -debug against failing servers, once with an API key and
// once with a user name and password: stdout and stderr hold none of the
// secrets, nor the JWTs issued.
func TestReliabilityBinaryDebugOutputHasNoSecrets(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	binary := filepath.Join(t.TempDir(), "telegraf-netbackup")
	build := exec.Command("go", "build", "-o", binary, "../../../cmd/telegraf-netbackup")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	for _, login := range []bool{false, true} {
		t.Run(fmt.Sprintf("login=%v", login), func(t *testing.T) {
			cfg := nbusim.Config{StorageUnits: 3}
			credential := `  api_key = "` + testAPIKey + `"`
			if login {
				relLoginSim(&cfg)
				credential = `  username = "` + testUser + `"` + "\n" + `  password = "` + testPassword + `"`
			}
			env := startSim(t, cfg)
			env.sim.AddFault(nbusim.Fault{PathPrefix: storageUnitsPath, Kind: nbusim.FaultStatus, Status: 503, RetryAfter: "1"})
			env.sim.AddFault(nbusim.Fault{PathPrefix: "/storage/disk-pools", Kind: nbusim.FaultStatus, Status: 403})
			env.sim.AddFault(nbusim.Fault{PathPrefix: "/storage/storage-servers", Kind: nbusim.FaultTruncate})
			if login {
				// The token expires between the binary's login and its
				// requests: 401, a new login, then the faults.
				env.sim.AddFault(nbusim.Fault{PathPrefix: "/admin", Kind: nbusim.FaultStatus, Status: 401, Count: 1})
			}
			conf := filepath.Join(t.TempDir(), "netbackup.conf")
			require.NoError(t, os.WriteFile(conf, []byte(strings.Join([]string{
				"[[inputs.netbackup]]",
				`  servers = ["` + env.server.URL + `"]`,
				credential,
				`  tls_ca = "` + env.caFile + `"`,
				`  collect = ["storage", "jobs"]`,
				`  retry_wait_time = "1ms"`,
				`  retry_max_wait_time = "10ms"`,
				`  timeout = "2s"`,
				`  gather_timeout = "10s"`,
				`  state_file = "` + env.state + `"`,
				"",
			}, "\n")), 0o600))

			cmd := exec.Command(binary, "-config", conf, "-once", "-debug")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			done := make(chan error, 1)
			require.NoError(t, cmd.Start())
			go func() { done <- cmd.Wait() }()
			select {
			case err = <-done:
			case <-time.After(time.Minute):
				_ = cmd.Process.Kill()
				t.Fatalf("the binary did not end; stderr:\n%s", stderr.String())
			}
			var exitErr *exec.ExitError
			require.ErrorAs(t, err, &exitErr, "the gather had errors: exit code 1")
			require.Equal(t, 1, exitErr.ExitCode())

			require.Contains(t, stderr.String(), "D! ", "debug lines are on")
			require.Contains(t, stderr.String(), "503 Service Unavailable")
			require.Contains(t, stdout.String(), "netbackup_api,")
			seen := env.auth.seen()
			if login {
				require.GreaterOrEqual(t, len(seen), 2, "two JWTs: the first and the one after the 401")
			}
			secrets := append([]string{testAPIKey, testPassword}, seen...)
			state, _ := os.ReadFile(env.state)
			for _, s := range secrets {
				require.NotContains(t, stdout.String(), s)
				require.NotContains(t, stderr.String(), s)
				require.NotContains(t, string(state), s)
			}
		})
	}
}
