package nbuapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/stretchr/testify/require"
)

// retryTestNow is the fixed clock of the Retry-After tests.
var retryTestNow = time.Date(2022, 1, 14, 14, 46, 0, 311_000_000, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"delta seconds", "3", 3 * time.Second, true},
		{"delta seconds with spaces", " 120 ", 2 * time.Minute, true},
		{"zero seconds means retry soon", "0", minimumRetryWait, true},
		{"negative seconds are garbage", "-5", 0, false},
		{"huge seconds do not overflow", "99999999999999999", time.Duration(int64(1<<63-1) / int64(time.Second) * int64(time.Second)), true},
		{"HTTP-date in the future", retryTestNow.Add(10 * time.Second).Format(http.TimeFormat), 10*time.Second - 311*time.Millisecond, true},
		{"HTTP-date in the past means retry soon", retryTestNow.Add(-time.Hour).Format(http.TimeFormat), minimumRetryWait, true},
		{"RFC 850 date", retryTestNow.Add(time.Minute).Format(time.RFC850), time.Minute - 311*time.Millisecond, true},
		{"NetBackup ISO date-time in the future", "2022-01-14T14:46:05.311Z", 5 * time.Second, true},
		{"ISO date-time with an offset", "2022-01-14T15:46:02.311+01:00", 2 * time.Second, true},
		{"ISO date-time without fraction", "2022-01-14T14:46:30Z", 30*time.Second - 311*time.Millisecond, true},
		{"ISO date-time in the past means retry soon", "2021-12-31T00:00:00.000Z", minimumRetryWait, true},
		{"empty", "", 0, false},
		{"garbage", "soon", 0, false},
		{"fractional seconds are not delta-seconds", "1.5", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.value, retryTestNow)
			require.Equal(t, tt.wantOK, ok)
			require.Equal(t, tt.want, got)
		})
	}
}

func retryTestResponse(status int, retryAfterValue string) *resty.Response {
	header := http.Header{}
	if retryAfterValue != "" {
		header.Set("Retry-After", retryAfterValue)
	}
	return &resty.Response{RawResponse: &http.Response{StatusCode: status, Header: header}}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name string
		resp *resty.Response
		want time.Duration
	}{
		{"429 with seconds", retryTestResponse(http.StatusTooManyRequests, "7"), 7 * time.Second},
		{"503 with an HTTP-date", retryTestResponse(http.StatusServiceUnavailable, retryTestNow.Add(4*time.Second).Format(http.TimeFormat)), 4*time.Second - 311*time.Millisecond},
		{"503 with the ISO date-time", retryTestResponse(http.StatusServiceUnavailable, "2022-01-14T14:46:01.311Z"), time.Second},
		{"503 with a past date: minimum, never negative", retryTestResponse(http.StatusServiceUnavailable, "2020-01-01T00:00:00Z"), minimumRetryWait},
		{"429 with garbage: backoff", retryTestResponse(http.StatusTooManyRequests, "later"), 0},
		{"429 without header: backoff", retryTestResponse(http.StatusTooManyRequests, ""), 0},
		{"500 ignores the header: backoff", retryTestResponse(http.StatusInternalServerError, "30"), 0},
		{"transport error (no raw response): backoff", &resty.Response{}, 0},
		{"nil response: backoff", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, retryAfter(tt.resp, retryTestNow))
		})
	}
}

func TestShouldRetry_Statuses(t *testing.T) {
	retried := map[int]bool{429: true, 500: true, 502: true, 503: true, 504: true}
	for _, status := range []int{200, 201, 204, 301, 400, 401, 403, 404, 405, 406, 409, 415, 429, 500, 501, 502, 503, 504, 505} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			resp := &resty.Response{RawResponse: &http.Response{StatusCode: status}}
			require.Equal(t, retried[status], shouldRetry(resp, nil))
		})
	}
	require.False(t, shouldRetry(nil, nil), "a nil response (middleware failure) is not retried and does not panic")
}

func TestShouldRetry_Errors(t *testing.T) {
	urlErr := func(err error) error { return &url.Error{Op: "Get", URL: "https://nbu:1556/netbackup/ping", Err: err} }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"connection reset", urlErr(&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}), true},
		{"connection refused", urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), true},
		{"unexpected EOF", urlErr(io.ErrUnexpectedEOF), true},
		{"body read reset", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, true},
		{"client timeout", urlErr(errors.New("net/http: request canceled (Client.Timeout exceeded while awaiting headers)")), true},
		{"TLS handshake timeout", urlErr(errors.New("net/http: TLS handshake timeout")), true},
		{"context canceled", urlErr(context.Canceled), false},
		{"context deadline", urlErr(context.DeadlineExceeded), false},
		{"unknown authority", urlErr(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), false},
		{"bare unknown authority", urlErr(x509.UnknownAuthorityError{}), false},
		{"hostname mismatch", urlErr(x509.HostnameError{Host: "nbu"}), false},
		{"expired certificate", urlErr(x509.CertificateInvalidError{Reason: x509.Expired}), false},
		{"protocol version alert", urlErr(&net.OpError{Op: "remote error", Err: tls.AlertError(70)}), false},
		{"unsupported version", urlErr(errors.New("tls: server selected unsupported protocol version 302")), false},
		{"plain http on the TLS port", urlErr(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), false},
		{"body over the limit", resty.ErrResponseBodyTooLarge, false},
		{"refused redirect", urlErr(fmt.Errorf("%w: plain http", errRedirectRefused)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, shouldRetry(&resty.Response{}, tt.err))
			require.Equal(t, tt.want, shouldRetry(nil, tt.err), "nil response with an error must not panic")
		})
	}
}

// A per-attempt timeout (http.Client.Timeout) also reports
// context.DeadlineExceeded: it is retried while the gather's context lives.
func TestShouldRetry_PerAttemptTimeoutVersusGatherContext(t *testing.T) {
	timeoutErr := &url.Error{Op: "Get", URL: "https://nbu/netbackup/ping",
		Err: fmt.Errorf("net/http: request canceled (Client.Timeout exceeded while awaiting headers): %w", context.DeadlineExceeded)}

	live := &resty.Response{Request: resty.New().R().SetContext(context.Background())}
	require.True(t, shouldRetry(live, timeoutErr), "the attempt timed out, the gather goes on")

	ended, cancel := context.WithCancel(context.Background())
	cancel()
	gone := &resty.Response{Request: resty.New().R().SetContext(ended)}
	require.False(t, shouldRetry(gone, timeoutErr), "the gather ended")
	require.False(t, shouldRetry(gone, urlErrCanceled()), "the gather was cancelled")
}

func urlErrCanceled() error { return &url.Error{Op: "Get", URL: "https://nbu", Err: context.Canceled} }

// FuzzRetryAfter: whatever the server sends, parsing neither panics nor
// returns a negative or zero wait (zero would mean backoff, negative the
// maximum).
func FuzzRetryAfter(f *testing.F) {
	for _, seed := range []string{"1", "0", "-1", "120", "Wed, 21 Oct 2015 07:28:00 GMT", "2022-01-14T14:46:01.311Z",
		"2999-12-31T23:59:59.999999999+14:00", "0001-01-01T00:00:00Z", "99999999999999999999", "", "garbage"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		wait, ok := parseRetryAfter(value, retryTestNow)
		if !ok {
			if wait != 0 {
				t.Fatalf("parseRetryAfter(%q) = %v, false: want 0", value, wait)
			}
			return
		}
		if wait < minimumRetryWait {
			t.Fatalf("parseRetryAfter(%q) = %v: below the minimum", value, wait)
		}
	})
}
