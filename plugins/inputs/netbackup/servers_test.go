package netbackup

import (
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"
)

// testSource is the source tag of a test server: httptest never listens on
// 1556, so the tag carries the port.
func testSource(ts *httptest.Server) string { return testSourceOfURL(ts.URL) }

// testSourceOfURL is the source tag of a servers entry on a port other
// than 1556.
func testSourceOfURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	return u.Host
}

func serversPlugin(servers ...string) *NetBackup {
	p := New()
	p.Servers = servers
	p.APIKey = config.NewSecret([]byte("k"))
	p.Log = testutil.Logger{}
	return p
}

// One server written twice, however it is written, would have every job
// emitted twice: refused at start, naming both entries.
func TestServers_DuplicatesRefused(t *testing.T) {
	for _, pair := range [][2]string{
		{"https://nbu:1556", "https://nbu:1556/"},
		{"https://nbu:1556", "https://nbu:1556/netbackup"},
		{"https://nbu:1556/netbackup/", "https://nbu:1556"},
		{"https://NBU-Primary:1556", "https://nbu-primary:1556"},
		{"https://nbu", "https://nbu:1556"},
		{"https://nbu:01556", "https://nbu"},
		{"https://[::1]", "https://[::1]:1556/"},
	} {
		err := serversPlugin(pair[0], "https://other:1556", pair[1]).Init()
		require.Error(t, err, "%q and %q", pair[0], pair[1])
		require.Contains(t, err.Error(), pair[0])
		require.Contains(t, err.Error(), pair[1])
		require.Contains(t, err.Error(), "the same server")
	}
}

// Two servers on one host with different ports are two servers, with two
// source tags.
func TestServers_SourceCarriesThePortUnless1556(t *testing.T) {
	for raw, want := range map[string]string{
		"https://nbu-primary:1556":             "nbu-primary",
		"https://nbu-primary":                  "nbu-primary",
		"https://NBU-Primary.Example.com:1556": "nbu-primary.example.com",
		"https://nbu-primary:8443":             "nbu-primary:8443",
		"https://nbu-primary:443/":             "nbu-primary:443",
		"https://10.0.0.5:01556":               "10.0.0.5",
		"https://[::1]:8443":                   "[::1]:8443",
		"https://[::1]":                        "::1",
	} {
		p := serversPlugin(raw)
		require.NoError(t, p.Init(), raw)
		require.Equal(t, want, p.servers[0].source, raw)
	}

	p := serversPlugin("https://nbu:1556", "https://nbu:8443", "https://nbu:9443")
	require.NoError(t, p.Init())
	require.Equal(t, []string{"nbu", "nbu:8443", "nbu:9443"},
		[]string{p.servers[0].source, p.servers[1].source, p.servers[2].source})
}

// Without a port the API is reached on 1556, NetBackup's port: the entry
// and the state file key say so.
func TestServers_NoPortMeans1556(t *testing.T) {
	for raw, want := range map[string]string{
		"https://nbu":                   "https://nbu:1556/netbackup",
		"https://NBU/":                  "https://nbu:1556/netbackup",
		"https://nbu:1556/netbackup/":   "https://nbu:1556/netbackup",
		"https://nbu:8443/proxy/nbu":    "https://nbu:8443/proxy/nbu/netbackup",
		"https://[::1]":                 "https://[::1]:1556/netbackup",
		"https://nbu.example.com:01556": "https://nbu.example.com:1556/netbackup",
	} {
		u, err := normalizeServerURL(raw)
		require.NoError(t, err, raw)
		require.Equal(t, want, u.String(), raw)
	}
	_, err := normalizeServerURL("https://nbu:99999")
	require.ErrorContains(t, err, "port")
}
