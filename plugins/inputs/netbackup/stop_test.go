package netbackup

import (
	"testing"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"
)

func TestStop_DestroysTheCredentials(t *testing.T) {
	for _, login := range []bool{false, true} {
		p := New()
		p.Servers = []string{"https://nbu-primary:1556"}
		p.Log = testutil.Logger{}
		if login {
			p.Username = config.NewSecret([]byte("monitor"))
			p.Password = config.NewSecret([]byte("secret-password"))
		} else {
			p.APIKey = config.NewSecret([]byte("secret-key"))
		}
		require.NoError(t, p.Init())

		p.Stop()

		for _, s := range []*config.Secret{&p.APIKey, &p.Username, &p.Password} {
			require.True(t, s.Empty())
			buf, err := s.Get()
			require.NoError(t, err)
			require.Empty(t, buf.String())
			buf.Destroy()
		}
	}
}
