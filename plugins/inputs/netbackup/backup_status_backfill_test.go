package netbackup

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// backup_status's first start reads backup_status_lookback (72h), the
// longest catch-up of all: it walks id ranges max_concurrency at a time,
// with the same result as the simulator's own record.
func TestBackupStatusBackfillRanges(t *testing.T) {
	s := jobsStartSim(t, backfillTestConfig())
	floor := s.sim.Now().Add(-defaultBackupLookback)
	p := s.jobsPlugin(t, "", []string{"backup_status"}, func(p *NetBackup) { p.MaxConcurrency = 4 })
	got := backupStatusGot(t, p)
	require.Positive(t, rangedRequests(s), "the backup_status backfill was not split into id ranges")
	want := backupStatusExpected(t, s.sim, floor)
	require.Greater(t, len(want), 20)
	require.Equal(t, want, got)
}
