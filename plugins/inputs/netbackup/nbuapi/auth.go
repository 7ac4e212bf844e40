package netbackup

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/influxdata/telegraf/config"
)

// authenticator hands out the credential for the Authorization header: the
// API key, read from its secret on every request (secret stores may rotate
// it), or a JWT from POST /login, kept in memory and renewed before it
// expires or after the server refused it once.
type authenticator struct {
	apiKey     *config.Secret
	username   *config.Secret
	password   *config.Secret
	domainType string
	domainName string
	now        func() time.Time

	mu      sync.Mutex
	token   string
	renewAt time.Time
	// After the server refused the user name or password, no new login is
	// tried until refusedUntil: every collector asks for a credential, and
	// a burst of failed logins can lock the NetBackup account.
	refusedUntil time.Time
	refusal      error
}

// loginRefusalPause is how long a refused login is not tried again.
const loginRefusalPause = time.Minute

// maxRenewMargin is how long before its expiry a JWT is renewed at most
// (a tenth of its validity when that is shorter).
const maxRenewMargin = 5 * time.Minute

func (a *authenticator) usesLogin() bool { return a.apiKey == nil }

// credential returns the value of the Authorization header.
func (a *authenticator) credential(ctx context.Context, c *client) (string, error) {
	if !a.usesLogin() {
		return secretString(a.apiKey, "api_key")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token != "" && a.now().Before(a.renewAt) {
		return a.token, nil
	}
	if a.refusal != nil && a.now().Before(a.refusedUntil) {
		return "", a.refusal
	}
	return a.login(ctx, c)
}

// invalidate forgets a JWT the server refused, unless another request has
// already replaced it.
func (a *authenticator) invalidate(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token == token {
		a.token = ""
	}
}

// loginResponse is the 201 body of POST /login.
type loginResponse struct {
	Token    string `json:"token"`
	Validity int64  `json:"validity"` // seconds
}

// login runs POST /login; the caller holds a.mu.
func (a *authenticator) login(ctx context.Context, c *client) (string, error) {
	user, err := secretString(a.username, "username")
	if err != nil {
		return "", err
	}
	password, err := secretString(a.password, "password")
	if err != nil {
		return "", err
	}
	// Not versionFor: the version probe itself needs this login. /login
	// exists in every version, the oldest probed one will do.
	version := c.knownVersion()
	if version.IsZero() {
		version = oldestProbeVersion
	}
	body := map[string]string{
		"domainType": a.domainType,
		"domainName": a.domainName,
		"userName":   user,
		"password":   password,
	}
	req := request{method: http.MethodPost, path: "/login", body: body, version: version}
	resp, err := c.send(ctx, req, "")
	if err != nil {
		return "", fmt.Errorf("login failed for user %q: %w", user, err)
	}
	if resp.StatusCode() != http.StatusCreated && resp.StatusCode() != http.StatusOK {
		err := c.statusError(req, resp, password)
		if err == nil {
			err = fmt.Errorf("unexpected status %d", resp.StatusCode())
		}
		err = fmt.Errorf("login failed for user %q: %w", user, err)
		if resp.StatusCode() < http.StatusInternalServerError && resp.StatusCode() != http.StatusTooManyRequests {
			a.refusal = fmt.Errorf("%w (not tried again for %s, to keep the account from being locked)", err, loginRefusalPause)
			a.refusedUntil = a.now().Add(loginRefusalPause)
		}
		return "", err
	}
	var lr loginResponse
	if err := json.Unmarshal(resp.Body(), &lr); err != nil || lr.Token == "" {
		return "", fmt.Errorf("login failed for user %q: the answer of POST /login has no token", user)
	}
	validity := time.Duration(lr.Validity) * time.Second
	if lr.Validity <= 0 {
		validity = time.Hour // unknown: renew hourly, a 401 renews sooner
	}
	margin := min(validity/10, maxRenewMargin)
	a.refusal = nil
	a.token = lr.Token
	a.renewAt = a.now().Add(validity - margin)
	return a.token, nil
}

// secretString copies a secret out of its protected buffer and destroys
// the buffer at once.
func secretString(s *config.Secret, option string) (string, error) {
	if s == nil {
		return "", fmt.Errorf("option %s is not set", option)
	}
	buf, err := s.Get()
	if err != nil {
		return "", fmt.Errorf("reading the secret of option %s: %w", option, err)
	}
	value := buf.String()
	buf.Destroy()
	return value, nil
}
