package netbackup

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/influxdata/telegraf/config"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// insecureModeEnv must be "true" for insecure_skip_verify to be honoured: a
// second, deliberate switch so that a copied config cannot turn off TLS
// verification by accident.
const insecureModeEnv = "NBU_INSECURE_MODE"

// maxConcurrentRequestsLimit bounds max_concurrent_requests: each slot may
// hold a page of an answer in memory.
const maxConcurrentRequestsLimit = 1024

var apiVersionPattern = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)

// Init validates every option without touching the network and prepares one
// client per server. Its errors name the option and say how to fix it.
func (p *NetBackup) Init() error {
	if err := p.validate(); err != nil {
		return err
	}
	tlsConfig, err := p.tlsConfig()
	if err != nil {
		return err
	}
	proxy, err := p.proxy()
	if err != nil {
		return err
	}
	collectors := p.Collect
	if len(collectors) == 0 {
		collectors = knownCollectors()
	}
	bases := make([]*url.URL, 0, len(p.Servers))
	for _, raw := range p.Servers {
		base, err := normalizeServerURL(raw)
		if err != nil {
			return err
		}
		bases = append(bases, base)
	}
	if err := checkDistinctServers(p.Servers, bases); err != nil {
		return err
	}
	p.servers = p.servers[:0]
	p.secrets = p.secrets[:0]
	p.budget = nbuapi.NewBudget(p.MaxConcurrentRequests)
	p.readAhead = make(chan struct{}, p.MaxConcurrentRequests)
	apiKey, username, password := p.credentialSources()
	for i, base := range bases {
		cfg := nbuapi.Config{
			BaseURL:          base,
			APIKey:           apiKey,
			Username:         username,
			Password:         password,
			DomainType:       p.DomainType,
			DomainName:       p.DomainName,
			APIVersion:       p.APIVersion,
			Timeout:          time.Duration(p.Timeout),
			RetryCount:       p.RetryCount,
			RetryWaitTime:    time.Duration(p.RetryWaitTime),
			RetryMaxWaitTime: time.Duration(p.RetryMaxWaitTime),
			MaxResponseBytes: int64(p.MaxResponseBytes),
			TLS:              tlsConfig.Clone(),
			Proxy:            proxy,
			UserAgent:        "telegraf-netbackup/" + Version,
			Log:              p.Log,
			Budget:           p.budget,
		}
		srv, err := newServer(p, cfg, legacyStateKey(p.Servers[i]))
		if err != nil {
			return err
		}
		if err := buildCollectors(p, srv, collectors); err != nil {
			return err
		}
		p.servers = append(p.servers, srv)
	}
	return p.openState()
}

// credentialSources are the credentials as the clients read them: the API
// key, or the user name and password; each read at most once per gather.
func (p *NetBackup) credentialSources() (apiKey, username, password nbuapi.Secret) {
	add := func(s *config.Secret, option string) nbuapi.Secret {
		gs := newGatherSecret(s, option)
		p.secrets = append(p.secrets, gs)
		return gs.source()
	}
	if !p.APIKey.Empty() {
		return add(&p.APIKey, "api_key"), nil, nil
	}
	return nil, add(&p.Username, "username"), add(&p.Password, "password")
}

