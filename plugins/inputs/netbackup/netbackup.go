// Package netbackup is a Telegraf input plugin that reads Veritas NetBackup
// primary servers over the NetBackup REST API.
package netbackup

import (
	_ "embed"
	"sync"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/config"
	common_tls "github.com/influxdata/telegraf/plugins/common/tls"
	"github.com/influxdata/telegraf/plugins/inputs"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

//go:embed sample.conf
var sampleConfig string

// Version is the plugin's version, set by the binary from its build flags.
var Version = "dev"

// NetBackup is the plugin: its exported fields are the TOML options.
type NetBackup struct {
	Servers    []string      `toml:"servers"`
	APIKey     config.Secret `toml:"api_key"`
	Username   config.Secret `toml:"username"`
	Password   config.Secret `toml:"password"`
	DomainType string        `toml:"domain_type"`
	DomainName string        `toml:"domain_name"`
	APIVersion string        `toml:"api_version"`

	Timeout          config.Duration `toml:"timeout"`
	GatherTimeout    config.Duration `toml:"gather_timeout"`
	RetryCount       int             `toml:"retry_count"`
	RetryWaitTime    config.Duration `toml:"retry_wait_time"`
	RetryMaxWaitTime config.Duration `toml:"retry_max_wait_time"`
	MaxResponseBytes config.Size     `toml:"max_response_bytes"`
	// MaxConcurrentRequests bounds the requests in flight of the whole
	// plugin instance: every server, collector and job chain shares it.
	MaxConcurrentRequests int    `toml:"max_concurrent_requests"`
	HTTPProxyURL          string `toml:"http_proxy_url"`

	Collect   []string `toml:"collect"`
	StateFile string   `toml:"state_file"`

	// jobs and backup_status
	JobLookback          config.Duration `toml:"job_lookback"`
	JobOverlap           config.Duration `toml:"job_overlap"`
	MaxJobsPerGather     int             `toml:"max_jobs_per_gather"`
	JobTags              []string        `toml:"job_tags"`
	MaxConcurrency       int             `toml:"max_concurrency"`
	BackupStatusLookback config.Duration `toml:"backup_status_lookback"`

	// alerts
	AlertLookback config.Duration `toml:"alert_lookback"`
	AlertEvents   bool            `toml:"alert_events"`

	// anomalies, malware: one point per new anomaly / newly infected backup
	AnomalyEvents bool `toml:"anomaly_events"`
	MalwareEvents bool `toml:"malware_events"`

	// services: "primary" or "all" (the primary and every media server)
	ServiceHosts string `toml:"service_hosts"`

	// licensing
	LicenseClientDetail bool `toml:"license_client_detail"`

	common_tls.ClientConfig

	Log telegraf.Logger `toml:"-"`

	servers []*server
	budget  *nbuapi.Budget // max_concurrent_requests, shared by every server
	// readAhead has a token per job page read ahead of a walk, as many as
	// max_concurrent_requests, shared by every walk (see ranges).
	readAhead chan struct{}
	secrets   []*gatherSecret // read once per gather, forgotten after it
	state     *stateStore
	// gatherMu serialises gathers: Telegraf never overlaps them, but the
	// binary's own loop and a test may.
	gatherMu sync.Mutex
}

// Defaults, used by the constructor registered with Telegraf and by tests.
const (
	defaultTimeout          = time.Minute
	defaultGatherTimeout    = 2 * time.Minute
	defaultRetryCount       = 3
	defaultRetryWaitTime    = 5 * time.Second
	defaultRetryMaxWaitTime = 60 * time.Second
	defaultMaxResponseBytes = 64 << 20
	defaultJobLookback      = time.Hour
	defaultJobOverlap       = 5 * time.Minute
	defaultMaxJobsPerGather = 50000
	defaultMaxConcurrency   = 4
	defaultMaxRequests      = nbuapi.DefaultBudget
	defaultBackupLookback   = 72 * time.Hour
	defaultAlertLookback    = 24 * time.Hour
)

// defaultJobTags are the job attributes that become tags of netbackup_job.
var defaultJobTags = []string{
	"job_type", "job_subtype", "policy_type", "policy_name", "schedule_type",
	"schedule_name", "client", "status_class", "media_server", "storage_unit",
}

// New returns a plugin with every default set, so that "unset" differs from
// "zero" after the TOML is decoded on top of it.
func New() *NetBackup {
	return &NetBackup{
		APIVersion:            "auto",
		DomainType:            "vx",
		Timeout:               config.Duration(defaultTimeout),
		GatherTimeout:         config.Duration(defaultGatherTimeout),
		RetryCount:            defaultRetryCount,
		RetryWaitTime:         config.Duration(defaultRetryWaitTime),
		RetryMaxWaitTime:      config.Duration(defaultRetryMaxWaitTime),
		MaxResponseBytes:      config.Size(defaultMaxResponseBytes),
		MaxConcurrentRequests: defaultMaxRequests,
		JobLookback:           config.Duration(defaultJobLookback),
		JobOverlap:            config.Duration(defaultJobOverlap),
		MaxJobsPerGather:      defaultMaxJobsPerGather,
		JobTags:               append([]string(nil), defaultJobTags...),
		MaxConcurrency:        defaultMaxConcurrency,
		BackupStatusLookback:  config.Duration(defaultBackupLookback),
		AlertLookback:         config.Duration(defaultAlertLookback),
		ServiceHosts:          "primary",
	}
}

// SampleConfig returns the documented sample configuration.
func (*NetBackup) SampleConfig() string {
	return sampleConfig
}

func init() {
	inputs.Add("netbackup", func() telegraf.Input { return New() })
}
