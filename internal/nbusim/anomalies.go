package nbusim

import (
	"fmt"
	"math/rand"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Anomaly is the attributes object of GET /security/anomalies items
// (security.yaml, 10.3 and later): one anomaly detected on a backup image.
type Anomaly struct {
	ID                 string         `json:"-"`
	CreatedDateTime    string         `json:"createdDateTime"`
	BackupTime         string         `json:"backupTime"`
	JobID              string         `json:"jobid"` // the documents type it as a string, spelled in lower case
	BackupID           string         `json:"backupId"`
	ClientName         string         `json:"clientName"`
	PolicyName         string         `json:"policyName"`
	PolicyType         string         `json:"policyType"`
	ScheduleName       string         `json:"scheduleName"`
	ScheduleType       string         `json:"scheduleType"`
	DestinationStorage string         `json:"destinationStorage"`
	AnomalyStatus      string         `json:"anomalyStatus"`
	AnomalyType        string         `json:"anomalyType"`
	AnomalyCount       int64          `json:"anomalyCount"`
	AnomalyScore       string         `json:"anomalyScore"` // a number in a string, as documented
	AnomalySeverity    string         `json:"anomalySeverity"`
	AnomalySummary     string         `json:"anomalySummary"`
	ExtendedAttributes map[string]any `json:"extendedAttributes"`
	createdMs          int64
}

// The anomalies detected after Start: the first newFirstAfterStart after
// it (so that a short test run sees one), then one every
// anomalyNewInterval of simulated time, for anomalyNewWindow.
const (
	newFirstAfterStart = 30 * time.Minute
	anomalyNewInterval = 6 * time.Hour
	anomalyNewWindow   = 7 * 24 * time.Hour
)

// anomalyPolicyType maps the policy types the jobs carry (display names, as
// real job payloads show) to the enum of the anomalies document, a service
// of its own whose examples use the enum.
func anomalyPolicyType(ptype string) string {
	switch ptype {
	case "MS-Windows":
		return "WINDOWS_NT"
	case "ORACLE":
		return "OBACKUP"
	case "MS-SQL-SERVER":
		return "SQL_SERVER"
	case "MS-Exchange-Server":
		return "EXCHANGE"
	case "NBU-Catalog":
		return "NBU_CATALOG"
	}
	return ptype // STANDARD, VMWARE, NDMP, HYPERV are enum values already
}

func anomalyScheduleType(st string) string {
	if st == "FULL" {
		return "FULL_BACKUP"
	}
	return st
}

// anomalyTypesOf lists the anomaly types a release documents: 10.3 knows
// only JOB_BASED.
func anomalyTypesOf(release string) []string {
	if mustParseVersion(release).less(mustParseVersion("10.5")) {
		return []string{"JOB_BASED"}
	}
	return []string{"JOB_BASED", "JOB_BASED", "FILE_BASED", "SUSPICIOUS_FILE_EXTENSION", "FILE_ENTROPY"}
}

// severityScores: the documents say only that the severity derives from
// the score; these bands are the simulator's choice.
var severityScores = map[string][2]float64{"LOW": {1, 4}, "MEDIUM": {4, 7}, "HIGH": {7, 10}}

// buildAnomalies makes cfg.Anomalies anomalies detected during the 30 days
// before Start (each severity several times, most not reviewed yet) and
// more after Start (newFirstAfterStart, then every anomalyNewInterval),
// which appear as the simulated clock reaches them.
func (d *dataset) buildAnomalies(cfg Config, rng *rand.Rand) {
	types := anomalyTypesOf(cfg.Release)
	severities := []string{"HIGH", "MEDIUM", "LOW", "MEDIUM", "LOW", "LOW"}
	add := func(created time.Time, status string, i int) {
		p := &d.policies[rng.Intn(len(d.policies))]
		client := p.clients[rng.Intn(len(p.clients))]
		sch := p.schedules[rng.Intn(len(p.schedules))]
		backup := created.Add(-time.Duration(5+rng.Intn(55)) * time.Minute).Truncate(time.Second)
		sev := severities[i%len(severities)]
		band := severityScores[sev]
		score := band[0] + rng.Float64()*(band[1]-band[0])
		typ := types[rng.Intn(len(types))]
		kb := 1 + rng.Int63n(400*1024*1024)
		d.anomalies = append(d.anomalies, Anomaly{
			ID:              strconv.Itoa(5000 + i),
			CreatedDateTime: isoMs(created), BackupTime: isoMs(backup),
			JobID:    strconv.FormatInt(1+rng.Int63n(int64(max(cfg.Jobs, 1))), 10),
			BackupID: client + "_" + strconv.FormatInt(backup.Unix(), 10), ClientName: client,
			PolicyName: p.name, PolicyType: anomalyPolicyType(p.ptype), ScheduleName: sch.name,
			ScheduleType: anomalyScheduleType(sch.stype), DestinationStorage: p.stu,
			AnomalyStatus: status, AnomalyType: typ, AnomalyCount: 1 + int64(rng.Intn(3)),
			AnomalyScore: strconv.FormatFloat(score, 'f', 2, 64), AnomalySeverity: sev,
			AnomalySummary: anomalySummary(typ, kb, rng),
			ExtendedAttributes: map[string]any{
				"imageSizeKB": kb, "expectedImageSizeKB": kb / int64(3+rng.Intn(20)),
			},
			createdMs: created.UnixMilli(),
		})
	}
	for i := 0; i < cfg.Anomalies; i++ {
		created := cfg.Start.Add(-time.Duration(1 + rng.Int63n(int64(30*24*time.Hour)))).Truncate(time.Millisecond)
		status := "NOT_REVIEWED"
		switch {
		case i%5 == 1:
			status = "ANOMALY" // confirmed by an administrator
		case i%7 == 2:
			status = "REPORTED_FALSE_POSITIVE"
		case i%11 == 3:
			status = "IGNORED"
		}
		add(created, status, i)
	}
	for t, i := cfg.Start.Add(newFirstAfterStart), cfg.Anomalies; !t.After(cfg.Start.Add(anomalyNewWindow)); t, i = t.Add(anomalyNewInterval), i+1 {
		add(t, "NOT_REVIEWED", i)
	}
	// newest first, as the NetBackup web UI lists them
	sortByMsDesc(d.anomalies, func(a Anomaly) int64 { return a.createdMs })
}

func anomalySummary(typ string, kb int64, rng *rand.Rand) string {
	switch typ {
	case "FILE_BASED":
		return fmt.Sprintf("%d files were modified, an unusually high number", 2000+rng.Intn(50000))
	case "SUSPICIOUS_FILE_EXTENSION":
		return "Files with an extension known from ransomware were backed up: .locked"
	case "FILE_ENTROPY":
		return "The entropy of the backed-up files is unusually high (encrypted content)"
	}
	return fmt.Sprintf("Image size %d KB is outside the usual range for this client and policy", kb)
}

// sortByMsDesc orders s by key, newest first, keeping ties in order.
func sortByMsDesc[T any](s []T, key func(T) int64) {
	slices.SortStableFunc(s, func(a, b T) int { return cmp3(key(b), key(a)) })
}

func (d *dataset) anomalyList() *resourceList {
	l := newResourceList("/security/anomalies", "anomaly", offsetPaging, 10, 100)
	l.sortable = []string{"jobid", "createdDateTime", "clientName", "policyType", "scheduleType",
		"anomalyStatus", "anomalyCount", "anomalyScore", "anomalySeverity"}
	for _, a := range d.anomalies {
		l.add("anomaly", a.ID, a, nil)
	}
	return l
}

// handleAnomalies answers GET /security/anomalies: the anomalies detected
// up to the simulated now.
func (s *Simulator) handleAnomalies(w http.ResponseWriter, r *request, _ string) {
	now := s.nowMs()
	s.serveList(w, r, s.data.lists["/security/anomalies"], func(it *resourceItem) bool {
		t, ok := it.flat["createdDateTime"].(time.Time)
		return ok && t.UnixMilli() <= now
	})
}
