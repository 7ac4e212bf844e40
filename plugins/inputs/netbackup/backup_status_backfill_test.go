package netbackup

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// backup_status's first start reads backup_status_lookback (72h), the
// longest catch-up of all: it walks id ranges max_concurrency at a time,
// with the same result as the simulator's own record.
func TestBackupStatusBackfillRanges(t *testing.T) {
	env := startSim(t, backfillTestConfig())
	floor := env.sim.Now().Add(-defaultBackupLookback)
	p := newTestPlugin(t, on(env), jobsPacing, collect("backup_status"), func(p *NetBackup) { p.MaxConcurrency = 4 })
	got := backupStatusGot(t, p)
	require.Positive(t, rangedRequests(env), "the backup_status backfill was not split into id ranges")
	want := backupStatusExpected(t, env.sim, floor)
	require.Greater(t, len(want), 20)
	require.Equal(t, want, got)
}
