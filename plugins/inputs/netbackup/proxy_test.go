package netbackup

import (
	"testing"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"
)

// TestInit_ProxyPasswordIsNotPrinted: an http_proxy_url refused for its
// scheme or syntax is named without its user information.
func TestInit_ProxyPasswordIsNotPrinted(t *testing.T) {
	for _, proxy := range []string{
		"socks5://proxyuser:Pr0xy-Secret@proxy.example.com:1080",
		"http://proxyuser:Pr0xy-Secret@proxy example.com:3128",
		"proxyuser:Pr0xy-Secret@proxy.example.com:3128",
	} {
		p := New()
		p.Servers = []string{"https://nbu-primary:1556"}
		p.APIKey = config.NewSecret([]byte("k"))
		p.Log = testutil.Logger{}
		p.HTTPProxyURL = proxy

		err := p.Init()

		require.ErrorContains(t, err, "invalid http_proxy_url")
		require.NotContains(t, err.Error(), "Pr0xy-Secret")
		require.NotContains(t, err.Error(), "proxyuser")
	}
}
