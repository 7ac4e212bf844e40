package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// runWithEnv runs the binary with the test's environment plus env
// (KEY=value entries), without NETBACKUP_* variables of the caller.
func runWithEnv(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binaryPath, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NETBACKUP_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	return runCommand(t, cmd)
}

// runCommand runs cmd to its end and returns its exit status and output.
func runCommand(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
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

// TestProcess_CredentialThatDidNotArrive: Telegraf's execd passes
// environment = ["NETBACKUP_API_KEY=${NETBACKUP_API_KEY}"] as the literal
// text when Telegraf's own environment lacks the variable; an empty value
// is as useless. Either is refused before any request.
func TestProcess_CredentialThatDidNotArrive(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		lines   []string
		wantErr string
	}{
		{
			name:    "api_key from execd without the variable",
			env:     []string{"NETBACKUP_API_KEY=${NETBACKUP_API_KEY}"},
			lines:   []string{`  api_key = "${NETBACKUP_API_KEY}"`},
			wantErr: "line 8: api_key is the text ${NETBACKUP_API_KEY}, not a credential: the environment variable NETBACKUP_API_KEY did not reach the plugin",
		},
		{
			name:    "password from execd without the variable",
			env:     []string{"NETBACKUP_USERNAME=monitor", "NETBACKUP_PASSWORD=${NETBACKUP_PASSWORD}"},
			lines:   []string{`  username = "${NETBACKUP_USERNAME}"`, `  password = "${NETBACKUP_PASSWORD}"`},
			wantErr: "line 9: password is the text ${NETBACKUP_PASSWORD}, not a credential",
		},
		{
			name:    "api_key variable set but empty",
			env:     []string{"NETBACKUP_API_KEY="},
			lines:   []string{`  api_key = "${NETBACKUP_API_KEY}"`},
			wantErr: "line 8: api_key is empty: the environment variable NETBACKUP_API_KEY is set but empty",
		},
		{
			name:    "api_key unset",
			lines:   []string{`  api_key = "${NETBACKUP_API_KEY}"`},
			wantErr: "line 8: api_key refers to the environment variable NETBACKUP_API_KEY, which is not set for this process",
		},
		{
			name:    "literal empty api_key",
			lines:   []string{`  api_key = ""`},
			wantErr: "line 8: api_key is empty: give it a value, or remove the line",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSim(t, nbusim.Config{APIKey: testAPIKey}, "")
			path := writeFile(t, simConfig(t, []*simServer{srv}, append([]string{`  collect = ["jobs"]`}, tt.lines...)...))

			r := runWithEnv(t, tt.env, "-config", path, "-once")

			require.Equal(t, 1, r.code, "stderr: %s", r.stderr)
			require.Empty(t, r.stdout)
			require.Contains(t, r.stderr, "E! config file "+path+": "+tt.wantErr)
			if len(tt.env) > 0 || strings.Contains(tt.name, "unset") {
				require.Contains(t, r.stderr, "[[inputs.execd]] option environment = [")
				require.Contains(t, r.stderr, "Telegraf's own service environment")
			}
			require.Zero(t, srv.requests.Load(), "a request was sent")
			requireExecdStderr(t, r)
		})
	}
}

// TestProcess_CredentialsWithSpecialCharactersAuthenticate: values are
// inserted as values. A key with a quote, a backslash and dollar signs, and
// a password that also holds a line break (HTTP headers cannot carry one, the
// login body can), reach the server unchanged.
func TestProcess_CredentialsWithSpecialCharactersAuthenticate(t *testing.T) {
	const key = `k"ey\with$dollar$HOME${HOME}$$`
	const password = "pa\"ss\\word\n$HOME ${HOME}"
	tests := []struct {
		name  string
		cfg   nbusim.Config
		env   []string
		lines []string
	}{
		{"api_key", nbusim.Config{APIKey: key}, []string{"NETBACKUP_API_KEY=" + key},
			[]string{`  api_key = "${NETBACKUP_API_KEY}"`}},
		{"username and password", nbusim.Config{Username: "monitor", Password: password},
			[]string{"NETBACKUP_USERNAME=monitor", "NETBACKUP_PASSWORD=" + password},
			[]string{`  username = "${NETBACKUP_USERNAME}"`, `  password = "${NETBACKUP_PASSWORD}"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startSim(t, tt.cfg, "")
			path := writeFile(t, simConfig(t, []*simServer{srv}, append([]string{`  collect = ["jobs"]`}, tt.lines...)...))

			r := runWithEnv(t, tt.env, "-config", path, "-once")

			require.Equal(t, 0, r.code, "stderr: %s", r.stderr)
			require.Regexp(t, `(?m)^netbackup_api,.*\bup=1i\b`, r.stdout)
			require.Regexp(t, `(?m)^netbackup_jobs,`, r.stdout)
			require.NotContains(t, r.stderr, "E! ")
		})
	}
}

// TestLoadPlugin_ValueCannotInjectAnOption: a quote and a line break in a
// variable stay inside the value; before strict expansion they ended the
// string and added state_file.
func TestLoadPlugin_ValueCannotInjectAnOption(t *testing.T) {
	evil := filepath.Join(t.TempDir(), "injected-state.json")
	value := "x\"\n  state_file = \"" + evil
	t.Setenv("NBU_TEST_API_KEY", value)

	plugin, err := loadFile(writeFile(t, validTable), discardLogger())

	require.NoError(t, err)
	require.Empty(t, plugin.StateFile)
	got, err := secretString(&plugin.APIKey)
	require.NoError(t, err)
	require.Equal(t, value, got)
}

// TestLoadPlugin_DollarSigns: only ${NAME} is expanded; $$ is one literal $;
// every other $ stays as written.
func TestLoadPlugin_DollarSigns(t *testing.T) {
	t.Setenv("HOME", "/home/someone")
	t.Setenv("NBU_TEST_USER", "monitor")
	tests := []struct{ written, want string }{
		{`pa$HOME`, `pa$HOME`},
		{`pa$$HOME`, `pa$HOME`},
		{`pa$${HOME}`, `pa${HOME}`},
		{`pa${HOME}`, `pa/home/someone`},
		{`p@ss$1`, `p@ss$1`},
		{`pa${HOME:-x}`, `pa${HOME:-x}`},
		{`ends in $`, `ends in $`},
	}
	for _, tt := range tests {
		t.Run(tt.written, func(t *testing.T) {
			content := "[[inputs.netbackup]]\n  servers = [\"https://127.0.0.1:1556\"]\n" +
				"  username = \"${NBU_TEST_USER}\"\n  password = '" + tt.written + "'\n"

			plugin, err := loadFile(writeFile(t, content), discardLogger())

			require.NoError(t, err)
			got, err := secretString(&plugin.Password)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}
