package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/influxdata/telegraf"
)

// The baseline: a backfill walked the way the NetBackup exporters we know
// of walk it, for comparison in the same run. One cursor chain, one page
// after the other (sort=jobId, page[limit]=100, follow meta.pagination.next);
// each page read whole and decoded with encoding/json into structs holding
// every attribute; every job kept in a slice; the metrics made at the end.
// It is the yardstick, not the product: no retries, no state.

// baselineJob is a job with all its attributes, as a peer's struct has them.
type baselineJob struct {
	JobID                      int64     `json:"jobId"`
	ParentJobID                int64     `json:"parentJobId"`
	ActiveProcessID            int64     `json:"activeProcessId"`
	MainProcessID              int64     `json:"mainProcessId"`
	JobType                    string    `json:"jobType"`
	JobSubType                 string    `json:"jobSubType"`
	PolicyType                 string    `json:"policyType"`
	PolicyName                 string    `json:"policyName"`
	ScheduleType               string    `json:"scheduleType"`
	ScheduleName               string    `json:"scheduleName"`
	ClientName                 string    `json:"clientName"`
	ControlHost                string    `json:"controlHost"`
	JobOwner                   string    `json:"jobOwner"`
	JobGroup                   string    `json:"jobGroup"`
	BackupID                   string    `json:"backupId"`
	SourceMediaID              string    `json:"sourceMediaId"`
	SourceStorageUnitName      string    `json:"sourceStorageUnitName"`
	SourceMediaServerName      string    `json:"sourceMediaServerName"`
	DestinationMediaID         string    `json:"destinationMediaId"`
	DestinationStorageUnitName string    `json:"destinationStorageUnitName"`
	DestinationMediaServerName string    `json:"destinationMediaServerName"`
	DataMovement               string    `json:"dataMovement"`
	StreamNumber               int64     `json:"streamNumber"`
	CopyNumber                 int64     `json:"copyNumber"`
	Priority                   int64     `json:"priority"`
	RetentionLevel             int64     `json:"retentionLevel"`
	Compression                int64     `json:"compression"`
	Status                     int64     `json:"status"`
	State                      string    `json:"state"`
	Done                       int64     `json:"done"`
	NumberOfFiles              int64     `json:"numberOfFiles"`
	EstimatedFiles             int64     `json:"estimatedFiles"`
	KilobytesTransferred       float64   `json:"kilobytesTransferred"` // some servers send 52428800.0
	KilobytesToTransfer        float64   `json:"kilobytesToTransfer"`
	KilobytesDataTransferred   float64   `json:"kilobytesDataTransferred"`
	TransferRate               int64     `json:"transferRate"`
	PercentComplete            int64     `json:"percentComplete"`
	Restartable                int64     `json:"restartable"`
	Suspendable                int64     `json:"suspendable"`
	Resumable                  int64     `json:"resumable"`
	Cancellable                int64     `json:"cancellable"`
	Killable                   int64     `json:"killable"`
	FrozenImage                int64     `json:"frozenImage"`
	TransportType              string    `json:"transportType"`
	DedupRatio                 float64   `json:"dedupRatio"`
	DedupSpaceRatio            float64   `json:"dedupSpaceRatio"`
	CompressionSpaceRatio      float64   `json:"compressionSpaceRatio"`
	AcceleratorOptimization    float64   `json:"acceleratorOptimization"`
	CurrentOperation           int64     `json:"currentOperation"`
	JobQueueReason             int64     `json:"jobQueueReason"`
	JobQueueResource           string    `json:"jobQueueResource"`
	RobotName                  string    `json:"robotName"`
	VaultName                  string    `json:"vaultName"`
	ProfileName                string    `json:"profileName"`
	SessionID                  int64     `json:"sessionId"`
	NumberOfTapeToEject        int64     `json:"numberOfTapeToEject"`
	SubmissionType             int64     `json:"submissionType"`
	DumpHost                   string    `json:"dumpHost"`
	InstanceDatabaseName       string    `json:"instanceDatabaseName"`
	AuditUserName              string    `json:"auditUserName"`
	AuditDomainName            string    `json:"auditDomainName"`
	AuditDomainType            int64     `json:"auditDomainType"`
	RestoreBackupIDs           string    `json:"restoreBackupIDs"`
	OffHostType                string    `json:"offHostType"`
	ApplicationType            string    `json:"applicationType"`
	StartTime                  time.Time `json:"startTime"`
	EndTime                    time.Time `json:"endTime"`
	ActiveTryStartTime         time.Time `json:"activeTryStartTime"`
	LastUpdateTime             time.Time `json:"lastUpdateTime"`
	Try                        int64     `json:"try"`
	AssetID                    string    `json:"assetID"`
	AssetDisplayableName       string    `json:"assetDisplayableName"`
	ElapsedTime                string    `json:"elapsedTime"`
	ActiveElapsedTime          string    `json:"activeElapsedTime"`
	WorkloadDisplayName        string    `json:"workloadDisplayName"`
	ChildCount                 int64     `json:"childCount"`
	JobPath                    string    `json:"jobPath"`
	DteMode                    string    `json:"dteMode"`
}

