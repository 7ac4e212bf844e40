package netbackup

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

func authErrors(acc *testutil.Accumulator) []string {
	var out []string
	for _, err := range errorsOf(acc) {
		out = append(out, err.Error())
	}
	return out
}

func authAPIPoint(t *testing.T, acc *testutil.Accumulator) *testutil.Metric {
	t.Helper()
	points := metricsNamed(acc, "netbackup_api")
	require.Len(t, points, 1)
	return points[0]
}

// A wrong API key: every collector is refused with 401. The gather says so
// once for the server, naming the likely causes, at every gather;
// netbackup_api says the server is up but the credential was refused.
func TestAuthFailure_OneErrorPerServerAndGather(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	p := newTestPlugin(t, on(env), func(p *NetBackup) {
		p.APIKey = config.NewSecret([]byte("not-the-key"))
	})
	for gather := range 2 {
		acc := gatherOnce(t, p)
		errs := authErrors(acc)
		require.Len(t, errs, 1, "gather %d: one error for the server, not one per collector:\n%s", gather, strings.Join(errs, "\n"))
		require.Regexp(t, `^server 127\.0\.0\.1\S*: every request with the credential was refused \(401 Unauthorized, \d+ requests; collectors `, errs[0])
		require.Contains(t, errs[0], "the API key is wrong, expired or revoked")
		require.Contains(t, errs[0], "${")
		require.NotContains(t, errs[0], "not-the-key")
		api := authAPIPoint(t, acc)
		require.EqualValues(t, 1, api.Fields["up"], "the server answers")
		require.EqualValues(t, 0, api.Fields["authenticated"])
		require.Empty(t, metricsNamed(acc, "netbackup_job"))
	}
}

// A key that is the unexpanded text of a variable is named as such.
func TestAuthFailure_UnexpandedVariableIsNamed(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	p := newTestPlugin(t, on(env), collect("storage", "tape"), func(p *NetBackup) {
		p.APIKey = config.NewSecret([]byte("${NETBACKUP_API_KEY}"))
	})
	errs := authErrors(gatherOnce(t, p))
	require.Len(t, errs, 1, strings.Join(errs, "\n"))
	require.Contains(t, errs[0], "api_key is the text ${NETBACKUP_API_KEY}: the environment variable NETBACKUP_API_KEY did not reach the plugin")
}

// A refused login: one error per gather, also while the refusal is in
// force and no login is sent.
func TestAuthFailure_RefusedLogin(t *testing.T) {
	env := startSim(t, nbusim.Config{Username: "monitor", Password: "right"})
	p := newTestPlugin(t, on(env), func(p *NetBackup) {
		p.Password = config.NewSecret([]byte("wrong-password"))
	})
	for gather := range 2 {
		acc := gatherOnce(t, p)
		errs := authErrors(acc)
		require.Len(t, errs, 1, "gather %d:\n%s", gather, strings.Join(errs, "\n"))
		require.Contains(t, errs[0], "the user name or password is wrong")
		require.Contains(t, errs[0], "POST /login: 401 Unauthorized")
		require.NotContains(t, errs[0], "wrong-password")
		require.EqualValues(t, 0, authAPIPoint(t, acc).Fields["authenticated"])
	}
}

// A good key: authenticated = 1. A key refused by one endpoint only is no
// key-wide failure: that collector reports its own error.
func TestAuthFailure_PartialRefusalIsNotCollapsed(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	p := newTestPlugin(t, on(env), collect("storage", "media_servers"))
	acc := gatherOnce(t, p)
	require.Empty(t, authErrors(acc))
	require.EqualValues(t, 1, authAPIPoint(t, acc).Fields["authenticated"])

	env.sim.AddFault(nbusim.Fault{PathPrefix: "/config/media-servers", Kind: nbusim.FaultStatus, Status: 401})
	acc = gatherOnce(t, p)
	errs := authErrors(acc)
	require.Len(t, errs, 1)
	require.Contains(t, errs[0], "collector media_servers")
	require.NotContains(t, errs[0], "every request")
	require.EqualValues(t, 1, authAPIPoint(t, acc).Fields["authenticated"])
}

// Down: no request judged the credential, so the field is absent.
func TestAuthFailure_AbsentWhenNothingWasJudged(t *testing.T) {
	env := startSim(t, nbusim.Config{})
	env.sim.AddFault(nbusim.Fault{Kind: nbusim.FaultStatus, Status: 503})
	p := newTestPlugin(t, on(env), collect("storage"))
	acc := gatherOnce(t, p)
	_, ok := authAPIPoint(t, acc).Fields["authenticated"]
	require.False(t, ok)
}

func TestOnlyUnauthorized(t *testing.T) {
	refused := &nbuapi.Error{Method: "GET", Path: "/x", Status: 401}
	failed := &nbuapi.Error{Method: "GET", Path: "/y", Status: 500}
	require.True(t, onlyUnauthorized(fmt.Errorf("disk pools: %w", refused)))
	require.True(t, onlyUnauthorized(errors.Join(refused, fmt.Errorf("units: %w", refused))))
	require.True(t, onlyUnauthorized(fmt.Errorf("walk: %w", errors.Join(refused, refused))))
	require.False(t, onlyUnauthorized(errors.Join(refused, failed)))
	require.False(t, onlyUnauthorized(fmt.Errorf("walk: %w", errors.Join(refused, errors.New("reset")))))
	require.False(t, onlyUnauthorized(errors.New("reset")))
}
