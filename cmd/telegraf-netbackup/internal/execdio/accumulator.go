package execdio

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/influxdata/line-protocol/v2/lineprotocol"
	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/metric"
	"github.com/influxdata/telegraf/plugins/serializers/influx"
)

// Accumulator is the telegraf.Accumulator the binary hands to the plugin. It
// serializes each metric as line protocol into a buffer on stdout and reports
// AddError on stderr. Flush tells when a gather's metrics have really been
// written, which is the moment the plugin may commit its progress.
//
// It is safe for concurrent use: the plugin gathers servers and collectors in
// parallel goroutines.
type Accumulator struct {
	mu         sync.Mutex
	out        *bufio.Writer
	serializer *influx.Serializer
	lines      lineprotocol.Encoder // for AddLine; its buffer is reused
	log        *LogWriter
	precision  time.Duration
	now        time.Time       // timestamp for metrics added without one
	gatherCtx  context.Context // the running gather's context
	errors     int64           // AddError calls since the start
	writeErr   error           // first stdout write error since the last Flush
}

var _ telegraf.Accumulator = (*Accumulator)(nil)

// NewAccumulator writes line protocol to out and errors to log.
func NewAccumulator(out io.Writer, log *LogWriter) (*Accumulator, error) {
	// Sorted fields give stable output; uint stays off so that every Telegraf
	// output accepts the values (they become integers).
	serializer := &influx.Serializer{SortFields: true}
	if err := serializer.Init(); err != nil {
		return nil, fmt.Errorf("initializing the influx serializer: %w", err)
	}
	return &Accumulator{
		out:        bufio.NewWriterSize(out, 64<<10),
		serializer: serializer,
		log:        log,
		precision:  time.Nanosecond,
		now:        time.Now(),
	}, nil
}

// BeginGather starts a gather running under ctx at now. Every metric added
// without a timestamp gets now, so a gather's metrics share one time. Errors
// added once ctx has ended are the shutdown interrupting the gather, not a
// NetBackup problem: they are logged as warnings, so that stopping Telegraf
// does not leave errors in its log.
func (a *Accumulator) BeginGather(ctx context.Context, now time.Time) {
	a.mu.Lock()
	a.now = now
	a.gatherCtx = ctx
	a.mu.Unlock()
}

// Errors returns how many errors were added since the accumulator was made.
func (a *Accumulator) Errors() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.errors
}

// Flush writes the buffered metrics to stdout. It returns the first write
// error since the last Flush: when it is not nil, some metrics are lost and
// the plugin must not commit its progress.
func (a *Accumulator) Flush() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	err := a.writeErr
	a.writeErr = nil
	if flushErr := a.out.Flush(); err == nil {
		err = flushErr
	}
	if err != nil {
		return fmt.Errorf("writing metrics to stdout: %w", err)
	}
	return nil
}

func (a *Accumulator) AddFields(name string, fields map[string]interface{}, tags map[string]string, t ...time.Time) {
	a.add(name, fields, tags, telegraf.Untyped, t)
}

func (a *Accumulator) AddGauge(name string, fields map[string]interface{}, tags map[string]string, t ...time.Time) {
	a.add(name, fields, tags, telegraf.Gauge, t)
}

func (a *Accumulator) AddCounter(name string, fields map[string]interface{}, tags map[string]string, t ...time.Time) {
	a.add(name, fields, tags, telegraf.Counter, t)
}

func (a *Accumulator) AddSummary(name string, fields map[string]interface{}, tags map[string]string, t ...time.Time) {
	a.add(name, fields, tags, telegraf.Summary, t)
}

func (a *Accumulator) AddHistogram(name string, fields map[string]interface{}, tags map[string]string, t ...time.Time) {
	a.add(name, fields, tags, telegraf.Histogram, t)
}

func (a *Accumulator) add(name string, fields map[string]interface{}, tags map[string]string, vtype telegraf.ValueType, t []time.Time) {
	var ts time.Time
	if len(t) > 0 {
		ts = t[0]
	}
	a.AddMetric(metric.New(name, tags, fields, ts, vtype))
}

// AddMetric writes m; a zero timestamp becomes the gather's start time.
func (a *Accumulator) AddMetric(m telegraf.Metric) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if m.Time().IsZero() {
		m.SetTime(a.now)
	}
	m.SetTime(m.Time().Round(a.precision))
	line, err := a.serializer.Serialize(m)
	if err != nil {
		// A metric without any serializable field: a plugin bug, not a
		// NetBackup problem; say which metric.
		a.log.Print(telegraf.Warn, fmt.Sprintf("dropping metric %s: %v", m.Name(), err))
		return
	}
	if _, err := a.out.Write(line); err != nil && a.writeErr == nil {
		a.writeErr = err
	}
}

// AddLine writes one point encoded by the caller (tags in name order, then
// fields) without building a telegraf.Metric: the plugin's finished jobs,
// millions of them in a backfill. A zero t is the gather's start time, as
// for AddMetric. When the encoder refuses a value (a tag with a line break,
// invalid UTF-8) nothing is written and the error is returned, so that the
// caller can hand the point to AddFields instead, whose serializer escapes
// what line protocol allows.
func (a *Accumulator) AddLine(measurement string, t time.Time, encode func(*lineprotocol.Encoder)) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if t.IsZero() {
		t = a.now
	}
	enc := &a.lines
	enc.Reset()
	enc.StartLine(measurement)
	encode(enc)
	enc.EndLine(t.Round(a.precision))
	if err := enc.Err(); err != nil {
		enc.ClearErr()
		return err
	}
	if _, err := a.out.Write(enc.Bytes()); err != nil && a.writeErr == nil {
		a.writeErr = err
	}
	return nil
}

// SetPrecision rounds the timestamps of later metrics; the default is 1ns.
func (a *Accumulator) SetPrecision(precision time.Duration) {
	if precision <= 0 {
		precision = time.Nanosecond
	}
	a.mu.Lock()
	a.precision = precision
	a.mu.Unlock()
}

// AddError reports err on stderr in the format of Telegraf's own accumulator
// and counts it: -once exits 1 when a gather added any error.
func (a *Accumulator) AddError(err error) {
	if err == nil {
		return
	}
	a.mu.Lock()
	a.errors++
	interrupted := a.gatherCtx != nil && a.gatherCtx.Err() != nil
	a.mu.Unlock()
	if interrupted {
		a.log.Print(telegraf.Warn, "Interrupted by shutdown: "+err.Error())
		return
	}
	a.log.Print(telegraf.Error, "Error in plugin: "+err.Error())
}

// WithTracking is not supported: line protocol on stdout carries no delivery
// report back from Telegraf, so there is nothing to track. The plugin does not
// call it; a future caller learns it at once.
func (*Accumulator) WithTracking(int) telegraf.TrackingAccumulator {
	panic("telegraf-netbackup: WithTracking is not supported by the execd accumulator")
}
