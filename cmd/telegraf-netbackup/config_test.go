package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/cmd/telegraf-netbackup/internal/execdio"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup"
)

// testAPIKey is a made-up credential: tests check it never shows up.
const testAPIKey = "A1b2C3-test-api-key-never-printed"

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "netbackup.toml")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// loadFile reads the config file at path and loads the plugin from it, as
// the binary does.
func loadFile(path string, log telegraf.Logger) (*netbackup.NetBackup, error) {
	file, err := readConfigFile(path)
	if err != nil {
		return nil, err
	}
	return loadPlugin(file, log)
}

func discardLogger() telegraf.Logger {
	return execdio.NewLogger(execdio.NewLogWriter(nopWriter{}, telegraf.Info))
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

const validTable = `
[[inputs.netbackup]]
  servers = ["https://127.0.0.1:1556"]
  api_key = "${NBU_TEST_API_KEY}"
  retry_wait_time = "10ms"
`

func TestLoadPlugin_ExpandsEnvironmentAndSetsLogger(t *testing.T) {
	t.Setenv("NBU_TEST_API_KEY", testAPIKey)
	log := discardLogger()

	plugin, err := loadFile(writeFile(t, validTable), log)

	require.NoError(t, err)
	require.Same(t, log, plugin.Log)
	key, err := plugin.APIKey.Get()
	require.NoError(t, err)
	defer key.Destroy()
	require.Equal(t, testAPIKey, key.String())
	require.Equal(t, 10*time.Millisecond, time.Duration(plugin.RetryWaitTime))
}

func TestLoadPlugin_Errors(t *testing.T) {
	t.Setenv("NBU_TEST_API_KEY", testAPIKey)
	tests := []struct {
		name    string
		content string
		wantErr string
	}{
		{
			name:    "unknown key is named",
			content: validTable + "  retry_wait_tme = \"5s\"\n",
			wantErr: `line 6: unknown option "retry_wait_tme" in [[inputs.netbackup]]`,
		},
		{
			name:    "two tables",
			content: validTable + validTable,
			wantErr: "found 2 [[inputs.netbackup]] tables",
		},
		{
			name:    "no table",
			content: "# nothing here\n",
			wantErr: "no [[inputs.netbackup]] table found",
		},
		{
			name:    "another plugin",
			content: validTable + "[[inputs.cpu]]\n",
			wantErr: "undefined but requested input: cpu",
		},
		{
			name:    "unset environment variable",
			content: validTable + "  username = \"${NBU_TEST_UNSET_VARIABLE}\"\n",
			wantErr: "line 6: username refers to the environment variable NBU_TEST_UNSET_VARIABLE, which is not set",
		},
		{
			name:    "telegraf agent option",
			content: validTable + "  interval = \"5m\"\n  name_override = \"x\"\n",
			wantErr: "interval, name_override: Telegraf applies these",
		},
		{
			name:    "metric filter",
			content: validTable + "  fieldinclude = [\"up\"]\n",
			wantErr: "metric filters",
		},
		{
			name:    "secret store reference",
			content: "[[inputs.netbackup]]\n  servers = [\"https://127.0.0.1:1556\"]\n  api_key = \"@{vault:nbu}\"\n",
			wantErr: `option api_key refers to secret store "@{vault:nbu}", but secret stores are not supported here`,
		},
		{
			name:    "Init error is passed on",
			content: "[[inputs.netbackup]]\n  api_key = \"${NBU_TEST_API_KEY}\"\n",
			wantErr: "[[inputs.netbackup]]: no servers configured",
		},
		{
			name:    "invalid TOML",
			content: "[[inputs.netbackup]\n",
			wantErr: "line 1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadFile(writeFile(t, tt.content), discardLogger())
			require.ErrorContains(t, err, tt.wantErr)
			require.NotContains(t, err.Error(), testAPIKey)
		})
	}
}

func TestLoadPlugin_MissingFileIsNamed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.conf")

	_, err := loadFile(path, discardLogger())

	require.ErrorIs(t, err, os.ErrNotExist)
	require.ErrorContains(t, err, path)
}

// TestLoadPlugin_UnknownOptionNamesItsLine: Telegraf's loader names the
// line of the [[inputs.netbackup]] table; in the sample config, options sit
// dozens of lines below it.
func TestLoadPlugin_UnknownOptionNamesItsLine(t *testing.T) {
	t.Setenv("NETBACKUP_API_KEY", testAPIKey)
	lines := strings.Split(netbackup.New().SampleConfig(), "\n")
	require.Greater(t, len(lines), 60)
	// Uncomment the job_overlap line and misspell it.
	at := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "  # job_overlap = ") })
	require.Positive(t, at)
	lines[at] = `  job_overlapp = "5m"`
	lines = append(lines, `  state_fil = "x"`)

	_, err := loadFile(writeFile(t, strings.Join(lines, "\n")+"\n"), discardLogger())

	require.EqualError(t, err, fmt.Sprintf(`line %d: unknown option "job_overlapp"; line %d: unknown option "state_fil" in [[inputs.netbackup]]: `+
		"a misspelt option, or one this version does not have (telegraf-netbackup -sample-config lists every option)", at+1, len(lines)))
}
