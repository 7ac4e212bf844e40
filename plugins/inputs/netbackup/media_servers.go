package netbackup

import (
	"context"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// The media_servers collector: one metric per configured media server
// (GET /config/media-servers, offset paging, up to 500 per page).

const (
	mediaServersPath      = "/config/media-servers"
	mediaServersPageLimit = 500
)

// mediaServerAttributes: type "mediaServer" (vendor config.yaml).
type mediaServerAttributes struct {
	HostName    string      `json:"hostName"`
	IsMachineUp nbuapi.Bool `json:"isMachineUp"`
	Status      struct {
		Name string `json:"name"` // ACTIVE_FOR_TAPE_AND_DISK, ..., OFFLINE, DEACTIVATED, VIRTUAL_NODE
	} `json:"status"`
}

type mediaServersCollector struct {
	srv          *server
	mediaServers *family
}

func newMediaServersCollector(p *NetBackup, srv *server) (collector, error) {
	return &mediaServersCollector{
		srv:          srv,
		mediaServers: newFamily(srv, "media servers", mediaServersPath),
	}, nil
}

func (c *mediaServersCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	source := c.srv.source
	res := readFamily(c.mediaServers,
		nbuapi.Items[mediaServerAttributes](ctx, c.srv.client, offsetList(mediaServersPath, mediaServersPageLimit)),
		func(r nbuapi.Resource[mediaServerAttributes]) {
			addPoints(acc, mediaServerPoint(source, r))
		})
	return joinFamilyResults(res)
}

// mediaServerPoint builds netbackup_media_server. up is isMachineUp; a server
// that omits it gets up from its status (ACTIVE_* is up, OFFLINE and
// DEACTIVATED are down, anything else unknown and omitted).
func mediaServerPoint(source string, r nbuapi.Resource[mediaServerAttributes]) point {
	a := r.Attributes
	tags := map[string]string{"source": source}
	setTag(tags, "media_server", firstNonEmpty(a.HostName, r.ID))
	setTag(tags, "status", stateTag(a.Status.Name))
	fields := make(map[string]interface{}, 1)
	switch {
	case a.IsMachineUp.Set:
		fields["up"] = boolInt(a.IsMachineUp.V)
	case enumIs(a.Status.Name, "ACTIVE_FOR_TAPE_AND_DISK", "ACTIVE_FOR_TAPE", "ACTIVE_FOR_DISK"):
		fields["up"] = int64(1)
	case enumIs(a.Status.Name, "OFFLINE", "DEACTIVATED"):
		fields["up"] = int64(0)
	}
	return point{measurement: "netbackup_media_server", tags: tags, fields: fields}
}
