package netbackup

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// The services collector reports whether the NetBackup daemons run: the
// hosts come from GET /config/hosts (the primary server, plus the media
// servers with service_hosts = "all"), the daemons of each host from
// GET /admin/hosts/{uuid}/services.
//
// /config/hosts is not JSON:API and has no paging ({"hosts":[...]}); the
// collector filters it by nbuHostType so that it never downloads every
// client. A host whose services cannot be listed (501 before NetBackup 8.2,
// 400 on Cloud Scale, as the vendor documents this endpoint) is skipped,
// said once per host and again when it can be listed.

const (
	configHostsPath = "/config/hosts"
	hostTypePrimary = "PRIMARY_SERVER"
	hostTypeMedia   = "MEDIA_SERVER"
)

type serviceHost struct {
	UUID        string `json:"uuid"`
	HostName    string `json:"hostName"`
	NBUHostType string `json:"nbuHostType"`
}

type serviceAttributes struct {
	DisplayName string `json:"displayName"`
	Status      string `json:"status"`
}

type servicesCollector struct {
	srv         *server
	log         telegraf.Logger
	hostTypes   []string
	concurrency int
}

func newServicesCollector(p *NetBackup, srv *server) (collector, error) {
	c := &servicesCollector{
		srv:         srv,
		log:         p.Log,
		hostTypes:   []string{hostTypePrimary},
		concurrency: max(p.MaxConcurrency, 1),
	}
	if p.ServiceHosts == "all" {
		c.hostTypes = append(c.hostTypes, hostTypeMedia)
	}
	return c, nil
}

// hosts lists the hosts to ask, one query per host type, without
// duplicates, sorted by name.
func (c *servicesCollector) hosts(ctx context.Context) ([]serviceHost, error) {
	seen := make(map[string]bool)
	var hosts []serviceHost
	for _, hostType := range c.hostTypes {
		var answer struct {
			Hosts []serviceHost `json:"hosts"`
		}
		query := url.Values{"filter": {"nbuHostType eq " + nbuapi.ODataString(hostType)}}
		if err := c.srv.client.Get(ctx, configHostsPath, query, &answer); err != nil {
			return nil, err
		}
		for _, h := range answer.Hosts {
			// A server ignoring the filter must not turn clients into hosts.
			if !strings.EqualFold(h.NBUHostType, hostType) || h.UUID == "" || seen[h.UUID] {
				continue
			}
			seen[h.UUID] = true
			hosts = append(hosts, h)
		}
	}
	sort.Slice(hosts, func(i, j int) bool { return hosts[i].HostName < hosts[j].HostName })
	return hosts, nil
}

func (c *servicesCollector) collect(ctx context.Context, acc telegraf.Accumulator) error {
	hosts, err := c.hosts(ctx)
	if err != nil {
		if c.srv.endpointUnavailable("services", configHostsPath, err) {
			return nil
		}
		return fmt.Errorf("listing hosts: %w", err)
	}
	c.srv.endpointAvailable("services", configHostsPath)
	if len(hosts) == 0 {
		c.log.Debugf("server %s: /config/hosts lists no host of type %s", c.srv.source, strings.Join(c.hostTypes, " or "))
		return nil
	}

	errs := make([]error, len(hosts))
	slots := make(chan struct{}, c.concurrency)
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			errs[i] = c.collectHost(ctx, acc, h)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// collectHost emits one point per daemon of one host.
func (c *servicesCollector) collectHost(ctx context.Context, acc telegraf.Accumulator, h serviceHost) error {
	path := "/admin/hosts/" + url.PathEscape(h.UUID) + "/services"
	var answer nbuapi.Page[serviceAttributes]
	what := "the services of host " + h.HostName
	err := c.srv.client.Get(ctx, path, nil, &answer)
	switch {
	case err == nil:
		c.srv.conditions.available(what)
	case c.srv.conditions.unavailable(what, err, c.srv.version()):
		return nil
	case nbuapi.IsStatus(err, http.StatusBadRequest):
		// Documented for this endpoint: a Cloud Scale host cannot list
		// its services; as lasting as "not available".
		c.srv.conditions.noteUnavailable(what, "400, as a Cloud Scale host answers: "+err.Error())
		return nil
	default:
		return fmt.Errorf("services of host %s: %w", h.HostName, err)
	}
	hostName := h.HostName
	if hostName == "" {
		hostName = h.UUID
	}
	for _, svc := range answer.Data {
		running := int64(0)
		if strings.EqualFold(svc.Attributes.Status, "RUNNING") {
			running = 1
		}
		acc.AddFields("netbackup_service",
			map[string]interface{}{"running": running, "status": svc.Attributes.Status},
			map[string]string{"source": c.srv.source, "host": hostName, "service": svc.ID})
	}
	return nil
}
