package netbackup

import (
	"errors"
	"slices"
	"time"

	"github.com/influxdata/line-protocol/v2/lineprotocol"
	"github.com/influxdata/telegraf"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// lineAccumulator is an accumulator that also takes points already encoded
// as line protocol: the binary's stdout writer. A point whose tags and
// fields are known is then written without a generic telegraf.Metric, its
// maps and its sort; a backfill emits millions of them. Inside Telegraf the
// accumulator has no such method and the points go through AddFields.
type lineAccumulator interface {
	// AddLine writes one point: encode adds the tags (in name order) and
	// the fields. On an error nothing is written.
	AddLine(measurement string, t time.Time, encode func(*lineprotocol.Encoder)) error
}

// errNoLines: the accumulator takes no encoded lines.
var errNoLines = errors.New("the accumulator takes no encoded lines")

// lineField is one field of a point: its name and value.
type lineField struct {
	name  string
	value lineprotocol.Value
}

func intField(name string, v int64) lineField {
	return lineField{name: name, value: lineprotocol.IntValue(v)}
}

// appendInt appends an int64 field only when the value was sent.
func appendInt(list []lineField, name string, v nbuapi.Int) []lineField {
	if !v.Set {
		return list
	}
	return append(list, intField(name, v.V))
}

// appendFloat appends a float field; NaN and infinities are left out
// (line protocol has no way to write them).
func appendFloat(list []lineField, name string, v float64) []lineField {
	value, ok := lineprotocol.FloatValue(v)
	if !ok {
		return list
	}
	return append(list, lineField{name: name, value: value})
}

// fieldMap is list as the fields of a generic metric.
func fieldMap(list []lineField) map[string]interface{} {
	fields := make(map[string]interface{}, len(list))
	for _, f := range list {
		fields[f.name] = f.value.Interface()
	}
	return fields
}

// addJobPoint emits a netbackup_job point: encoded straight into line
// protocol when acc takes lines, else (or when the encoder refuses a value,
// such as a tag holding a line break) as a generic metric, so that nothing
// is lost.
func (e *jobEmitter) addJobPoint(acc telegraf.Accumulator, a *jobAttributes) {
	e.fields = appendFinishedJobFields(e.fields[:0], a)
	ts := jobTimestamp(a)
	if lines, ok := acc.(lineAccumulator); ok && e.clean(a) {
		err := lines.AddLine(jobMeasurement, ts, func(enc *lineprotocol.Encoder) {
			for _, name := range e.tagOrder {
				value := e.source
				if name != "source" {
					value = jobTagValue(a, name)
				}
				if value != "" {
					enc.AddTag(name, value)
				}
			}
			for _, f := range e.fields {
				enc.AddField(f.name, f.value)
			}
		})
		if err == nil {
			return
		}
	}
	acc.AddFields(jobMeasurement, fieldMap(e.fields), jobTags(a, e.source, e.tags), ts)
}

// jobEmitter turns finished jobs into netbackup_job points for one
// collector; its field list is reused from job to job.
type jobEmitter struct {
	source   string
	tags     []string // the configured job_tags
	tagOrder []string // the tag names with "source", in name order
	fields   []lineField
}

func newJobEmitter(source string, tags []string) *jobEmitter {
	order := append([]string{"source"}, tags...)
	slices.Sort(order)
	order = slices.Compact(order)
	return &jobEmitter{source: source, tags: tags, tagOrder: order}
}

// clean tells that the point's tag values and string fields are all text
// cleanText leaves as it is (printable ASCII, the common case): such a
// point may bypass cleaningAccumulator. Any other goes through AddFields,
// where it is cleaned.
func (e *jobEmitter) clean(a *jobAttributes) bool {
	for _, name := range e.tags {
		if !isCleanASCII(jobTagValue(a, name)) {
			return false
		}
	}
	for _, f := range e.fields {
		if f.value.Kind() == lineprotocol.String && !isCleanASCII(f.value.StringV()) {
			return false
		}
	}
	return isCleanASCII(e.source)
}

// AddLine passes an encoded point on. Its caller has checked that every
// tag value and string field is already clean (see jobEmitter.clean): an
// encoded point cannot be cleaned here.
func (a cleaningAccumulator) AddLine(measurement string, t time.Time, encode func(*lineprotocol.Encoder)) error {
	lines, ok := a.Accumulator.(lineAccumulator)
	if !ok {
		return errNoLines
	}
	return lines.AddLine(measurement, t, encode)
}
