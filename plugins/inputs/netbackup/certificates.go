package netbackup

import (
	"context"
	"fmt"
	"time"

	"github.com/influxdata/telegraf"
)

// The certificates collector reports when certificates expire: the ones the
// server showed in this gather's TLS handshake (its own and the issuers it
// sent; no extra request), and the NetBackup CAs from GET /security/cacert.
// A certificate found in both places is reported once, as a CA.

const caCertPath = "/security/cacert"

type certificatesCollector struct {
	srv *server
	now func() time.Time // expiry is measured on the local clock, like TLS verification
}

func newCertificatesCollector(_ *NetBackup, srv *server) (collector, error) {
	return &certificatesCollector{srv: srv, now: time.Now}, nil
}

func (c *certificatesCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	var infos []certInfo
	var answer caCertAnswer
	err := c.srv.client.GetPublic(ctx, caCertPath, nil, &answer)
	switch {
	case err == nil:
		c.srv.endpointAvailable("certificates", caCertPath)
		infos = append(infos, answer.certInfos()...)
	case c.srv.endpointUnavailable("certificates", caCertPath, err):
		err = nil
	default:
		// The handshake's certificates are still reported below.
		err = fmt.Errorf("NetBackup CA certificates: %w", err)
	}
	for i, cert := range c.srv.ping.PeerCertificates {
		kind := "issuer"
		if i == 0 {
			kind = "server"
		}
		infos = append(infos, certInfoFromX509(kind, cert))
	}

	now := c.now()
	seen := make(map[string]bool, len(infos))
	for _, ci := range infos {
		if seen[ci.key()] {
			continue
		}
		seen[ci.key()] = true
		tags := map[string]string{"source": c.srv.source, "kind": ci.kind, "subject": ci.subject}
		if ci.serial != "" {
			tags["serial"] = ci.serial
		}
		fields := map[string]interface{}{
			"not_after":          ci.notAfter.Unix(),
			"expires_in_seconds": int64(ci.notAfter.Sub(now) / time.Second),
		}
		if ci.issuer != "" {
			fields["issuer"] = ci.issuer
		}
		acc.AddFields("netbackup_certificate", fields, tags)
	}
	return err
}
