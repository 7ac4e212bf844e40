package netbackup

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/plugins/inputs"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"
)

// The top-level sample.conf is the file users pass to -config; it must be the
// one the plugin embeds and documents.
func TestSampleConfig_TopLevelFileIsTheEmbeddedOne(t *testing.T) {
	topLevel, err := os.ReadFile(filepath.Join("..", "..", "..", "sample.conf"))
	require.NoError(t, err)
	require.Equal(t, sampleConfig, string(topLevel))
}

// Telegraf's own loader rejects options the plugin does not know, so loading
// the sample proves every documented option exists with the documented type.
func TestSampleConfig_LoadsWithTelegrafsLoader(t *testing.T) {
	t.Setenv("NETBACKUP_API_KEY", "sample-key")
	inputs.Add("netbackup", func() telegraf.Input { return New() })
	cfg := config.NewConfig()
	require.NoError(t, cfg.LoadConfigData([]byte(sampleConfig), config.EmptySourcePath))
	require.Len(t, cfg.Inputs, 1)
	p, ok := cfg.Inputs[0].Input.(*NetBackup)
	require.True(t, ok)
	require.Equal(t, []string{"https://nbu-primary.example.com:1556"}, p.Servers)
	p.Log = testutil.Logger{}
	require.NoError(t, p.Init())
	require.Equal(t, "https://nbu-primary.example.com:1556/netbackup", p.servers[0].url)
	require.Equal(t, "nbu-primary.example.com", p.servers[0].source)
}

func TestInit_Defaults(t *testing.T) {
	p := New()
	require.Equal(t, 3, p.RetryCount)
	require.Equal(t, config.Duration(defaultRetryWaitTime), p.RetryWaitTime)
	require.Equal(t, config.Duration(defaultRetryMaxWaitTime), p.RetryMaxWaitTime)
	require.Equal(t, config.Duration(defaultTimeout), p.Timeout)
	require.Equal(t, config.Duration(defaultGatherTimeout), p.GatherTimeout)
	require.Equal(t, "auto", p.APIVersion)
	require.Equal(t, 16, p.MaxConcurrentRequests)
}

func TestInit_RejectsBadOptions(t *testing.T) {
	key := func(p *NetBackup) { p.APIKey = config.NewSecret([]byte("k")) }
	tests := []struct {
		name    string
		setup   func(p *NetBackup)
		wantErr string
	}{
		{"no servers", func(p *NetBackup) { key(p); p.Servers = nil }, "no servers configured"},
		{"no credential", func(*NetBackup) {}, "no credential configured"},
		{"key and login", func(p *NetBackup) {
			key(p)
			p.Username = config.NewSecret([]byte("u"))
			p.Password = config.NewSecret([]byte("pw"))
		}, "both api_key and username/password are set"},
		{"user without password", func(p *NetBackup) { p.Username = config.NewSecret([]byte("u")) }, "must be set together"},
		{"plain http", func(p *NetBackup) { key(p); p.Servers = []string{"http://nbu:1556"} }, "HTTPS only"},
		{"no host", func(p *NetBackup) { key(p); p.Servers = []string{"https://"} }, "no host"},
		{"credentials in URL", func(p *NetBackup) { key(p); p.Servers = []string{"https://admin:pw@nbu:1556"} }, "do not put credentials in the URL"},
		{"unknown collector", func(p *NetBackup) { key(p); p.Collect = []string{"jobz"} }, `unknown collector "jobz"`},
		{"bad api_version", func(p *NetBackup) { key(p); p.APIVersion = "latest" }, `invalid api_version "latest"`},
		{"tls 1.1", func(p *NetBackup) { key(p); p.TLSMinVersion = "TLS11" }, "below TLS 1.2"},
		{"insecure without env", func(p *NetBackup) { key(p); p.InsecureSkipVerify = true }, "NBU_INSECURE_MODE=true"},
		{"zero timeout", func(p *NetBackup) { key(p); p.Timeout = 0 }, "timeout must be positive"},
		{"max below min wait", func(p *NetBackup) {
			key(p)
			p.RetryMaxWaitTime = config.Duration(1)
		}, "retry_max_wait_time"},
		{"bad job tag", func(p *NetBackup) { key(p); p.JobTags = []string{"job_id"} }, `unknown job_tags entry "job_id"`},
		{"bad service_hosts", func(p *NetBackup) { key(p); p.ServiceHosts = "media" }, `invalid service_hosts "media"`},
		{"bad proxy", func(p *NetBackup) { key(p); p.HTTPProxyURL = "socks://x" }, "invalid http_proxy_url"},
		{"no request slot", func(p *NetBackup) { key(p); p.MaxConcurrentRequests = 0 }, "max_concurrent_requests must be between 1 and 1024, got 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := New()
			p.Servers = []string{"https://nbu-primary:1556"}
			p.Log = testutil.Logger{}
			tt.setup(p)
			err := p.Init()
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestInit_InsecureNeedsBothSwitches(t *testing.T) {
	t.Setenv(insecureModeEnv, "true")
	p := New()
	p.Servers = []string{"https://nbu-primary:1556"}
	p.APIKey = config.NewSecret([]byte("k"))
	p.InsecureSkipVerify = true
	logger := &testutil.CaptureLogger{}
	p.Log = logger
	require.NoError(t, p.Init())
	require.Len(t, logger.Warnings(), 1)
	require.Contains(t, logger.Warnings()[0], "verification is OFF")
}

func TestInit_AppendsNetbackupPath(t *testing.T) {
	for raw, want := range map[string]string{
		"https://nbu:1556":            "https://nbu:1556/netbackup",
		"https://nbu:1556/":           "https://nbu:1556/netbackup",
		"https://nbu:1556/netbackup":  "https://nbu:1556/netbackup",
		"https://nbu:1556/netbackup/": "https://nbu:1556/netbackup",
		"https://[::1]:1556":          "https://[::1]:1556/netbackup",
	} {
		u, err := normalizeServerURL(raw)
		require.NoError(t, err, raw)
		require.Equal(t, want, u.String(), raw)
	}
}

// The plugin README shows the sample configuration verbatim (Telegraf's
// "```toml @sample.conf" convention); scripts/sync-readme-sample.sh copies it.
func TestSampleConfig_PluginReadmeShowsIt(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	require.Contains(t, string(readme), "```toml @sample.conf\n"+sampleConfig+"```\n")
}
