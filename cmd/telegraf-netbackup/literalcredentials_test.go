package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/influxdata/telegraf"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/cmd/telegraf-netbackup/internal/execdio"
)

func TestWarnLiteralCredentialsInSharedFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes do not say who may read a file on Windows")
	}
	const literalKey = "[[inputs.netbackup]]\n  servers = [\"https://h:1556\"]\n  api_key = \"" + testAPIKey + "\"\n"
	const literalLogin = "[[inputs.netbackup]]\n  servers = [\"https://h:1556\"]\n  username = \"monitor\"\n  password = \"${NBU_TEST_PASSWORD}\"\n"
	const fromEnvironment = "[[inputs.netbackup]]\n  servers = [\"https://h:1556\"]\n  api_key = \"${NBU_TEST_API_KEY}\"\n"
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{"literal key, group may read", literalKey, 0o640,
			"W! config file %s holds api_key as literal text and is readable by its group (mode 0640): " +
				"write api_key = \"${NETBACKUP_API_KEY}\" and pass the value through the environment, " +
				"or let only the user that runs Telegraf read the file (chown telegraf FILE; chmod 0600 FILE)\n"},
		{"literal key, everyone may read", literalKey, 0o644, "W! config file %s holds api_key as literal text and is readable by everyone (mode 0644)"},
		{"literal user name counts too", literalLogin, 0o640, "W! config file %s holds username as literal text"},
		{"literal key, owner only", literalKey, 0o600, ""},
		{"key from the environment", fromEnvironment, 0o644, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.content)
			require.NoError(t, os.Chmod(path, tt.mode))
			file, err := readConfigFile(path)
			require.NoError(t, err)
			var stderr lockedBuffer

			warnLiteralCredentialsInSharedFile(file, execdio.NewLogger(execdio.NewLogWriter(&stderr, telegraf.Info)))

			if tt.want == "" {
				require.Empty(t, stderr.String())
				return
			}
			require.Contains(t, stderr.String(), fmt.Sprintf(tt.want, path))
			require.NotContains(t, stderr.String(), testAPIKey)
		})
	}
}

// TestProcess_WarnsOnceAboutALiteralKeyInASharedFile: the binary checks its
// config file at start, and says it once.
func TestProcess_WarnsOnceAboutALiteralKeyInASharedFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes do not say who may read a file on Windows")
	}
	nbu := newFakeNBU(t, nil)
	path := pluginConfig(t, nbu.server.URL, nbu.caFile)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	literal := strings.Replace(string(data), `"${NBU_TEST_API_KEY}"`, `"`+testAPIKey+`"`, 1)
	require.NoError(t, os.WriteFile(path, []byte(literal), 0o640))
	require.NoError(t, os.Chmod(path, 0o640))

	r := runBinary(t, "-config", path, "-once")

	require.Equal(t, 0, r.code, "stderr: %s", r.stderr)
	require.Equal(t, 1, strings.Count(r.stderr, "W! config file "+path+" holds api_key as literal text and is readable by its group (mode 0640)"), r.stderr)
	requireExecdStderr(t, r)
}
