package nbuapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"
)

// loginPath is the endpoint that trades a user name and password for a
// session token (JWT).
const loginPath = "/login"

// loginRefusalPause is how long a refused login is not tried again: every
// collector asks for a credential, and a burst of failed logins can lock
// the NetBackup account.
const loginRefusalPause = time.Minute

// maxRenewMargin is how long before its expiry a session token is renewed
// at most (a tenth of its validity when that is shorter).
const maxRenewMargin = 5 * time.Minute

// loginConfig is what POST /login sends.
type loginConfig struct {
	username, password     Secret
	domainType, domainName string
}

// session is the token of a client that logs in, renewed before it expires
// or after the server refused it once. Its mutex also serialises logins.
type session struct {
	mu           sync.Mutex
	token        string
	renewAt      time.Time
	refusedUntil time.Time
	refusal      error
}

// invalidate forgets a token the server refused, unless another request
// has already replaced it.
func (s *session) invalidate(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == token {
		s.token = ""
	}
}

// credential returns the value of the Authorization header: the API key, or
// a session token (logging in when there is none or it is due for renewal).
func (c *Client) credential(ctx context.Context) (string, error) {
	if !c.UsesLogin() {
		return readSecret(c.apiKey, "api_key", true)
	}
	s := &c.session
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && c.now().Before(s.renewAt) {
		return s.token, nil
	}
	if s.refusal != nil && c.now().Before(s.refusedUntil) {
		countRefused(ctx)
		return "", s.refusal
	}
	return c.logIn(ctx)
}

// loginResponse is the 201 body of POST /login.
type loginResponse struct {
	Token    string `json:"token"`
	Validity int64  `json:"validity"` // seconds
}

// logIn runs POST /login; the caller holds c.session.mu.
func (c *Client) logIn(ctx context.Context) (string, error) {
	user, err := readSecret(c.login.username, "username", false)
	if err != nil {
		return "", err
	}
	password, err := readSecret(c.login.password, "password", false)
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
		"domainType": c.login.domainType,
		"domainName": c.login.domainName,
		"userName":   user,
		"password":   password,
	}
	req := request{method: http.MethodPost, path: loginPath, body: body, version: version}
	resp, err := c.send(ctx, req, "")
	if err != nil {
		return "", fmt.Errorf("login failed for user %q: %w", user, err)
	}
	s := &c.session
	if resp.StatusCode() == http.StatusUnauthorized {
		// A login that succeeds is not counted as accepted: the requests
		// made with its token say whether the server takes it.
		countRefused(ctx)
	}
	if resp.StatusCode() != http.StatusCreated && resp.StatusCode() != http.StatusOK {
		err := c.statusError(req, resp, password)
		if err == nil {
			err = fmt.Errorf("unexpected status %d", resp.StatusCode())
		}
		err = fmt.Errorf("login failed for user %q: %w", user, err)
		if resp.StatusCode() < http.StatusInternalServerError && resp.StatusCode() != http.StatusTooManyRequests {
			s.refusal = fmt.Errorf("%w (not tried again for %s, to keep the account from being locked)", err, loginRefusalPause)
			s.refusedUntil = c.now().Add(loginRefusalPause)
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
	s.refusal = nil
	s.token = lr.Token
	s.renewAt = c.now().Add(validity - margin)
	return s.token, nil
}

// readSecret reads one credential, naming the option when it cannot.
//
// A credential with a control character where it cannot be meant (most
// often the trailing newline of a secret file) is refused before anything
// is sent: an API key travels in a header (inHeader), where Go refuses any control
// character at every attempt (retried for a minute, to no end); a user
// name or password travels in the login body, which can carry one inside
// (a password may hold a line break), but one at either end is almost
// surely the file's, and a refused login pauses logins and may lock the
// account. It is not trimmed instead: the value that is not the one meant
// should be fixed where it is kept. The error never quotes the value.
func readSecret(s Secret, option string, inHeader bool) (string, error) {
	if s == nil {
		return "", fmt.Errorf("option %s is not set", option)
	}
	value, err := s()
	if err != nil {
		return "", fmt.Errorf("reading the secret of option %s: %w", option, err)
	}
	if inHeader && strings.ContainsFunc(value, unicode.IsControl) {
		return "", fmt.Errorf("option %s contains a line break or control character (a trailing newline in a secret file?): remove it", option)
	}
	if value != strings.TrimFunc(value, unicode.IsControl) {
		return "", fmt.Errorf("option %s ends (or starts) with a line break or control character (a trailing newline in a secret file?): remove it", option)
	}
	return value, nil
}
