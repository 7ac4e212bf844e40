package netbackup

import (
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// The job attributes as real servers send them, decoded tolerantly: numbers
// documented as int32 arrive as floats (52428800.0) or beyond 2^31, durations
// come as ISO-8601 (PT5M46S, API >= 9.0) or as HH:MM:SS (API 4.0), unfinished
// jobs carry the epoch as endTime, enums hold values no document lists, and
// any attribute may be missing. A value that cannot be read leaves its field
// unset instead of failing the whole page.

// jobAttributes is the subset of a job's attributes the collectors use.
type jobAttributes struct {
	JobID                      nbuapi.Int      `json:"jobId"`
	ParentJobID                nbuapi.Int      `json:"parentJobId"`
	JobType                    string          `json:"jobType"`
	JobSubType                 string          `json:"jobSubType"`
	PolicyType                 string          `json:"policyType"`
	PolicyName                 string          `json:"policyName"`
	ScheduleType               string          `json:"scheduleType"`
	ScheduleName               string          `json:"scheduleName"`
	ClientName                 string          `json:"clientName"`
	DestinationMediaServerName string          `json:"destinationMediaServerName"`
	DestinationStorageUnitName string          `json:"destinationStorageUnitName"`
	Status                     nbuapi.Int      `json:"status"`
	State                      string          `json:"state"`
	NumberOfFiles              nbuapi.Int      `json:"numberOfFiles"`
	KilobytesTransferred       nbuapi.Int      `json:"kilobytesTransferred"`
	KilobytesToTransfer        nbuapi.Int      `json:"kilobytesToTransfer"`
	TransferRate               nbuapi.Int      `json:"transferRate"` // KB/s
	PercentComplete            nbuapi.Int      `json:"percentComplete"`
	DedupRatio                 nbuapi.Float    `json:"dedupRatio"`
	Try                        nbuapi.Int      `json:"try"`
	JobQueueReason             nbuapi.Int      `json:"jobQueueReason"`
	ChildCount                 nbuapi.Int      `json:"childCount"`
	StartTime                  nbuapi.Time     `json:"startTime"`
	EndTime                    nbuapi.Time     `json:"endTime"`
	ActiveTryStartTime         nbuapi.Time     `json:"activeTryStartTime"`
	LastUpdateTime             nbuapi.Time     `json:"lastUpdateTime"`
	ElapsedTime                nbuapi.Duration `json:"elapsedTime"`
}
