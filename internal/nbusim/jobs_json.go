package nbusim

import "strconv"

// appendJob writes one job resource object. cursor is the item's
// meta.page.cursor ("" = no item meta, as in offset-paged API 4.0).
func (s *Simulator) appendJob(b []byte, v *jobView, ver apiVersion, cursor string) []byte {
	idStr := strconv.AppendInt(nil, v.pub, 10)
	b = append(b, `{"links":{"self":{"href":"/admin/jobs/`...)
	b = append(b, idStr...)
	b = append(b, `"},"file-lists":{"href":"`...)
	b = append(b, s.absBase...)
	b = append(b, "/admin/jobs/"...)
	b = append(b, idStr...)
	b = append(b, `/file-lists"},"try-logs":{"href":"`...)
	b = append(b, s.absBase...)
	b = append(b, "/admin/jobs/"...)
	b = append(b, idStr...)
	b = append(b, `/try-logs"}},"type":"job","id":"`...)
	b = append(b, idStr...)
	b = append(b, '"')
	if cursor != "" {
		b = append(b, `,"meta":{"page":{"cursor":`...)
		b = appendString(b, cursor)
		b = append(b, "}}"...)
	}
	b = append(b, `,"attributes":{`...)
	b = s.appendJobAttributes(b, v, ver)
	return append(b, "}}"...)
}

func (s *Simulator) appendJobAttributes(b []byte, v *jobView, ver apiVersion) []byte {
	modern := ver.cursorPagedJobs()
	kb := kvInt
	if v.kbAsFloat {
		kb = kvIntAsFloat
	}
	b = kvInt(b, "jobId", v.pub)
	b = kvInt(b, "parentJobId", v.pubParent)
	b = kvInt(b, "activeProcessId", v.activeProcessID)
	b = kvInt(b, "mainProcessId", 0)
	b = kvStr(b, "jobType", v.jobType)
	b = kvStr(b, "jobSubType", v.subType)
	b = kvStr(b, "policyType", v.policy.ptype)
	b = kvStr(b, "policyName", v.policyName())
	b = kvStr(b, "scheduleType", v.schedule.stype)
	b = kvStr(b, "scheduleName", v.schedule.name)
	b = kvStr(b, "clientName", v.client)
	b = kvStr(b, "controlHost", v.controlHost())
	b = kvStr(b, "jobOwner", "root")
	b = kvStr(b, "jobGroup", "")
	b = appendKey(b, "backupId")
	if v.client == "" || v.backupTimeSec == 0 {
		b = append(b, `""`...)
	} else {
		b = append(b, '"')
		b = append(b, v.client...)
		b = append(b, '_')
		b = strconv.AppendInt(b, v.backupTimeSec, 10)
		b = append(b, '"')
	}
	b = kvStr(b, "sourceMediaId", "")
	b = kvStr(b, "sourceStorageUnitName", v.srcSTU)
	b = kvStr(b, "sourceMediaServerName", v.stringAttr("sourceMediaServerName"))
	b = kvStr(b, "destinationMediaId", "")
	b = kvStr(b, "destinationStorageUnitName", v.stu)
	b = kvStr(b, "destinationMediaServerName", v.mediaServer)
	b = kvStr(b, "dataMovement", "STANDARD")
	b = kvInt(b, "streamNumber", v.streamNumber)
	b = kvInt(b, "copyNumber", v.copyNumber)
	b = kvInt(b, "priority", v.priority)
	b = kvInt(b, "retentionLevel", v.retentionLevel)
	b = kvInt(b, "compression", v.compression)
	b = kvInt(b, "status", v.status)
	b = kvStr(b, "state", v.state)
	done := int64(0)
	if v.state == "DONE" {
		done = 1
	}
	b = kvInt(b, "done", done)
	b = kvInt(b, "numberOfFiles", v.filesNow)
	b = kvInt(b, "estimatedFiles", v.files)
	b = kb(b, "kilobytesTransferred", v.kbTransferred)
	b = kb(b, "kilobytesToTransfer", v.kbToTransfer)
	b = kb(b, "kilobytesDataTransferred", v.kbData)
	b = kvInt(b, "transferRate", v.transferRate)
	b = kvInt(b, "percentComplete", v.percent)
	b = kvInt(b, "restartable", 1-done)
	b = kvInt(b, "suspendable", boolInt(v.state == "ACTIVE" && v.jobType == "BACKUP"))
	b = kvInt(b, "resumable", boolInt(v.state == "SUSPENDED" || v.state == "INCOMPLETE"))
	b = kvInt(b, "cancellable", 1-done)
	b = kvInt(b, "killable", 1-done)
	b = kvInt(b, "frozenImage", 0)
	b = kvStr(b, "transportType", "LAN")
	b = kvFloat(b, "dedupRatio", v.dedupRatio)
	if modern {
		b = kvFloat(b, "dedupSpaceRatio", v.dedupRatio)
		b = kvFloat(b, "compressionSpaceRatio", 0)
		b = kvFloat(b, "acceleratorOptimization", 0)
	} else {
		b = kvInt(b, "acceleratorOptimization", 0)
	}
	b = kvInt(b, "currentOperation", v.currentOp)
	b = kvInt(b, "jobQueueReason", v.queueReasonNow)
	b = kvStr(b, "jobQueueResource", v.stringAttr("jobQueueResource"))
	b = kvStr(b, "robotName", "")
	b = kvStr(b, "vaultName", "")
	b = kvStr(b, "profileName", "")
	b = kvInt(b, "sessionId", 0)
	b = kvInt(b, "numberOfTapeToEject", 0)
	b = kvInt(b, "submissionType", 0)
	b = kvStr(b, "dumpHost", "")
	b = kvStr(b, "instanceDatabaseName", "")
	b = kvStr(b, "auditUserName", "")
	b = kvStr(b, "auditDomainName", "")
	b = kvInt(b, "auditDomainType", 0)
	b = kvStr(b, "restoreBackupIDs", v.stringAttr("restoreBackupIDs"))
	b = kvStr(b, "offHostType", "STANDARD")
	b = kvStr(b, "applicationType", v.policy.appType)
	b = kvTime(b, "startTime", v.submitMs)
	b = kvTime(b, "endTime", v.viewEndMs)
	b = kvTime(b, "activeTryStartTime", v.activeTryMs)
	b = kvTime(b, "lastUpdateTime", v.lastUpdateMs)
	b = kvInt(b, "try", v.try)
	b = kvStr(b, "assetID", "")
	b = kvStr(b, "assetDisplayableName", "")
	b = appendKey(b, "elapsedTime")
	if modern {
		b = appendISODuration(b, v.elapsedMs)
		b = appendISODuration(appendKey(b, "activeElapsedTime"), v.activeElapsedMs)
		b = kvStr(b, "workloadDisplayName", "")
		b = kvInt(b, "childCount", v.childCount)
		b = kvStr(b, "jobPath", v.jobPath())
		b = kvStr(b, "dteMode", "OFF")
	} else {
		b = appendClockDuration(b, v.elapsedMs)
		b = kvStr(b, "initiatorId", "")
	}
	return b
}

func boolInt(c bool) int64 {
	if c {
		return 1
	}
	return 0
}
