package nbuapi

import (
	"crypto/tls"
	"net/http"
	"net/url"
	"time"

	"github.com/influxdata/telegraf"
)

// Config is everything the client of one server needs. New never touches
// the network.
type Config struct {
	// BaseURL ends in /netbackup, e.g. https://nbu-primary:1556/netbackup.
	BaseURL *url.URL
	// Name is how log lines name the server (the URL's host when empty).
	Name string

	// Exactly one way to authenticate: APIKey, or Username and Password
	// (POST /login with DomainType and DomainName).
	APIKey     Secret
	Username   Secret
	Password   Secret
	DomainType string
	DomainName string

	// APIVersion is "auto" or "" (negotiate) or a fixed version such as "13.0".
	APIVersion string

	Timeout          time.Duration // per attempt, from the moment it has a slot of the budget
	RetryCount       int           // retries after the first attempt
	RetryWaitTime    time.Duration // first backoff
	RetryMaxWaitTime time.Duration // backoff and Retry-After cap
	MaxResponseBytes int64

	// TLS is the client TLS configuration; the client raises MinVersion to
	// TLS 1.2 whatever it says.
	TLS *tls.Config
	// Proxy selects the proxy per request (nil: no proxy).
	Proxy func(*http.Request) (*url.URL, error)

	UserAgent string
	Log       telegraf.Logger // nil: discard

	// Budget bounds the requests in flight; the clients of one plugin
	// instance share one. nil: a budget of DefaultBudget slots for this
	// client alone.
	Budget *Budget
}

// DefaultBudget is the size of a client's own budget (Config.Budget nil),
// and the plugin's default max_concurrent_requests.
const DefaultBudget = 16

// Secret returns a credential when the client needs it: the caller decides
// how often the underlying store is read (a protected secret locks memory
// at every read), the client never keeps an API key itself.
type Secret func() (string, error)
