package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/influxdata/telegraf"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/cmd/telegraf-netbackup/internal/execdio"
)

// TestServe_DestroysTheCredentialsAtTheEnd: once the gathers are over, the
// key no longer sits in memory.
func TestServe_DestroysTheCredentialsAtTheEnd(t *testing.T) {
	t.Setenv("NBU_TEST_API_KEY", testAPIKey)
	nbu := newFakeNBU(t, nil)
	tests := []struct {
		name string
		opts options
	}{
		{"-once", options{once: true}},
		{"stdin closed", options{}}, // the newline and the EOF may arrive together: a gather is optional
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logw := execdio.NewLogWriter(nopWriter{}, telegraf.Info)
			log := execdio.NewLogger(logw)
			plugin, err := loadFile(pluginConfig(t, nbu.server.URL, nbu.caFile), log)
			require.NoError(t, err)
			require.False(t, plugin.APIKey.Empty())
			var stdout bytes.Buffer

			serve(context.Background(), plugin, tt.opts, strings.NewReader("\n"), &stdout, logw, log)

			if tt.opts.once {
				require.Contains(t, stdout.String(), "netbackup_api,")
			}
			require.True(t, plugin.APIKey.Empty(), "the API key was not destroyed")
			key, err := secretString(&plugin.APIKey)
			require.NoError(t, err)
			require.Empty(t, key)
		})
	}
}
