package netbackup

import (
	"net/http"
	"strings"
	"testing"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// A pool DOWN, volumes DOWN: up and volumes_down say so, per pool and per
// volume.
func TestStorageCollectorPoolAndVolumesDown(t *testing.T) {
	env := startSim(t, nbusim.Config{DiskPools: 8})
	p := newTestPlugin(t, on(env), collect("storage"))
	acc := gatherOnce(t, p)
	require.Empty(t, acc.Errors)

	var poolsDown, volumesDown int
	downPerPool := make(map[string]int64)
	for _, m := range metricsNamed(acc, "netbackup_disk_volume") {
		if m.Tags["state"] == "DOWN" {
			require.Equal(t, int64(0), m.Fields["up"])
			volumesDown++
			downPerPool[m.Tags["disk_pool"]]++
		} else {
			require.Equal(t, "UP", m.Tags["state"])
			require.Equal(t, int64(1), m.Fields["up"])
		}
	}
	for _, m := range metricsNamed(acc, "netbackup_disk_pool") {
		want := int64(1)
		if m.Tags["state"] != "UP" {
			want = 0
		}
		if m.Tags["state"] == "DOWN" {
			poolsDown++
		}
		require.Equal(t, want, m.Fields["up"], "pool %s", m.Tags["disk_pool"])
		require.Equal(t, downPerPool[m.Tags["disk_pool"]], m.Fields["volumes_down"], "pool %s", m.Tags["disk_pool"])
	}
	require.Positive(t, poolsDown, "the simulator's dataset must hold a pool DOWN")
	require.Positive(t, volumesDown, "the simulator's dataset must hold volumes DOWN")
}

// A key without rights: 200 with empty data. Nothing reported, no error, one
// informative line per family however many gathers.
func TestStorageCollectorEmptyResult(t *testing.T) {
	env := startSim(t, nbusim.Config{NoRights: true})
	p := newTestPlugin(t, on(env), collect("storage", "tape", "media_servers"))
	for range 2 {
		acc := gatherOnce(t, p)
		require.Empty(t, acc.Errors)
		for _, name := range []string{"netbackup_disk_pool", "netbackup_disk_volume", "netbackup_storage_unit",
			"netbackup_storage_server", "netbackup_drive", "netbackup_tape_media", "netbackup_media_server"} {
			require.Empty(t, metricsNamed(acc, name), name)
		}
	}
	var empty []string
	for _, line := range logLines(env.log, testutil.LevelInfo) {
		if strings.Contains(line, "lists no") {
			empty = append(empty, line)
		}
	}
	// disk pools, storage units, storage servers, drives, tape media, media servers
	require.Len(t, empty, 6, "%q", empty)
}

// A 401 on one endpoint only: the other families are still reported, the
// denied one gives one error, then silence while it persists.
func TestStorageCollectorUnauthorizedOnOneEndpoint(t *testing.T) {
	env := startSim(t, nbusim.Config{StorageUnits: 20, DiskPools: 4})
	env.sim.AddFault(nbusim.Fault{PathPrefix: diskPoolsPath, Kind: nbusim.FaultStatus, Status: http.StatusUnauthorized})
	p := newTestPlugin(t, on(env), collect("storage"))

	acc := gatherOnce(t, p)
	require.Len(t, acc.Errors, 1)
	require.True(t, nbuapi.IsStatus(acc.Errors[0], http.StatusUnauthorized), "%v", acc.Errors[0])
	require.Contains(t, acc.Errors[0].Error(), "disk pools")
	require.Empty(t, metricsNamed(acc, "netbackup_disk_pool"))
	require.Len(t, metricsNamed(acc, "netbackup_storage_unit"), 20)
	require.Len(t, metricsNamed(acc, "netbackup_storage_server"), 4)

	acc = gatherOnce(t, p)
	require.Empty(t, acc.Errors, "a persisting 401 is reported once")
	require.Len(t, metricsNamed(acc, "netbackup_storage_unit"), 20)

	// Rights granted: pools come back.
	env.sim.ClearFaults()
	acc = gatherOnce(t, p)
	require.Empty(t, acc.Errors)
	require.Len(t, metricsNamed(acc, "netbackup_disk_pool"), 4)
}

// A key-wide 401 (every storage endpoint denied) is an error every gather.
func TestStorageCollectorUnauthorizedEverywhere(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	env.sim.AddFault(nbusim.Fault{PathPrefix: "/storage", Kind: nbusim.FaultStatus, Status: http.StatusUnauthorized})
	p := newTestPlugin(t, on(env), collect("storage"))
	for range 2 {
		acc := gatherOnce(t, p)
		require.Len(t, acc.Errors, 1)
		require.True(t, nbuapi.IsStatus(acc.Errors[0], http.StatusUnauthorized))
	}
}

// One endpoint failing (500 after retries) does not stop the others.
func TestStorageCollectorOneEndpointFails(t *testing.T) {
	env := startSim(t, nbusim.Config{StorageUnits: 10, DiskPools: 3})
	env.sim.AddFault(nbusim.Fault{PathPrefix: storageUnitsPath, Kind: nbusim.FaultStatus, Status: http.StatusInternalServerError})
	p := newTestPlugin(t, on(env), collect("storage"))
	for range 2 {
		acc := gatherOnce(t, p)
		require.Len(t, acc.Errors, 1, "a server error is reported every gather")
		require.Contains(t, acc.Errors[0].Error(), "storage units")
		require.Len(t, metricsNamed(acc, "netbackup_disk_pool"), 3)
		require.Len(t, metricsNamed(acc, "netbackup_storage_server"), 3)
	}
}
