package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/metric"
	"github.com/influxdata/telegraf/plugins/serializers/influx"
)

// sink is the baseline's accumulator. It does what a Telegraf output does
// with every metric (a telegraf.Metric serialized as line protocol, fields
// sorted) but writes to io.Discard: the cost of producing the output is part
// of the figures, the output itself is not kept. It keeps the errors.
type sink struct {
	mu         sync.Mutex
	serializer *influx.Serializer
	out        io.Writer
	errors     []error
}

var _ telegraf.Accumulator = (*sink)(nil)

func newSink() (*sink, error) {
	s := &influx.Serializer{SortFields: true}
	if err := s.Init(); err != nil {
		return nil, fmt.Errorf("influx serializer: %w", err)
	}
	return &sink{serializer: s, out: io.Discard}, nil
}

func (a *sink) AddFields(name string, fields map[string]any, tags map[string]string, t ...time.Time) {
	a.add(name, fields, tags, telegraf.Untyped, t)
}

func (a *sink) AddGauge(name string, fields map[string]any, tags map[string]string, t ...time.Time) {
	a.add(name, fields, tags, telegraf.Gauge, t)
}

func (a *sink) AddCounter(name string, fields map[string]any, tags map[string]string, t ...time.Time) {
	a.add(name, fields, tags, telegraf.Counter, t)
}

func (a *sink) AddSummary(name string, fields map[string]any, tags map[string]string, t ...time.Time) {
	a.add(name, fields, tags, telegraf.Summary, t)
}

func (a *sink) AddHistogram(name string, fields map[string]any, tags map[string]string, t ...time.Time) {
	a.add(name, fields, tags, telegraf.Histogram, t)
}

func (a *sink) add(name string, fields map[string]any, tags map[string]string, vtype telegraf.ValueType, t []time.Time) {
	ts := time.Now()
	if len(t) > 0 && !t[0].IsZero() {
		ts = t[0]
	}
	a.AddMetric(metric.New(name, tags, fields, ts, vtype))
}

func (a *sink) AddMetric(m telegraf.Metric) {
	a.mu.Lock()
	defer a.mu.Unlock()
	line, err := a.serializer.Serialize(m)
	if err != nil {
		a.errors = append(a.errors, fmt.Errorf("serializing %s: %w", m.Name(), err))
		return
	}
	_, _ = a.out.Write(line)
}

func (*sink) SetPrecision(time.Duration) {}

func (a *sink) AddError(err error) {
	if err == nil {
		return
	}
	a.mu.Lock()
	a.errors = append(a.errors, err)
	a.mu.Unlock()
}

func (*sink) WithTracking(int) telegraf.TrackingAccumulator {
	panic("netbackup-bench: WithTracking is not supported")
}

// err joins the errors the gather reported, nil when there were none.
func (a *sink) err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.errors) == 0 {
		return nil
	}
	return fmt.Errorf("%d error(s), first: %w", len(a.errors), a.errors[0])
}
