package main

import (
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// -debug prints one D! line per request; without it there is none.
func TestProcess_DebugShowsEveryRequest(t *testing.T) {
	var requests atomic.Int64
	nbu := newFakeNBU(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/vnd.netbackup+json;version=13.0")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"errorCode":404,"errorMessage":"not found"}`))
	})
	config := pluginConfig(t, nbu.server.URL, nbu.caFile)
	line := regexp.MustCompile(`(?m)^D! server 127\.0\.0\.1\S*: GET (/\S+): (\d{3}) [A-Za-z ]+ in \S+ \(attempt 1\)$`)

	r := runBinary(t, "-config", config, "-once", "-debug")
	requireExecdStderr(t, r)
	got := line.FindAllStringSubmatch(r.stderr, -1)
	var seen []string
	for _, m := range got {
		seen = append(seen, m[1]+" "+m[2])
	}
	require.Contains(t, seen, "/ping 200", "stderr:\n%s", r.stderr)
	require.Contains(t, seen, "/security/cacert 404", "stderr:\n%s", r.stderr)
	require.Len(t, seen, 1+int(requests.Load()), "one line per request (the ping and %d more); stderr:\n%s", requests.Load(), r.stderr)

	r = runBinary(t, "-config", config, "-once")
	require.False(t, strings.Contains(r.stderr, "D! "), "debug lines without -debug:\n%s", r.stderr)
}
