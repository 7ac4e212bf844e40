package nbuapi

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// PingResult is what one GET /netbackup/ping tells (no credential needed).
type PingResult struct {
	Version          Version             // X-NetBackup-API-Version, negotiated by probing (cached), or the configured api_version
	ServerTime       time.Time           // the body: the server's clock in milliseconds
	PeerCertificates []*x509.Certificate // the server's TLS chain as seen in the handshake
}

// Ping asks the server for its clock and API version. It needs no
// credential, so it tells "up" apart from "wrong key"; without a version
// header (and api_version "auto") it negotiates the version, which does
// need the credential.
func (c *Client) Ping(ctx context.Context) (PingResult, error) {
	res, err := c.ping(ctx)
	if err != nil {
		countError(ctx)
	}
	return res, err
}

func (c *Client) ping(ctx context.Context) (PingResult, error) {
	askFor := c.knownVersion()
	if askFor.IsZero() {
		askFor = oldestProbeVersion
	}
	req := request{
		method:  http.MethodGet,
		path:    "/ping",
		version: askFor, // named by a 406's hint
		// /ping produces text; offer both so that no server answers 406.
		accept: "text/vnd.netbackup+plain;version=" + askFor.String() + ", " + askFor.mediaType(),
	}
	resp, err := c.send(ctx, req, "")
	if err != nil {
		return PingResult{}, err
	}
	if err := c.statusError(req, resp); err != nil {
		return PingResult{}, err
	}
	var res PingResult
	body := strings.TrimSpace(string(resp.Body()))
	ms, err := strconv.ParseInt(body, 10, 64)
	if err != nil {
		return PingResult{}, fmt.Errorf("unexpected answer from GET /ping: want the server time in milliseconds, got %q", sanitizeSnippet(resp.Body()))
	}
	res.ServerTime = time.UnixMilli(ms).UTC()
	if raw := resp.RawResponse; raw != nil && raw.TLS != nil {
		res.PeerCertificates = raw.TLS.PeerCertificates
	}

	res.Version, err = c.resolveVersion(ctx, resp.Header().Get("X-NetBackup-API-Version"))
	if err != nil {
		return PingResult{}, err
	}
	return res, nil
}
