package netbackup

import (
	"fmt"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi/jsonscan"
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

// DecodeJSONScan decodes a job's attributes by name, without reflection:
// a backfill decodes millions of them, and the ~50 attributes the plugin
// does not use are skipped unread. Names are matched exactly (NetBackup
// spells them the same in every release). A text attribute holding an
// object or an array makes the job malformed (nbuapi.ScanText).
func (a *jobAttributes) DecodeJSONScan(s *jsonscan.Scanner) error {
	*a = jobAttributes{}
	switch kind := s.Peek(); kind {
	case jsonscan.Object:
	case jsonscan.Null:
		s.Skip()
		return nil
	default:
		s.Skip()
		return &nbuapi.AttributeError{Name: "attributes", Err: fmt.Errorf("a JSON %s where an object was expected", kind)}
	}
	s.ObjectStart()
	var bad error
	for s.More('}') {
		if err := a.decodeMember(s, s.Name()); err != nil && bad == nil {
			bad = err
		}
	}
	return bad
}

// decodeMember reads the value of the member name into its field, or past
// it when the plugin does not use it.
func (a *jobAttributes) decodeMember(s *jsonscan.Scanner, name []byte) error {
	switch string(name) {
	case "jobId":
		a.JobID.ScanFrom(s)
	case "parentJobId":
		a.ParentJobID.ScanFrom(s)
	case "jobType":
		return scanText(s, &a.JobType, "jobType")
	case "jobSubType":
		return scanText(s, &a.JobSubType, "jobSubType")
	case "policyType":
		return scanText(s, &a.PolicyType, "policyType")
	case "policyName":
		return scanText(s, &a.PolicyName, "policyName")
	case "scheduleType":
		return scanText(s, &a.ScheduleType, "scheduleType")
	case "scheduleName":
		return scanText(s, &a.ScheduleName, "scheduleName")
	case "clientName":
		return scanText(s, &a.ClientName, "clientName")
	case "destinationMediaServerName":
		return scanText(s, &a.DestinationMediaServerName, "destinationMediaServerName")
	case "destinationStorageUnitName":
		return scanText(s, &a.DestinationStorageUnitName, "destinationStorageUnitName")
	case "status":
		a.Status.ScanFrom(s)
	case "state":
		return scanText(s, &a.State, "state")
	case "numberOfFiles":
		a.NumberOfFiles.ScanFrom(s)
	case "kilobytesTransferred":
		a.KilobytesTransferred.ScanFrom(s)
	case "kilobytesToTransfer":
		a.KilobytesToTransfer.ScanFrom(s)
	case "transferRate":
		a.TransferRate.ScanFrom(s)
	case "percentComplete":
		a.PercentComplete.ScanFrom(s)
	case "dedupRatio":
		a.DedupRatio.ScanFrom(s)
	case "try":
		a.Try.ScanFrom(s)
	case "jobQueueReason":
		a.JobQueueReason.ScanFrom(s)
	case "childCount":
		a.ChildCount.ScanFrom(s)
	case "startTime":
		a.StartTime.ScanFrom(s)
	case "endTime":
		a.EndTime.ScanFrom(s)
	case "activeTryStartTime":
		a.ActiveTryStartTime.ScanFrom(s)
	case "lastUpdateTime":
		a.LastUpdateTime.ScanFrom(s)
	case "elapsedTime":
		a.ElapsedTime.ScanFrom(s)
	default:
		s.Skip()
	}
	return nil
}

func scanText(s *jsonscan.Scanner, field *string, name string) error {
	text, err := nbuapi.ScanText(s, name)
	*field = text
	return err
}

// UnmarshalJSON decodes the attributes as a page does, for any decoder
// that meets them outside a page (tests, recorded answers).
func (a *jobAttributes) UnmarshalJSON(data []byte) error {
	var s jsonscan.Scanner
	s.Reset(data)
	err := a.DecodeJSONScan(&s)
	if finishErr := s.Finish(); finishErr != nil {
		return finishErr
	}
	return err
}
