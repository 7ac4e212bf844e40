package netbackup

import (
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

type serviceSeries struct{ host, service, status string }

// simServices reads, independently of the plugin, the daemons of every host
// of the given types.
func simServices(t *testing.T, raw func(path string, out any), types ...string) map[serviceSeries]int64 {
	t.Helper()
	var hosts struct {
		Hosts []serviceHost `json:"hosts"`
	}
	raw("/config/hosts", &hosts)
	want := make(map[serviceSeries]int64)
	for _, h := range hosts.Hosts {
		if !strings.Contains(strings.Join(types, ","), h.NBUHostType) {
			continue
		}
		var services struct {
			Data []nbuapi.Resource[serviceAttributes] `json:"data"`
		}
		raw("/admin/hosts/"+h.UUID+"/services", &services)
		for _, s := range services.Data {
			running := int64(0)
			if s.Attributes.Status == "RUNNING" {
				running = 1
			}
			want[serviceSeries{h.HostName, s.ID, s.Attributes.Status}] = running
		}
	}
	return want
}

func servicesOf(acc *testutil.Accumulator) map[serviceSeries]int64 {
	got := make(map[serviceSeries]int64)
	for _, m := range metricsNamed(acc, "netbackup_service") {
		got[serviceSeries{m.Tags["host"], m.Tags["service"], m.Fields["status"].(string)}] = m.Fields["running"].(int64)
	}
	return got
}

func TestServicesMatchSimulator(t *testing.T) {
	for _, tc := range []struct {
		serviceHosts string
		types        []string
	}{
		{"primary", []string{"PRIMARY_SERVER"}},
		{"all", []string{"PRIMARY_SERVER", "MEDIA_SERVER"}},
	} {
		t.Run(tc.serviceHosts, func(t *testing.T) {
			env := startSim(t, nbusim.Config{})
			raw := func(path string, out any) { healthRaw(t, env, path, out) }
			want := simServices(t, raw, tc.types...)
			require.NotEmpty(t, want)

			p := newTestPlugin(t, on(env), collect("services"), func(p *NetBackup) { p.ServiceHosts = tc.serviceHosts })
			acc := gatherOnce(t, p)
			require.Empty(t, errorsOf(acc))
			require.Equal(t, want, servicesOf(acc))
			for _, m := range metricsNamed(acc, "netbackup_service") {
				require.Equal(t, testSource(env.server), m.Tags["source"])
			}
		})
	}
}

// A host that cannot list its services (501 on hosts before 8.2) is skipped
// with one log line, the others are reported; a client listed although the
// filter asked for servers is not asked.
func TestServicesHostWithoutServicesAPI(t *testing.T) {
	fx := newHealthFixture("13.0", time.Now())
	fx.handle("/config/hosts", healthServeFile(t, "config_hosts.json"))
	fx.handle("/admin/hosts/uuid-primary/services", healthServeFile(t, "services_primary.json"))
	fx.handle("/admin/hosts/uuid-media-old/services", func(w http.ResponseWriter, _ *http.Request) {
		healthWriteError(w, http.StatusNotImplemented, 9000, "not supported on this host version")
	})
	fx.handle("/admin/hosts/uuid-media/services", func(w http.ResponseWriter, _ *http.Request) {
		healthWriteError(w, http.StatusForbidden, 9001, "no permission")
	})
	env := serveFixture(t, fx)
	p := newTestPlugin(t, on(env), collect("services"), func(p *NetBackup) { p.ServiceHosts = "all" })

	for gather := range 2 {
		acc := gatherOnce(t, p)
		require.Equal(t, map[serviceSeries]int64{
			{"nbu-primary.example.com", "nbpem", "RUNNING"}:    1,
			{"nbu-primary.example.com", "bprd", "RUNNING"}:     1,
			{"nbu-primary.example.com", "nbsl", "STOPPED"}:     0,
			{"nbu-primary.example.com", "nbaudit", "DISABLED"}: 0,
		}, servicesOf(acc))
		require.EqualValues(t, 1, collectorErrorsField(t, acc, "services"), "gather %d: the collector failed in part", gather)
		errs := errorsOf(acc)
		if gather == 1 {
			require.Empty(t, errs, "the same refusal is not said again")
			continue
		}
		require.Len(t, errs, 1, "the 403 of one media server is an error")
		require.Contains(t, errs[0].Error(), "media1.example.com")
		require.Contains(t, errs[0].Error(), "reported once")
	}
	lines := logLines(env.log, testutil.LevelInfo)
	require.Len(t, lines, 1)
	require.Contains(t, lines[0], "media-old.example.com")
	for _, req := range fx.requestLog() {
		require.NotContains(t, req, "uuid-client", "clients are never asked")
	}
}

func TestServicesEndpointMissing(t *testing.T) {
	require.Len(t, gatherWithoutEndpoints(t, "13.0", "services", "netbackup_service"), 1)
}

func TestServicesQueriesByHostType(t *testing.T) {
	fx := newHealthFixture("13.0", time.Now())
	fx.handle("/config/hosts", func(w http.ResponseWriter, _ *http.Request) {
		healthWriteJSON(w, map[string]any{"hosts": []any{}})
	})
	env := serveFixture(t, fx)
	p := newTestPlugin(t, on(env), collect("services"), func(p *NetBackup) { p.ServiceHosts = "all" })
	acc := gatherOnce(t, p)
	require.Empty(t, errorsOf(acc))
	reqs := fx.requestLog()
	sort.Strings(reqs)
	require.Equal(t, []string{
		"/config/hosts?filter=nbuHostType%20eq%20%27MEDIA_SERVER%27",
		"/config/hosts?filter=nbuHostType%20eq%20%27PRIMARY_SERVER%27",
	}, reqs)
}
