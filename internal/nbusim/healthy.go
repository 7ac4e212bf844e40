package nbusim

import (
	"strconv"
	"time"
)

// heal turns the dataset into a server on which no alert should fire
// (Config.Healthy): the default dataset shows a problem of every kind on
// purpose, which is what the collectors' tests need, but a test of alert
// rules needs a quiet server to start from. What stays is what is not a
// fault: a drive switched off by the administrator (enabled false), one
// optional daemon disabled (status DISABLED), frozen and suspended tapes,
// and SLP work in progress that is younger than an hour.
func (d *dataset) heal(cfg Config) {
	for i := range d.diskPools {
		dp := &d.diskPools[i]
		dp.DiskPoolState = "UP"
		for v := range dp.DiskVolumes {
			dp.DiskVolumes[v].State = "UP"
		}
	}
	for i := range d.storageServers {
		d.storageServers[i].StorageServerState, d.storageServers[i].NbuStatusCode = "UP", 0
	}
	for i := range d.drives {
		dr := &d.drives[i]
		if dr.DriveStatus == "DRIVE_STATUS_DOWN" {
			dr.DriveStatus, dr.DriveControl = "DRIVE_STATUS_UP", "DRIVE_CONTROL_AVR"
			for p := range dr.DevicePaths {
				dr.DevicePaths[p].PathStatus = "PATH_STATUS_UP"
			}
		}
	}
	// One drive switched off by the administrator: not a fault either.
	if n := len(d.drives); n > 1 {
		dr := &d.drives[n-1]
		dr.DriveStatus, dr.Enabled = "DRIVE_STATUS_DISABLED", false
		for p := range dr.DevicePaths {
			dr.DevicePaths[p].PathStatus, dr.DevicePaths[p].IsEnabled = "PATH_STATUS_DISABLED", false
		}
	}
	for i := range d.mediaServerRes {
		ms := &d.mediaServerRes[i]
		if ms.Status.Name == "OFFLINE" {
			ms.Status = MediaServerStatus{Name: "ACTIVE_FOR_TAPE_AND_DISK", ResourceBundleKey: "MEDIA_SERVER_STATUS_ACTIVE_FOR_TAPE_AND_DISK"}
		}
		ms.IsMachineUp = true
	}
	for i := range d.hosts {
		for j := range d.hosts[i].Services {
			d.hosts[i].Services[j].Status = "RUNNING"
		}
	}
	// nbars (the agent request server) is optional: switched off, not failed.
	if services := d.hosts[0].Services; len(services) > 10 {
		services[10].Status = "DISABLED"
	}
	for i := range d.slpImages {
		im := &d.slpImages[i]
		if im.SLPImageState != "COMPLETE" {
			im.SetBackupTime(cfg.Start.Add(-time.Duration(1+i%50) * time.Minute))
		}
	}
	d.alerts = nil // the alerts are job failures, and no job fails
	// Every anomaly detected so far has been reviewed, and none comes later.
	var reviewed []Anomaly
	for _, a := range d.anomalies {
		if !a.created().After(cfg.Start) {
			if a.AnomalyStatus == "NOT_REVIEWED" {
				a.AnomalyStatus = "REPORTED_FALSE_POSITIVE"
			}
			reviewed = append(reviewed, a)
		}
	}
	d.anomalies = reviewed
	// No scan finds malware, before Start or after.
	for i := range d.scanResults {
		if sr := &d.scanResults[i]; sr.ScanResult == "IMPACTED" {
			sr.ScanResult, sr.Result, sr.NumberOfFilesImpacted, sr.MalwareInfo = "CLEAN", "No malware found", 0, ""
		}
	}
}

// SetBackupTime moves an SLP image to another backup time, with the ids and
// expiry that follow from it.
func (im *SLPImage) SetBackupTime(bt time.Time) {
	bt = bt.Truncate(time.Second)
	id := im.ClientName + "_" + strconv.FormatInt(bt.Unix(), 10)
	exp := isoMs(bt.Add(14 * 24 * time.Hour))
	im.BackupID, im.BackupTime, im.ExpirationTime = id, isoMs(bt), exp
	for c := range im.Copies {
		im.Copies[c].BackupID, im.Copies[c].ExpireTime = id, exp
	}
}
