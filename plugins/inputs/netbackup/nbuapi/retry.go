package nbuapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// shouldRetry is the client's only resty retry condition. resty lets a
// condition replace its default (retry any error), so it must say yes to
// transport failures itself: a reset connection, a refused dial, a timeout.
// It says no to what another attempt cannot fix: a cancelled or expired
// gather, a certificate that does not verify, a TLS version the server
// refuses, a body over max_response_bytes, a refused redirect. Statuses: 429
// and the transient 5xx (500, 502, 503, 504; not 501 or 505), never 4xx
// such as 400, 401, 403, 404 or 406.
func shouldRetry(resp *resty.Response, err error) bool {
	if err != nil {
		if isContextError(err) && resp != nil && resp.Request != nil && resp.Request.Context().Err() == nil {
			// The gather goes on: this attempt hit the per-attempt timeout
			// (the transport reports context.DeadlineExceeded, also for an
			// answer cut off by it).
			return true
		}
		return retryableError(err)
	}
	if resp == nil { // resty passes nil when a middleware failed
		return false
	}
	return retryableStatus(resp.StatusCode())
}

func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests,
		http.StatusInternalServerError,
		http.StatusBadGateway,
		http.StatusServiceUnavailable,
		http.StatusGatewayTimeout:
		return true
	}
	return false
}

func retryableError(err error) bool {
	switch {
	case isContextError(err): // the gather was cancelled or ran out of time
		return false
	case errors.Is(err, resty.ErrResponseBodyTooLarge), errors.Is(err, errRedirectRefused):
		return false
	case isTLSError(err):
		return false
	}
	return true
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// isTLSError reports a failure of the TLS handshake that another attempt
// would repeat: certificate verification, protocol version, alerts.
func isTLSError(err error) bool {
	var (
		verifyErr     *tls.CertificateVerificationError
		unknownAuth   x509.UnknownAuthorityError
		hostnameErr   x509.HostnameError
		invalidErr    x509.CertificateInvalidError
		alertErr      tls.AlertError
		recordErr     tls.RecordHeaderError
		echRejectErr  *tls.ECHRejectionError
		constraintErr x509.ConstraintViolationError
	)
	if errors.As(err, &verifyErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostnameErr) ||
		errors.As(err, &invalidErr) || errors.As(err, &alertErr) || errors.As(err, &recordErr) ||
		errors.As(err, &echRejectErr) || errors.As(err, &constraintErr) {
		return true
	}
	// crypto/tls reports a protocol version it will not speak with plain
	// errors ("tls: server selected unsupported protocol version 302").
	return strings.Contains(err.Error(), "tls: ")
}

// retryAfter is the wait a 429 or 503 asks for in its Retry-After header;
// 0 when there is none to honour (another status, no header, a value that
// does not parse), and Client.retryWait then backs off. retryWait also
// keeps the wait within retry_wait_time and retry_max_wait_time.
func retryAfter(resp *resty.Response, now time.Time) time.Duration {
	if resp == nil {
		return 0
	}
	switch resp.StatusCode() {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
	default:
		return 0
	}
	wait, _ := parseRetryAfter(resp.Header().Get("Retry-After"), now)
	return wait
}

// minimumRetryWait is what a Retry-After of 0 or in the past becomes: the
// shortest wait that is not 0 (which means "no Retry-After"); retryWait
// raises it to retry_wait_time.
const minimumRetryWait = time.Nanosecond

// parseRetryAfter reads a Retry-After value: delta-seconds, an HTTP-date,
// or the ISO-8601 date-time NetBackup sends (2022-01-14T14:46:01.311Z).
// A date in the past or "0" means "retry soon": the minimum wait, never a
// negative duration. ok is false for a missing or unparsable value.
func parseRetryAfter(value string, now time.Time) (wait time.Duration, ok bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		const maxSeconds = int64(1<<63-1) / int64(time.Second)
		if secs > maxSeconds {
			secs = maxSeconds
		}
		return atLeastMinimum(time.Duration(secs) * time.Second), true
	}
	for _, parse := range []func(string) (time.Time, error){
		http.ParseTime,
		func(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) },
	} {
		if at, err := parse(value); err == nil {
			return atLeastMinimum(at.Sub(now)), true
		}
	}
	return 0, false
}

func atLeastMinimum(d time.Duration) time.Duration {
	if d < minimumRetryWait {
		return minimumRetryWait
	}
	return d
}