func (p *NetBackup) validate() error {
	if len(p.Servers) == 0 {
		return errors.New(`no servers configured: set servers = ["https://nbu-primary:1556"]`)
	}
	hasKey := !p.APIKey.Empty()
	hasLogin := !p.Username.Empty() || !p.Password.Empty()
	switch {
	case hasKey && hasLogin:
		return errors.New("both api_key and username/password are set: use one way to authenticate (an API key is recommended)")
	case !hasKey && !hasLogin:
		return errors.New("no credential configured: set api_key (recommended), or username and password")
	case hasLogin && (p.Username.Empty() || p.Password.Empty()):
		return errors.New("username and password must be set together")
	}
	if p.APIVersion != "auto" && !apiVersionPattern.MatchString(p.APIVersion) {
		return fmt.Errorf(`invalid api_version %q: use "auto" or a version such as "13.0"`, p.APIVersion)
	}
	for _, d := range []struct {
		name  string
		value time.Duration
	}{
		{"timeout", time.Duration(p.Timeout)},
		{"gather_timeout", time.Duration(p.GatherTimeout)},
		{"retry_wait_time", time.Duration(p.RetryWaitTime)},
		{"retry_max_wait_time", time.Duration(p.RetryMaxWaitTime)},
	} {
		if d.value <= 0 {
			return fmt.Errorf("%s must be positive, got %s", d.name, d.value)
		}
	}
	if p.RetryCount < 0 || p.RetryCount > 10 {
		return fmt.Errorf("retry_count must be between 0 and 10, got %d", p.RetryCount)
	}
	if p.RetryMaxWaitTime < p.RetryWaitTime {
		return fmt.Errorf("retry_max_wait_time (%s) must not be below retry_wait_time (%s)",
			time.Duration(p.RetryMaxWaitTime), time.Duration(p.RetryWaitTime))
	}
	if p.MaxResponseBytes < 1<<16 {
		return fmt.Errorf("max_response_bytes must be at least 64KiB, got %d", int64(p.MaxResponseBytes))
	}
	if p.MaxJobsPerGather < 100 {
		return fmt.Errorf("max_jobs_per_gather must be at least 100, got %d", p.MaxJobsPerGather)
	}
	if p.MaxConcurrency < 1 || p.MaxConcurrency > 16 {
		return fmt.Errorf("max_concurrency must be between 1 and 16, got %d", p.MaxConcurrency)
	}
	if p.MaxConcurrentRequests < 1 || p.MaxConcurrentRequests > maxConcurrentRequestsLimit {
		return fmt.Errorf("max_concurrent_requests must be between 1 and %d, got %d", maxConcurrentRequestsLimit, p.MaxConcurrentRequests)
	}
	for _, d := range []struct {
		name  string
		value time.Duration
	}{
		{"job_lookback", time.Duration(p.JobLookback)},
		{"backup_status_lookback", time.Duration(p.BackupStatusLookback)},
		{"alert_lookback", time.Duration(p.AlertLookback)},
	} {
		if d.value <= 0 {
			return fmt.Errorf("%s must be positive, got %s", d.name, d.value)
		}
	}
	if p.JobOverlap < 0 {
		return fmt.Errorf("job_overlap must not be negative, got %s", time.Duration(p.JobOverlap))
	}
	for _, tag := range p.JobTags {
		if !isJobTag(tag) {
			return fmt.Errorf("unknown job_tags entry %q: choose from %s", tag, strings.Join(defaultJobTags, ", "))
		}
	}
	switch p.ServiceHosts {
	case "primary", "all":
	default:
		return fmt.Errorf(`invalid service_hosts %q: use "primary" or "all"`, p.ServiceHosts)
	}
	seen := make(map[string]bool, len(p.Collect))
	for _, name := range p.Collect {
		if !isKnownCollector(name) {
			return fmt.Errorf("unknown collector %q in collect: choose from %s", name, strings.Join(knownCollectors(), ", "))
		}
		if seen[name] {
			return fmt.Errorf("collector %q is listed twice in collect", name)
		}
		seen[name] = true
	}
	return nil
}

func isJobTag(tag string) bool {
	return slices.Contains(defaultJobTags, tag)
}

// tlsConfig builds the client TLS configuration: TLS 1.2 at least, always,
// and verification off only with insecure_skip_verify and NBU_INSECURE_MODE.
func (p *NetBackup) tlsConfig() (*tls.Config, error) {
	switch strings.ToUpper(p.TLSMinVersion) {
	case "", "TLS12", "TLS13":
	default:
		return nil, fmt.Errorf("tls_min_version %q is below TLS 1.2: NetBackup needs TLS12 or TLS13", p.TLSMinVersion)
	}
	if p.InsecureSkipVerify && os.Getenv(insecureModeEnv) != "true" {
		return nil, fmt.Errorf("insecure_skip_verify = true is refused unless the environment also sets %s=true: "+
			"prefer tls_ca with the NetBackup CA (GET /netbackup/security/cacert)", insecureModeEnv)
	}
	if err := checkTLSCA(p.TLSCA); err != nil {
		return nil, err
	}
	cfg, err := p.ClientConfig.TLSConfig()
	if err != nil {
		return nil, fmt.Errorf("invalid TLS options: %w", err)
	}
	if cfg == nil {
		cfg = &tls.Config{}
	}
	if cfg.MinVersion < tls.VersionTLS12 {
		cfg.MinVersion = tls.VersionTLS12
	}
	if p.InsecureSkipVerify && p.Log != nil {
		p.Log.Warnf("TLS certificate verification is OFF (insecure_skip_verify with %s=true): "+
			"anyone on the path can read the API key", insecureModeEnv)
	}
	return cfg, nil
}

func (p *NetBackup) proxy() (func(*http.Request) (*url.URL, error), error) {
	if p.HTTPProxyURL == "" {
		return http.ProxyFromEnvironment, nil
	}
	u, err := url.Parse(p.HTTPProxyURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("invalid http_proxy_url %q: use http://host:port", redactUserInfo(p.HTTPProxyURL))
	}
	return http.ProxyURL(u), nil
}
