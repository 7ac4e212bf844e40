package netbackup

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

var healthCollectors = []string{"slp", "catalog_backup", "alerts", "services", "licensing", "certificates"}

var healthMeasurements = map[string]string{
	"slp":            "netbackup_slp_backlog",
	"catalog_backup": "netbackup_catalog_backup",
	"alerts":         "netbackup_alerts",
	"services":       "netbackup_service",
	"licensing":      "netbackup_license",
	"certificates":   "netbackup_certificate",
}

// One endpoint failing makes its collector report an error while every
// other health collector still delivers its metrics.
func TestHealthCollectorFailureIsolated(t *testing.T) {
	failing := map[string]string{
		"slp":            "/catalog/slp-images",
		"catalog_backup": "/admin/jobs",
		"alerts":         "/manage/alerts",
		"services":       "/config/hosts",
		"licensing":      "/licensing/capacity",
	}
	for name, path := range failing {
		t.Run(name, func(t *testing.T) {
			env := startSim(t, nbusim.Config{})
			env.sim.AddFault(nbusim.Fault{PathPrefix: path, Kind: nbusim.FaultStatus, Status: http.StatusInternalServerError})
			p := newTestPlugin(t, on(env), collect(healthCollectors...))
			acc := gatherOnce(t, p)

			errs := errorsOf(acc)
			require.Len(t, errs, 1, "%v", errs)
			require.Contains(t, errs[0].Error(), "collector "+name)
			for _, other := range healthCollectors {
				points := metricsNamed(acc, healthMeasurements[other])
				if other == name {
					require.Empty(t, points)
					continue
				}
				require.NotEmpty(t, points, "collector %s", other)
			}
			for _, m := range metricsNamed(acc, "netbackup_collector") {
				wantErrors := int64(0)
				if m.Tags["collector"] == name {
					wantErrors = 1
				}
				require.EqualValues(t, wantErrors, m.Fields["errors"], m.Tags["collector"])
			}
		})
	}
}
