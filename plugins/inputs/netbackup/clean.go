package netbackup

import (
	"strings"
	"time"
	"unicode"

	"github.com/influxdata/telegraf"
)

// Servers put free text into what becomes tags and string fields (alert
// titles and descriptions, host, service and policy names, statuses), and
// some of it holds line breaks or bytes that are not UTF-8. Line protocol
// is read line by line by everything but a streaming parser: a line break
// splits a point (or forges a new one), and invalid UTF-8 is refused by
// outputs such as InfluxDB. cleaningAccumulator cleans every tag and string
// field each collector adds, in this one place.

// cleanText puts s on one line of valid UTF-8: line breaks and other
// control characters (a tab excepted) become spaces, invalid bytes U+FFFD.
func cleanText(s string) string {
	if isCleanASCII(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", " ")
	return strings.Map(func(r rune) rune {
		if r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// isCleanASCII is the fast path: printable ASCII and tabs need nothing.
func isCleanASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c >= 0x7f {
			return false
		}
	}
	return true
}

// cleaningAccumulator cleans the tags and string fields of every point
// before it reaches the accumulator it wraps. It changes the maps it is
// given: collectors build them for one point.
type cleaningAccumulator struct {
	telegraf.Accumulator
}

func cleanPoint(fields map[string]interface{}, tags map[string]string) {
	for k, v := range tags {
		if c := cleanText(v); c != v {
			tags[k] = c
		}
	}
	for k, v := range fields {
		if s, ok := v.(string); ok {
			if c := cleanText(s); c != s {
				fields[k] = c
			}
		}
	}
}

func (a cleaningAccumulator) AddFields(m string, f map[string]interface{}, t map[string]string, ts ...time.Time) {
	cleanPoint(f, t)
	a.Accumulator.AddFields(m, f, t, ts...)
}

func (a cleaningAccumulator) AddGauge(m string, f map[string]interface{}, t map[string]string, ts ...time.Time) {
	cleanPoint(f, t)
	a.Accumulator.AddGauge(m, f, t, ts...)
}

func (a cleaningAccumulator) AddCounter(m string, f map[string]interface{}, t map[string]string, ts ...time.Time) {
	cleanPoint(f, t)
	a.Accumulator.AddCounter(m, f, t, ts...)
}

func (a cleaningAccumulator) AddSummary(m string, f map[string]interface{}, t map[string]string, ts ...time.Time) {
	cleanPoint(f, t)
	a.Accumulator.AddSummary(m, f, t, ts...)
}

func (a cleaningAccumulator) AddHistogram(m string, f map[string]interface{}, t map[string]string, ts ...time.Time) {
	cleanPoint(f, t)
	a.Accumulator.AddHistogram(m, f, t, ts...)
}

func (a cleaningAccumulator) AddMetric(m telegraf.Metric) {
	for _, tag := range m.TagList() {
		if c := cleanText(tag.Value); c != tag.Value {
			m.AddTag(tag.Key, c)
		}
	}
	for _, f := range m.FieldList() {
		if s, ok := f.Value.(string); ok {
			if c := cleanText(s); c != s {
				m.AddField(f.Key, c)
			}
		}
	}
	a.Accumulator.AddMetric(m)
}