type baselineLink struct {
	Href string `json:"href"`
}

type baselinePage struct {
	Data []struct {
		Links struct {
			Self      baselineLink `json:"self"`
			FileLists baselineLink `json:"file-lists"`
			TryLogs   baselineLink `json:"try-logs"`
		} `json:"links"`
		Type       string      `json:"type"`
		ID         string      `json:"id"`
		Attributes baselineJob `json:"attributes"`
	} `json:"data"`
	Meta struct {
		Pagination struct {
			Next string `json:"next"`
		} `json:"pagination"`
	} `json:"meta"`
}

// baselineClient is a plain HTTP client with the plugin's transport
// settings (pool, timeouts, TLS 1.2+, HTTP/2 attempted).
func baselineClient(tlsConfig *tls.Config) *http.Client {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{
		Timeout: time.Minute,
		Transport: &http.Transport{
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   20,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: time.Minute,
			TLSClientConfig:       tlsConfig,
		},
	}
}

// baselineBackfill walks every finished job whose lastUpdateTime and
// endTime are after floor (the filter the plugin's first walk uses), then
// turns them into netbackup_job metrics. It returns the jobs read.
func baselineBackfill(ctx context.Context, baseURL string, tlsConfig *tls.Config, floor time.Time, acc telegraf.Accumulator) (int, error) {
	client := baselineClient(tlsConfig)
	defer client.CloseIdleConnections()
	at := floor.UTC().Format("2006-01-02T15:04:05.000Z")
	query := url.Values{}
	query.Set("filter", "state eq 'DONE' and lastUpdateTime gt "+at+" and endTime gt "+at)
	query.Set("sort", "jobId")
	query.Set("page[limit]", "100")

	var jobs []baselineJob
	for {
		var p baselinePage
		if err := baselineGet(ctx, client, baseURL+"/admin/jobs?"+strings.ReplaceAll(query.Encode(), "+", "%20"), &p); err != nil {
			return len(jobs), err
		}
		for i := range p.Data {
			jobs = append(jobs, p.Data[i].Attributes)
		}
		if p.Meta.Pagination.Next == "" || len(p.Data) == 0 {
			break
		}
		query.Set("page[after]", p.Meta.Pagination.Next)
	}
	for i := range jobs {
		baselineEmit(acc, &jobs[i])
	}
	return len(jobs), nil
}

func baselineGet(ctx context.Context, client *http.Client, target string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", benchAPIKey)
	req.Header.Set("Accept", "application/vnd.netbackup+json;version=13.0")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("baseline: GET %s: status %d", req.URL.Path, resp.StatusCode)
	}
	return json.Unmarshal(body, out)
}

// baselineEmit is one netbackup_job point with the plugin's tag set and
// comparable fields.
func baselineEmit(acc telegraf.Accumulator, j *baselineJob) {
	tags := map[string]string{
		"source":        "baseline",
		"job_type":      j.JobType,
		"job_subtype":   j.JobSubType,
		"policy_type":   j.PolicyType,
		"policy_name":   j.PolicyName,
		"schedule_type": j.ScheduleType,
		"schedule_name": j.ScheduleName,
		"client":        j.ClientName,
		"status_class":  strconv.FormatInt(min(j.Status, 2), 10),
		"media_server":  j.DestinationMediaServerName,
		"storage_unit":  j.DestinationStorageUnitName,
	}
	fields := map[string]any{
		"job_id":                         j.JobID,
		"parent_job_id":                  j.ParentJobID,
		"child_count":                    j.ChildCount,
		"status":                         j.Status,
		"bytes":                          int64(j.KilobytesTransferred) * 1024,
		"files":                          j.NumberOfFiles,
		"attempts":                       j.Try,
		"transfer_rate_bytes_per_second": j.TransferRate * 1024,
		"percent_complete":               j.PercentComplete,
		"dedup_ratio":                    j.DedupRatio,
		"elapsed_seconds":                int64(j.EndTime.Sub(j.StartTime).Seconds()),
		"queued_seconds":                 int64(j.ActiveTryStartTime.Sub(j.StartTime).Seconds()),
		"start_time":                     j.StartTime.Unix(),
	}
	acc.AddFields("netbackup_job", fields, tags, j.EndTime)
}
