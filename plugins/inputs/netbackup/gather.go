package netbackup

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/influxdata/line-protocol/v2/lineprotocol"
	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// Gather is Telegraf's entry point: one gather of every server, then the
// progress is committed at once (in-process, the metrics are already in
// Telegraf's hands). The binary calls GatherContext and CommitState itself,
// so that it commits only after the metrics reached stdout.
func (p *NetBackup) Gather(acc telegraf.Accumulator) error {
	if err := p.GatherContext(context.Background(), acc); err != nil {
		return err
	}
	return p.CommitState()
}

// GatherContext gathers every server concurrently, each under its own
// gather_timeout deadline; ctx ends everything at once (shutdown). Failures
// are reported with acc.AddError and never hide another server's metrics.
func (p *NetBackup) GatherContext(ctx context.Context, acc telegraf.Accumulator) error {
	p.gatherMu.Lock()
	defer p.gatherMu.Unlock()
	defer p.forgetSecrets()
	p.loadStateOnce(acc)

	// Every server joins the budget before any sends a request: each is
	// sure of its part from the start (see nbuapi.Budget).
	for _, srv := range p.servers {
		srv.client.BudgetShare().Join()
	}
	var wg sync.WaitGroup
	for _, srv := range p.servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer srv.client.BudgetShare().Leave()
			p.gatherServer(ctx, srv, acc)
		}()
	}
	wg.Wait()
	return nil
}

func (p *NetBackup) gatherServer(ctx context.Context, srv *server, acc telegraf.Accumulator) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, time.Duration(p.GatherTimeout))
	defer cancel()

	var gatherStats nbuapi.Stats
	ctx = nbuapi.WithStats(ctx, &gatherStats)

	// The unauthenticated ping tells whether the server is up, its API
	// version and its clock (the job cursor follows the server's clock).
	ping, err := srv.client.Ping(ctx)
	up := 1
	var failures []collectorFailure
	if err != nil {
		up = 0
		acc.AddError(fmt.Errorf("server %s: %w", srv.source, err))
	} else {
		srv.ping = ping
		failures = p.runCollectors(ctx, srv, acc)
	}

	s := gatherStats.Snapshot()
	p.reportCollectorFailures(srv, failures, s, acc.AddError)
	tags := map[string]string{"source": srv.source}
	if up == 1 {
		tags["api_version"] = ping.Version.String()
	}
	fields := map[string]interface{}{
		"up":               up,
		"requests":         s.Requests,
		"retries":          s.Retries,
		"errors":           s.Errors,
		"response_time_ms": s.MeanResponseTimeMillis(),
		"gather_seconds":   time.Since(start).Seconds(),
	}
	if authenticated, judged := authenticatedField(s); judged {
		fields["authenticated"] = authenticated
	}
	acc.AddFields("netbackup_api", fields, tags)
}

// runCollectors runs the server's collectors, as many at once as the
// server's part of the budget (see nbuapi.Budget): a server alone runs
// them all at once, a server among many one or two at a time, so that
// collectors waiting for a slot do not pile up. Each reports its own cost
// in netbackup_collector, and one collector's failure stops no other. It
// returns the failures, in the collectors' order, for the caller to report.
func (p *NetBackup) runCollectors(ctx context.Context, srv *server, acc telegraf.Accumulator) []collectorFailure {
	errs := make([]error, len(srv.collectorNames))
	finished := make(chan struct{}, len(srv.collectorNames))
	running := 0
	for i, name := range srv.collectorNames {
		for running >= srv.client.BudgetShare().Part() {
			<-finished
			running--
		}
		running++
		go func() {
			defer func() { finished <- struct{}{} }()
			errs[i] = p.runCollector(ctx, srv, name, acc)
		}()
	}
	for ; running > 0; running-- {
		<-finished
	}
	var failures []collectorFailure
	for i, err := range errs {
		if err != nil {
			failures = append(failures, collectorFailure{collector: srv.collectorNames[i], err: err})
		} else {
			srv.conditions.collectorRead(srv.collectorNames[i])
		}
	}
	return failures
}

// runCollector runs one collector and reports its cost in
// netbackup_collector.
func (p *NetBackup) runCollector(ctx context.Context, srv *server, name string, acc telegraf.Accumulator) error {
	col := srv.collectors[name]
	var stats nbuapi.Stats
	counting := &countingAccumulator{Accumulator: cleaningAccumulator{Accumulator: acc}}
	var skipped atomic.Int64
	ctx = nbuapi.WithSkippedItems(nbuapi.WithStats(ctx, &stats), func(e *nbuapi.ItemError) {
		skipped.Add(1)
		acc.AddError(fmt.Errorf("server %s, collector %s: left out a malformed item: %w", srv.source, name, e))
	})
	start := time.Now()
	err := col.collect(ctx, counting)
	failed := 0
	if err != nil {
		failed = 1
	}
	s := stats.Snapshot()
	acc.AddFields("netbackup_collector", map[string]interface{}{
		"duration_ms":   float64(time.Since(start)) / float64(time.Millisecond),
		"items":         counting.count(),
		"errors":        failed,
		"requests":      s.Requests,
		"items_skipped": skipped.Load(),
	}, map[string]string{"source": srv.source, "collector": name})
	return err
}

