package nbusim_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// The healthy dataset, and the changes a test makes to it while serving,
// still answer as the vendor documents say.
func TestContractOpenAPIHealthyAndChanged(t *testing.T) {
	steps := contractSteps()
	require.NoError(t, preloadDocs(steps), "vendor OpenAPI documents")
	for _, rel := range contractReleases {
		sim, err := nbusim.New(nbusim.Config{Release: rel.release, APIKey: "k", Username: "monitor", Password: "secret", Healthy: true})
		require.NoError(t, err)
		sim.FailClientJobs(sim.HostsData()[0].HostName, 2)
		sim.UpdateResources(func(r *nbusim.Resources) {
			r.DiskPools[0].DiskPoolState = "DOWN"
			r.DiskPools[0].AvailableSpaceBytes = r.DiskPools[0].UsableSizeBytes / 100
			r.DiskPools[0].UsedCapacityBytes = r.DiskPools[0].UsableSizeBytes - r.DiskPools[0].AvailableSpaceBytes
			r.StorageServers[0].StorageServerState = "DOWN"
			r.Drives[0].DriveStatus = "DRIVE_STATUS_DOWN"
			r.MediaServers[0].Status = nbusim.MediaServerStatus{Name: "OFFLINE", ResourceBundleKey: "MEDIA_SERVER_STATUS_OFFLINE"}
			r.MediaServers[0].IsMachineUp = false
			r.Hosts[0].Services[0].Status = "STOPPED"
			r.SLPImages[0].SLPImageState = "NOT_STARTED"
			r.SLPImages[0].SetBackupTime(time.Now().Add(-30 * time.Hour))
			r.LicenseScale = 4
			a := r.Anomalies[0]
			a.ID, a.AnomalyStatus = "9999", "NOT_REVIEWED"
			a.SetCreated(sim.Now())
			r.Anomalies = append(r.Anomalies, a)
			sr := r.ScanResults[0]
			sr.ID, sr.ScanResult, sr.NumberOfFilesImpacted, sr.Result = "99999", "IMPACTED", 3, "Malware found in 3 files"
			sr.SetScanned(sim.Now())
			r.ScanResults = append(r.ScanResults, sr)
		})
		require.NoError(t, sim.SetSecuritySetting("allowInsecureBackLevelHost", int64(1)))
		sim.Advance(7 * time.Hour)
		st := &flowState{release: rel.release, apiVersion: rel.apiVersion}
		for _, step := range steps {
			t.Run(rel.release+"/"+step.name, func(t *testing.T) {
				runContractStep(t, sim, st, step)
			})
		}
	}
}
