//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// promServer is a prometheus started by the test: a loopback port, data in
// a temporary directory, one scrape target, the project's alert rules.
type promServer struct {
	URL string // http://127.0.0.1:PORT
	log string
}

const promConfigTemplate = `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - %q
scrape_configs:
  - job_name: telegraf-netbackup
    static_configs:
      - targets: [%q]
`

// forDuration matches the "for:" of an alert rule.
var forDuration = regexp.MustCompile(`(?m)^(\s+for:\s+)\S+\s*$`)

// startPrometheus starts prometheus scraping target (host:port) every
// second, with the rules of rulesFile whose "for:" durations are set to 0s:
// the test checks which conditions hold, not how long Prometheus waits.
// It fails the test (never skips) when prometheus is missing.
func startPrometheus(t *testing.T, rulesFile, target string) *promServer {
	t.Helper()
	bin, err := exec.LookPath("prometheus")
	require.NoError(t, err, "prometheus is not installed: run scripts/install-prometheus.sh (make e2e does)")

	dir := t.TempDir()
	rules, err := os.ReadFile(rulesFile)
	require.NoError(t, err)
	shortened := forDuration.ReplaceAll(rules, []byte("${1}0s\n"))
	require.NotEqual(t, string(rules), string(shortened), "the rules have no for: to shorten")
	rulesPath := filepath.Join(dir, "rules.yml")
	require.NoError(t, os.WriteFile(rulesPath, shortened, 0o600))
	conf := filepath.Join(dir, "prometheus.yml")
	require.NoError(t, os.WriteFile(conf, fmt.Appendf(nil, promConfigTemplate, rulesPath, target), 0o600))

	port := freePort(t)
	p := &promServer{URL: fmt.Sprintf("http://127.0.0.1:%d", port), log: filepath.Join(dir, "prometheus.log")}
	logFile, err := os.Create(p.log)
	require.NoError(t, err)
	cmd := exec.Command(bin, "--config.file="+conf, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port), "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	require.NoError(t, cmd.Start(), "starting prometheus")
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logFile.Close(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	ok := waitUntil(60*time.Second, func() bool {
		select {
		case <-exited:
			return true
		default:
		}
		resp, err := http.Get(p.URL + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	select {
	case <-exited:
		t.Fatalf("prometheus exited at start; its log:\n%s", readFileOr(p.log))
	default:
	}
	require.True(t, ok, "prometheus was not ready within 60s; its log:\n%s", readFileOr(p.log))
	return p
}

// promAnswer is the envelope of Prometheus's HTTP API.
type promAnswer struct {
	Status    string          `json:"status"`
	Data      json.RawMessage `json:"data"`
	ErrorType string          `json:"errorType"`
	Error     string          `json:"error"`
}

// api calls GET /api/v1/<path> and decodes data into out.
func (p *promServer) api(path string, params url.Values, out any) error {
	resp, err := http.Get(p.URL + "/api/v1/" + path + "?" + params.Encode())
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var a promAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return fmt.Errorf("status %d, not JSON: %s", resp.StatusCode, body)
	}
	if a.Status != "success" {
		return fmt.Errorf("%s: %s", a.ErrorType, a.Error)
	}
	return json.Unmarshal(a.Data, out)
}

// promResult is the data of a query: a vector or a matrix.
type promResult struct {
	ResultType string `json:"resultType"`
	Result     []struct {
		Metric map[string]string `json:"metric"`
		Value  []any             `json:"value"`
		Values [][]any           `json:"values"`
	} `json:"result"`
}

// query runs an instant query now.
func (p *promServer) query(q string) (promResult, error) {
	var r promResult
	err := p.api("query", url.Values{"query": {q}}, &r)
	return r, err
}

// queryRange runs a range query over the last span, one point per step.
func (p *promServer) queryRange(q string, span, step time.Duration) (promResult, error) {
	now := time.Now()
	var r promResult
	err := p.api("query_range", url.Values{
		"query": {q},
		"start": {fmt.Sprint(now.Add(-span).Unix())},
		"end":   {fmt.Sprint(now.Unix())},
		"step":  {fmt.Sprint(int(step.Seconds()))},
	}, &r)
	return r, err
}

// promAlert is an alert of GET /api/v1/alerts.
type promAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	State       string            `json:"state"`
}

func (p *promServer) alerts(t *testing.T) []promAlert {
	t.Helper()
	var out struct {
		Alerts []promAlert `json:"alerts"`
	}
	require.NoError(t, p.api("alerts", nil, &out))
	return out.Alerts
}

// promRule is an alerting or recording rule of GET /api/v1/rules.
type promRule struct {
	Name           string    `json:"name"`
	Type           string    `json:"type"`
	Health         string    `json:"health"`
	LastError      string    `json:"lastError"`
	LastEvaluation time.Time `json:"lastEvaluation"`
}

func (p *promServer) rules(t *testing.T) []promRule {
	t.Helper()
	var out struct {
		Groups []struct {
			Rules []promRule `json:"rules"`
		} `json:"groups"`
	}
	require.NoError(t, p.api("rules", nil, &out))
	var rules []promRule
	for _, g := range out.Groups {
		rules = append(rules, g.Rules...)
	}
	return rules
}

// alertNames lists the alerting rules Prometheus loaded.
func (p *promServer) alertNames(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, r := range p.rules(t) {
		if r.Type == "alerting" {
			names = append(names, r.Name)
		}
	}
	return names
}

// waitEvaluatedAfter waits until every rule has been evaluated after since,
// and fails on a rule whose evaluation errs.
func (p *promServer) waitEvaluatedAfter(t *testing.T, since time.Time) {
	t.Helper()
	ok := waitUntil(60*time.Second, func() bool {
		for _, r := range p.rules(t) {
			if !r.LastEvaluation.After(since) {
				return false
			}
		}
		return true
	})
	require.True(t, ok, "Prometheus did not evaluate every rule within 60s")
	for _, r := range p.rules(t) {
		require.Equal(t, "ok", r.Health, "rule %s: %s", r.Name, r.LastError)
	}
}
