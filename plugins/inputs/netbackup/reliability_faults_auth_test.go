package netbackup

import (
	"net/http"
	"testing"
	"time"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

const (
	relWrongPassword = "relwrong-Pz3mX8kLq2"
	relWrongAPIKey   = "relkey-WRONG-Jd8s7Fq2Vb"
)

// Fault matrix, authentication: wrong credentials, a token that expires,
// a key that may not read one endpoint.
func relAuthRows() []relFaultRow {
	return []relFaultRow{
		{
			name:    "401 on login: wrong password",
			sim:     relLoginSim,
			tune:    func(_ testing.TB, _ *testEnv, p *NetBackup) { p.Password = config.NewSecret([]byte(relWrongPassword)) },
			up:      1,
			errs:    []string{`login failed for user "reluser"`, "POST /login: 401 Unauthorized", "The user name, password or API Key is wrong"},
			absent:  relStorageSet,
			retries: 0,
			// Each family's request tries to log in: three failed logins.
			failed:  3,
			secrets: []string{relWrongPassword},
		},
		{
			name:    "401 on a request: wrong API key",
			tune:    func(_ testing.TB, _ *testEnv, p *NetBackup) { p.APIKey = config.NewSecret([]byte(relWrongAPIKey)) },
			up:      1,
			errs:    []string{"GET /storage/storage-units: 401 Unauthorized", "check api_key"},
			absent:  relStorageSet,
			retries: 0,
			failed:  3,
			secrets: []string{relWrongAPIKey},
		},
		{
			name:    "401 on a request: expired token, one new login",
			sim:     relLoginSim,
			up:      1,
			present: relStorageSet,
			retries: 0,
			failed:  0,
			check:   relCheckTokenExpiry,
		},
		relUnitsLost("403 on one endpoint", 0,
			"storage units (/storage/storage-units): the API key may not read them", "403 Forbidden").
			withFaults(relStatusFault(403, "")...),
	}
}

// relLoginSim makes the simulator want a user name and password.
func relLoginSim(c *nbusim.Config) {
	c.Username, c.Password = testUser, testPassword
	c.TokenValidity = time.Hour
}

// relCheckTokenExpiry: the simulator's clock passes the JWT's validity; the
// next gather's first request gets 401, logs in once more and carries on.
func relCheckTokenExpiry(t testing.TB, run *relRun, p *NetBackup, _ *testutil.Accumulator) {
	logins := func() int { return len(requestsTo(run.env.sim, "/login")) }
	require.Equal(t, 1, logins())
	run.env.sim.Advance(2 * time.Hour)
	acc := run.gather(t, p)
	require.Empty(t, errorText(acc))
	for _, name := range relStorageSet {
		require.Positive(t, len(metricsNamed(acc, name)))
	}
	require.Equal(t, 2, logins(), "exactly one new login")
	unauthorized := 0
	for _, r := range run.env.sim.Requests() {
		if r.Status == http.StatusUnauthorized {
			unauthorized++
		}
	}
	require.Equal(t, 1, unauthorized, "one request met the expired token")
	require.Len(t, run.env.auth.seen(), 2, "two tokens were used")
}
