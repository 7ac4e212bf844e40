package nbusim

import "time"

// JobRecord is a job as the simulator serves it now (fields mirror the wire
// attributes of the 10.x+ representation).
type JobRecord struct {
	JobID, ParentJobID       int64
	JobType, JobSubType      string
	State                    string
	Status                   int64
	PolicyName, PolicyType   string
	ScheduleName             string
	ScheduleType             string
	ClientName               string
	BackupID                 string
	DestinationStorageUnit   string
	DestinationMediaServer   string
	StartTime                time.Time
	EndTime                  time.Time // Unix epoch (1970-01-01) while unfinished
	ActiveTryStartTime       time.Time
	LastUpdateTime           time.Time
	Elapsed                  time.Duration
	KilobytesTransferred     int64
	KilobytesDataTransferred int64
	KilobytesToTransfer      int64
	NumberOfFiles            int64
	TransferRate             int64
	PercentComplete          int64
	DedupRatio               float64
	Try                      int64
	ChildCount               int64
	JobPath                  string
}

// jobExists tells whether id has been submitted by simulated time t.
func (m *jobModel) jobExists(id, t int64) bool { return id >= 1 && m.submitMs(id) <= t }

// Job returns job id as served now.
func (s *Simulator) Job(id int64) (JobRecord, bool) {
	now := s.nowMs()
	id, ok := s.jobs.ids.index(id)
	if !ok || !s.jobs.jobExists(id, now) {
		return JobRecord{}, false
	}
	v := s.jobs.at(id, now)
	return JobRecord{
		JobID: v.pub, ParentJobID: v.pubParent, JobType: v.jobType, JobSubType: v.subType,
		State: v.state, Status: v.status, PolicyName: v.policyName(), PolicyType: v.policy.ptype,
		ScheduleName: v.schedule.name, ScheduleType: v.schedule.stype, ClientName: v.client,
		BackupID: v.backupID(), DestinationStorageUnit: v.stu, DestinationMediaServer: v.mediaServer,
		StartTime: msTime(v.submitMs), EndTime: msTime(v.viewEndMs), ActiveTryStartTime: msTime(v.activeTryMs),
		LastUpdateTime: msTime(v.lastUpdateMs), Elapsed: time.Duration(v.elapsedMs) * time.Millisecond,
		KilobytesTransferred: v.kbTransferred, KilobytesDataTransferred: v.kbData,
		KilobytesToTransfer: v.kbToTransfer, NumberOfFiles: v.filesNow, TransferRate: v.transferRate,
		PercentComplete: v.percent, DedupRatio: v.dedupRatio, Try: v.try, ChildCount: v.childCount,
		JobPath: v.jobPath(),
	}, true
}

// JobCount is the number of jobs existing now (ids 1..JobCount).
func (s *Simulator) JobCount() int64 { return s.jobs.maxIDAt(s.nowMs()) }

// FinishedJobIDs lists, ascending, the jobs that are DONE now and whose
// endTime is in (from, to]: the ground truth for exactly-once collection.
func (s *Simulator) FinishedJobIDs(from, to time.Time) []int64 {
	now := s.nowMs()
	fromMs, toMs := from.UnixMilli(), min(to.UnixMilli(), now)
	m := s.jobs
	lo := max(m.firstIDFrom(fromMs-m.maxLifeMs), 1)
	hi := m.maxIDAt(toMs)
	var ids []int64
	for id := lo; id <= hi; id++ {
		p := m.plan(id)
		if p.endMs > fromMs && p.endMs <= toMs {
			ids = append(ids, m.ids.public(id))
		}
	}
	return ids
}
