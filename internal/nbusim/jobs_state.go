package nbusim

import (
	"strconv"
	"time"
)

// jobView is a job as seen at one simulated instant.
type jobView struct {
	jobPlan
	pub, pubParent  int64 // the served ids of the job and its parent (jobPlan's are indexes)
	state           string
	status          int64
	try             int64
	viewEndMs       int64 // 0 while unfinished (sent as 1970-01-01T00:00:00.000Z)
	activeTryMs     int64
	lastUpdateMs    int64
	kbTransferred   int64
	kbToTransfer    int64
	kbData          int64
	filesNow        int64
	percent         int64
	transferRate    int64
	elapsedMs       int64
	activeElapsedMs int64
	queueReasonNow  int64
	currentOp       int64
}

// at computes job id at time t (t must be >= its submit time).
func (m *jobModel) at(id, t int64) jobView {
	v := jobView{jobPlan: m.plan(id), try: 1, pub: m.ids.public(id)}
	if v.parentID != 0 {
		v.pubParent = m.ids.public(v.parentID)
	}
	v.activeTryMs = v.submitMs
	switch {
	case t < v.activeMs:
		v.state = "QUEUED"
		v.lastUpdateMs = v.submitMs
		v.queueReasonNow = v.queueReason
		v.elapsedMs = t - v.submitMs
		return v
	case t >= v.endMs:
		v.state = "DONE"
		v.status = v.finalStatus
		v.viewEndMs = v.endMs
		v.lastUpdateMs = v.endMs
		v.elapsedMs = v.endMs - v.submitMs
		v.activeTryMs = v.activeMs
		if v.pauseState == "REQUEUED" {
			v.try, v.activeTryMs = 2, v.pauseTo
		}
		v.activeElapsedMs = v.endMs - v.activeTryMs
		frac := 1.0
		if v.status > 1 { // failures stop part way
			frac = 0.3 + 0.6*unit(m.h(id, 25))
		}
		v.progress(frac, v.endMs)
		if v.status <= 1 {
			v.percent = 100
		}
		return v
	}
	v.activeTryMs = v.activeMs
	v.elapsedMs = t - v.submitMs
	runMs, runTotal := t-v.activeMs, v.endMs-v.activeMs
	stepFrom := v.activeMs
	if v.pauseState != "" {
		runTotal -= v.pauseTo - v.pauseFrom
		switch {
		case t >= v.pauseTo:
			runMs -= v.pauseTo - v.pauseFrom
			stepFrom = v.pauseTo
			if v.pauseState == "REQUEUED" {
				v.try, v.activeTryMs = 2, v.pauseTo
			}
		case t >= v.pauseFrom:
			v.state = v.pauseState
			v.lastUpdateMs = v.pauseFrom
			v.activeElapsedMs = v.pauseFrom - v.activeTryMs
			v.progress(float64(v.pauseFrom-v.activeMs)/float64(runTotal), t)
			return v
		}
	}
	v.state = "ACTIVE"
	v.currentOp = 3 // WRITING
	v.lastUpdateMs = stepFrom + (t-stepFrom)/updateStepMs*updateStepMs
	v.activeElapsedMs = t - v.activeTryMs
	v.progress(float64(runMs)/float64(max(runTotal, 1)), t)
	return v
}

// progress fills the counters for the fraction of work done.
func (v *jobView) progress(frac float64, t int64) {
	if frac < 0 {
		frac = 0
	}
	if frac > 1 {
		frac = 1
	}
	v.kbTransferred = int64(float64(v.totalKB) * frac)
	v.kbToTransfer = v.totalKB - v.kbTransferred
	v.kbData = int64(float64(v.kbTransferred) * (100 - v.dedupRatio) / 100)
	v.filesNow = int64(float64(v.files) * frac)
	v.percent = int64(frac * 100)
	if run := (t - v.activeMs) / 1000; run > 0 {
		v.transferRate = v.kbTransferred / run
	}
}

func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// attr returns a filterable attribute for the OData filter.
func (v *jobView) attr(name string) (any, bool) {
	switch name {
	case "jobId":
		return v.pub, true
	case "parentJobId":
		return v.pubParent, true
	case "jobType":
		return v.jobType, true
	case "jobSubType":
		return v.subType, true
	case "state":
		return v.state, true
	case "status":
		return v.status, true
	case "policyName":
		return v.policyName(), true
	case "policyType":
		return v.policy.ptype, true
	case "scheduleName":
		return v.schedule.name, true
	case "scheduleType":
		return v.schedule.stype, true
	case "clientName":
		return v.client, true
	case "controlHost":
		return v.controlHost(), true
	case "backupId":
		return v.backupID(), true
	case "destinationStorageUnitName":
		return v.stu, true
	case "destinationMediaServerName":
		return v.mediaServer, true
	case "sourceStorageUnitName":
		return v.srcSTU, true
	case "startTime":
		return msTime(v.submitMs), true
	case "endTime":
		return msTime(v.viewEndMs), true
	case "lastUpdateTime":
		return msTime(v.lastUpdateMs), true
	case "activeTryStartTime":
		return msTime(v.activeTryMs), true
	case "kilobytesTransferred":
		return v.kbTransferred, true
	case "kilobytesDataTransferred":
		return v.kbData, true
	case "transferRate":
		return v.transferRate, true
	case "percentComplete":
		return v.percent, true
	case "numberOfFiles":
		return v.filesNow, true
	case "dedupRatio":
		return v.dedupRatio, true
	case "try":
		return v.try, true
	case "priority":
		return v.priority, true
	case "copyNumber":
		return v.copyNumber, true
	case "jobPath":
		return v.jobPath(), true
	case "childCount":
		return v.childCount, true
	case "retentionLevel":
		return v.retentionLevel, true
	case "applicationType":
		return v.policy.appType, true
	case "jobOwner":
		return "root", true
	case "dataMovement", "offHostType":
		return "STANDARD", true
	case "transportType":
		return "LAN", true
	case "dteMode":
		return "OFF", true
	case "assetID", "assetDisplayableName", "workloadDisplayName", "restoreBackupIDs",
		"destinationMediaId", "sourceMediaServerName", "jobQueueResource":
		return v.stringAttr(name), true
	}
	return nil, false
}

func (v *jobView) stringAttr(name string) string {
	switch name {
	case "restoreBackupIDs":
		if v.jobType == "RESTORE" {
			return v.backupID()
		}
	case "jobQueueResource":
		if v.queueReasonNow != 0 {
			return v.stu
		}
	case "sourceMediaServerName":
		if v.srcSTU != "" {
			return v.mediaServer
		}
	}
	return ""
}

func (v *jobView) policyName() string {
	if (v.jobType == "DUPLICATE" || v.jobType == "REPLICATE") && v.policy.slp != "" {
		return v.policy.slp
	}
	return v.policy.name
}

func (v *jobView) controlHost() string { return v.client }

func (v *jobView) backupID() string {
	if v.client == "" || v.backupTimeSec == 0 {
		return ""
	}
	return v.client + "_" + strconv.FormatInt(v.backupTimeSec, 10)
}

func (v *jobView) jobPath() string {
	if v.parentID != 0 {
		return strconv.FormatInt(v.pubParent, 10) + "." + strconv.FormatInt(v.pub, 10)
	}
	return strconv.FormatInt(v.pub, 10)
}
