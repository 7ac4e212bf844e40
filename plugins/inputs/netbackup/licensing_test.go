package netbackup

import (
	"math"
	"testing"
	"time"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

func TestLicensingMatchesSimulator(t *testing.T) {
	for _, detail := range []bool{false, true} {
		t.Run(map[bool]string{false: "total only", true: "with client detail"}[detail], func(t *testing.T) {
			env := startSim(t, nbusim.Config{})
			items := healthRawItems[licenseCapacityAttributes](t, env, "/licensing/capacity")
			require.Len(t, items, 1)
			want := items[0].Attributes

			p := newTestPlugin(t, on(env), collect("licensing"), func(p *NetBackup) { p.LicenseClientDetail = detail })
			acc := gatherOnce(t, p)
			require.Empty(t, errorsOf(acc))
			total := metricsNamed(acc, "netbackup_license")
			require.Len(t, total, 1)
			require.Equal(t, map[string]string{"source": testSource(env.server), "primary_server": items[0].ID}, total[0].Tags)
			require.Equal(t, int64(math.Round(want.MasterConsumptionMB.V*1024*1024)), total[0].Fields["consumed_bytes"])

			clients := metricsNamed(acc, "netbackup_license_client")
			if !detail {
				require.Empty(t, clients)
				return
			}
			require.Len(t, clients, len(want.ClientDetails))
			var sum int64
			for _, m := range clients {
				sum += m.Fields["consumed_bytes"].(int64)
			}
			require.InDelta(t, total[0].Fields["consumed_bytes"], sum, float64(len(clients)), "clients add up to the total")
		})
	}
}

func TestLicensingFixture(t *testing.T) {
	fx := newHealthFixture("13.0", time.Now())
	fx.handle("/licensing/capacity", healthServeFile(t, "licensing_capacity.json"))
	env := serveFixture(t, fx)
	p := newTestPlugin(t, on(env), collect("licensing"), func(p *NetBackup) { p.LicenseClientDetail = true })
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	requireHealthPoints(t, []*testutil.Metric{
		{Measurement: "netbackup_license", Tags: map[string]string{"source": testSource(env.server), "primary_server": "nbu-primary.example.com"},
			Fields: map[string]interface{}{"consumed_bytes": int64(1536.5 * 1024 * 1024)}},
		{Measurement: "netbackup_license", Tags: map[string]string{"source": testSource(env.server), "primary_server": "nbu-dr.example.com"},
			Fields: map[string]interface{}{"consumed_bytes": int64(0)}},
	}, metricsNamed(acc, "netbackup_license"))
	requireHealthPoints(t, []*testutil.Metric{
		{Measurement: "netbackup_license_client", Tags: map[string]string{"source": testSource(env.server), "primary_server": "nbu-primary.example.com", "client": "db01"},
			Fields: map[string]interface{}{"consumed_bytes": int64(1024.25 * 1024 * 1024)}},
		{Measurement: "netbackup_license_client", Tags: map[string]string{"source": testSource(env.server), "primary_server": "nbu-primary.example.com", "client": "web01"},
			Fields: map[string]interface{}{"consumed_bytes": int64(512.25 * 1024 * 1024)}},
	}, metricsNamed(acc, "netbackup_license_client"))
}

func TestLicensingEndpointMissing(t *testing.T) {
	lines := gatherWithoutEndpoints(t, "10.0", "licensing", "netbackup_license")
	require.Len(t, lines, 1)
	require.Contains(t, lines[0], "/licensing/capacity")
}