// forgetSecrets drops the credentials read during the gather.
func (p *NetBackup) forgetSecrets() {
	for _, s := range p.secrets {
		s.forget()
	}
}

// loadStateOnce restores the stateful collectors' progress from the state
// file before the first gather.
func (p *NetBackup) loadStateOnce(acc telegraf.Accumulator) {
	if p.state == nil {
		return
	}
	var doc *stateDocument
	for _, srv := range p.servers {
		if srv.stateLoaded {
			continue
		}
		srv.stateLoaded = true
		if doc == nil {
			loaded, err := p.state.load()
			if err != nil {
				acc.AddError(err)
			}
			doc = &loaded
		}
		for name, col := range srv.collectors {
			stateful, ok := col.(statefulCollector)
			if !ok {
				continue
			}
			data, ok := doc.Servers[srv.url][name]
			if !ok && srv.legacyKey != "" {
				data, ok = doc.Servers[srv.legacyKey][name]
			}
			if !ok {
				continue
			}
			if err := stateful.loadState(data); err != nil {
				acc.AddError(fmt.Errorf("server %s, collector %s: ignoring saved state: %w", srv.source, name, err))
			}
		}
	}
}

// CommitState writes the progress of every stateful collector to the state
// file. Call it only once the metrics of the gather have been delivered: what
// is committed is never emitted again.
func (p *NetBackup) CommitState() error {
	if p.state == nil {
		return nil
	}
	p.gatherMu.Lock()
	defer p.gatherMu.Unlock()
	own := make(map[string]map[string]json.RawMessage, len(p.servers))
	var legacy []string
	for _, srv := range p.servers {
		if !srv.stateLoaded {
			continue // its saved progress was never read: it stays as it is
		}
		if srv.legacyKey != "" {
			legacy = append(legacy, srv.legacyKey)
		}
		entries := make(map[string]json.RawMessage)
		for name, col := range srv.collectors {
			stateful, ok := col.(statefulCollector)
			if !ok {
				continue
			}
			data, err := stateful.saveState()
			if err != nil {
				return fmt.Errorf("server %s, collector %s: saving state: %w", srv.source, name, err)
			}
			entries[name] = data
		}
		own[srv.url] = entries
	}
	if len(own) == 0 {
		return nil
	}
	return p.state.save(p.withLegacyEntries(own, legacy), legacy...)
}

// withLegacyEntries adds to own what the state file holds under the older
// keys of its servers for collectors that did not save now, so that
// dropping those keys loses nothing.
func (p *NetBackup) withLegacyEntries(own map[string]map[string]json.RawMessage, legacy []string) map[string]map[string]json.RawMessage {
	if len(legacy) == 0 {
		return own
	}
	kept := p.state.keptEntries()
	for _, srv := range p.servers {
		if srv.legacyKey == "" || own[srv.url] == nil {
			continue
		}
		for name, data := range kept[srv.legacyKey] {
			if _, saved := own[srv.url][name]; !saved {
				if _, current := kept[srv.url][name]; !current {
					own[srv.url][name] = data
				}
			}
		}
	}
	return own
}

// countingAccumulator counts the metrics a collector adds.
type countingAccumulator struct {
	telegraf.Accumulator
	mu sync.Mutex
	n  int64
}

func (a *countingAccumulator) add() {
	a.mu.Lock()
	a.n++
	a.mu.Unlock()
}

func (a *countingAccumulator) count() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n
}

func (a *countingAccumulator) AddFields(m string, f map[string]interface{}, t map[string]string, ts ...time.Time) {
	a.add()
	a.Accumulator.AddFields(m, f, t, ts...)
}

func (a *countingAccumulator) AddGauge(m string, f map[string]interface{}, t map[string]string, ts ...time.Time) {
	a.add()
	a.Accumulator.AddGauge(m, f, t, ts...)
}

func (a *countingAccumulator) AddCounter(m string, f map[string]interface{}, t map[string]string, ts ...time.Time) {
	a.add()
	a.Accumulator.AddCounter(m, f, t, ts...)
}

// AddLine passes encoded points on when the accumulator underneath takes
// them (see lineAccumulator).
func (a *countingAccumulator) AddLine(measurement string, t time.Time, encode func(*lineprotocol.Encoder)) error {
	lines, ok := a.Accumulator.(lineAccumulator)
	if !ok {
		return errNoLines
	}
	if err := lines.AddLine(measurement, t, encode); err != nil {
		return err
	}
	a.add()
	return nil
}

func (a *countingAccumulator) AddMetric(m telegraf.Metric) {
	a.add()
	a.Accumulator.AddMetric(m)
}
