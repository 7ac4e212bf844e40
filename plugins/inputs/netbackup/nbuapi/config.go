package netbackup

import (
	"crypto/tls"
	"net/http"
	"net/url"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/config"
)

// clientConfig is everything the NetBackup client of one server needs. Init
// builds it from the options; newClient never touches the network.
type clientConfig struct {
	// BaseURL ends in /netbackup, e.g. https://nbu-primary:1556/netbackup.
	BaseURL *url.URL

	// Exactly one way to authenticate: APIKey, or Username and Password
	// (POST /login with DomainType and DomainName).
	APIKey     *config.Secret
	Username   *config.Secret
	Password   *config.Secret
	DomainType string
	DomainName string

	// APIVersion is "auto" (negotiate) or a fixed version such as "13.0".
	APIVersion string

	Timeout          time.Duration // per attempt
	RetryCount       int           // retries after the first attempt
	RetryWaitTime    time.Duration // first backoff
	RetryMaxWaitTime time.Duration // backoff and Retry-After cap
	MaxResponseBytes int64

	// TLS is the client TLS configuration; MinVersion is at least TLS 1.2.
	TLS *tls.Config
	// Proxy selects the proxy per request (http_proxy_url or the environment).
	Proxy func(*http.Request) (*url.URL, error)

	UserAgent string
	Log       telegraf.Logger
}
