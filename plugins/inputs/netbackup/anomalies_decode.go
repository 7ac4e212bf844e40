package netbackup

import (
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// anomalyAttributes is what the anomalies collector reads of an anomaly
// (security.yaml, GET /security/anomalies). jobid and anomalyScore are
// strings in the documents; they are read as numbers in either form.
type anomalyAttributes struct {
	CreatedDateTime nbuapi.Time  `json:"createdDateTime"`
	JobID           nbuapi.Int   `json:"jobid"`
	BackupID        string       `json:"backupId"`
	ClientName      string       `json:"clientName"`
	PolicyName      string       `json:"policyName"`
	PolicyType      string       `json:"policyType"`
	AnomalyStatus   string       `json:"anomalyStatus"`   // ANOMALY, NOT_REVIEWED, REPORTED_FALSE_POSITIVE, IGNORED
	AnomalyType     string       `json:"anomalyType"`     // JOB_BASED, FILE_BASED, ...
	AnomalyCount    nbuapi.Int   `json:"anomalyCount"`    // features (size, file count, ...) found anomalous
	AnomalyScore    nbuapi.Float `json:"anomalyScore"`    //
	AnomalySeverity string       `json:"anomalySeverity"` // HIGH, MEDIUM, LOW
	AnomalySummary  string       `json:"anomalySummary"`
}
