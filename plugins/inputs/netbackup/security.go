package netbackup

import (
	"context"
	"fmt"
	"iter"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// The security collector reports the security posture of the NetBackup
// domain from GET /security/status: the platform risk score and, per
// security setting, its own risk score, its weight in the platform score,
// its current value where that is a number, and whether it is as the vendor
// recommends (API 13.0 and later list the recommended values; 12.0 does
// not, so there is no compliant field then).
//
// The documents of NetBackup 10.5 (API 12.0) have the endpoint, those of
// 10.3 (API 10.0) do not. NetBackup 10.4 (API 11.0) is not documented here:
// it is asked, and if it lacks the endpoint that is said once. An older
// server gets one informative log line and no request.

const securityStatusPath = "/security/status"

// securityStatusMinAPI is the first API version that may have the endpoint.
var securityStatusMinAPI = nbuapi.Version{Major: 11, Minor: 0}

type securityCollector struct {
	srv    *server
	status *family
}

func newSecurityCollector(p *NetBackup, srv *server) (collector, error) {
	return &securityCollector{
		srv:    srv,
		status: newOptionalFamily(srv, "security status", securityStatusPath),
	}, nil
}

func (c *securityCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	if version := c.srv.version(); version.OlderThan(securityStatusMinAPI.Major, securityStatusMinAPI.Minor) {
		c.status.noteAbsent(fmt.Sprintf("API version %s is older than %s (the risk score is documented from NetBackup 10.5, API 12.0)",
			version, securityStatusMinAPI))
		return nil
	}
	source := c.srv.source
	res := readFamily(c.status,
		singleResource[securityStatusAttributes](ctx, c.srv.client, securityStatusPath),
		func(r nbuapi.Resource[securityStatusAttributes]) {
			points, skipped := securityPoints(source, r.Attributes)
			addPoints(acc, points...)
			for _, name := range skipped {
				c.srv.conditions.debugf("server %s: security setting %q is not an object; skipped", source, name)
			}
		})
	return joinFamilyResults(res)
}

// singleResource reads an endpoint that answers one JSON:API resource
// ({"data":{...}}) as a list of one, so that families treat it like any
// list: denied, absent and failed reads are reported the same way.
func singleResource[A any](ctx context.Context, client *nbuapi.Client, path string) iter.Seq2[nbuapi.Resource[A], error] {
	return func(yield func(nbuapi.Resource[A], error) bool) {
		var body struct {
			Data nbuapi.Resource[A] `json:"data"`
		}
		if err := client.Get(ctx, path, nil, &body); err != nil {
			yield(nbuapi.Resource[A]{}, err)
			return
		}
		yield(body.Data, nil)
	}
}
