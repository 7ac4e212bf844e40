package dashboards

import (
	"fmt"
	"strings"
)

// The shapes most panels share, written once for both languages. A
// measurement's field becomes the Prometheus metric <measurement>_<field>
// (outputs.prometheus_client); tags become labels on both sides.

// scope says which template variables filter a query beyond the server.
type scope struct {
	policy, client bool
	// influx and prom are further conditions, e.g. `"state" = 'QUEUED'`
	// and `state="QUEUED"`.
	influx, prom string
}

var (
	serverOnly = scope{}
	byPolicy   = scope{policy: true, client: true}
)

// where adds s's conditions to the scope.
func (s scope) where(influx, prom string) scope {
	s.influx, s.prom = joinNonEmpty(" AND ", s.influx, influx), joinNonEmpty(", ", s.prom, prom)
	return s
}

func (s scope) influxWhere() string {
	parts := []string{`"source" =~ /^$server$/`}
	if s.policy {
		parts = append(parts, `"policy_name" =~ /^$policy$/`)
	}
	if s.client {
		parts = append(parts, `"client" =~ /^$client$/`)
	}
	if s.influx != "" {
		parts = append(parts, s.influx)
	}
	return strings.Join(append(parts, "$timeFilter"), " AND ")
}

func (s scope) promMatch() string {
	parts := []string{`source=~"$server"`}
	if s.policy {
		parts = append(parts, `policy_name=~"$policy"`)
	}
	if s.client {
		parts = append(parts, `client=~"$client"`)
	}
	if s.prom != "" {
		parts = append(parts, s.prom)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// metric is the Prometheus name of a field with its matchers.
func metric(measurement, field string, s scope) string {
	return measurement + "_" + field + s.promMatch()
}

func influxTags(tags []string) string {
	quoted := make([]string, len(tags))
	for i, t := range tags {
		quoted[i] = `"` + t + `"`
	}
	return strings.Join(quoted, ", ")
}

func influxGroupBy(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	return " GROUP BY " + influxTags(tags)
}

func promBy(tags []string) string {
	return "by (" + strings.Join(tags, ", ") + ")"
}

// legendOf is a legend naming the series by its tags.
func legendOf(tags []string) string {
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = "{{" + t + "}}"
	}
	return strings.Join(parts, " ")
}

// latest is a gauge's current value per object (the tags in by).
func latest(measurement, field string, s scope, by ...string) Query {
	return Query{
		InfluxQL: fmt.Sprintf(`SELECT last(%q) FROM %q WHERE %s%s`, field, measurement, s.influxWhere(), influxGroupBy(by)),
		PromQL:   fmt.Sprintf(`max %s (%s)`, promBy(by), metric(measurement, field, s)),
		Legend:   legendOf(by),
	}
}

// lowest is an up/down value's current state per object: through
// outputs.prometheus_client, an object whose state tag changed keeps its old
// series until expiration_interval, so the lowest value shows a failure at
// once (and a recovery once the old series expired). InfluxQL's last()
// already takes the newest point of all the object's series.
func lowest(measurement, field string, s scope, by ...string) Query {
	q := latest(measurement, field, s, by...)
	q.PromQL = fmt.Sprintf(`min %s (%s)`, promBy(by), metric(measurement, field, s))
	return q
}

// overTime is a gauge over time per object (the tags in by); agg ("mean",
// "max") reduces the points of one interval.
func overTime(measurement, field, agg string, s scope, by ...string) Query {
	promAgg := "max"
	if agg == "min" {
		promAgg = "min"
	}
	return Query{
		InfluxQL: fmt.Sprintf(`SELECT %s(%q) FROM %q WHERE %s GROUP BY time($__interval), %s fill(none)`,
			agg, field, measurement, s.influxWhere(), influxTags(by)),
		PromQL: fmt.Sprintf(`%s %s (%s)`, promAgg, promBy(by), metric(measurement, field, s)),
		Legend: legendOf(by),
	}
}

// sumOfLatest adds up the current values of the objects (identified by
// the tags in object) per group (the tags in by, none for one total).
func sumOfLatest(measurement, field string, s scope, object, by []string) Query {
	inner := fmt.Sprintf(`SELECT last(%q) AS "v" FROM %q WHERE %s GROUP BY %s`,
		field, measurement, s.influxWhere(), influxTags(object))
	q := Query{
		InfluxQL: fmt.Sprintf(`SELECT sum("v") FROM (%s)%s`, inner, influxGroupBy(by)),
		PromQL:   fmt.Sprintf(`sum(%s)`, metric(measurement, field, s)),
		Legend:   legendOf(by),
	}
	if len(by) > 0 {
		q.PromQL = fmt.Sprintf(`sum %s (%s)`, promBy(by), metric(measurement, field, s))
	}
	return q
}

// countDown counts the objects whose up field is 0 now (0 when none; see
// lowest for why the minimum).
func countDown(measurement string, s scope, object []string) Query {
	inner := fmt.Sprintf(`SELECT 1 - last("up") AS "down" FROM %q WHERE %s GROUP BY %s`,
		measurement, s.influxWhere(), influxTags(object))
	return Query{
		InfluxQL: fmt.Sprintf(`SELECT sum("down") FROM (%s) GROUP BY "source"`, inner),
		PromQL:   fmt.Sprintf(`sum by (source) (1 - min by (%s) (%s))`, strings.Join(object, ", "), metric(measurement, "up", s)),
		Legend:   "{{source}}",
	}
}

// The job counters (netbackup_jobs_finished).
const jobTotals = "netbackup_jobs_finished"

// counterRate is a counter's rate per second, summed per group.
func counterRate(field string, s scope, by ...string) Query {
	inner := fmt.Sprintf(`SELECT non_negative_derivative(last(%q), 1s) AS "r" FROM %q WHERE %s GROUP BY time($__interval), *`,
		field, jobTotals, s.influxWhere())
	return Query{
		InfluxQL: fmt.Sprintf(`SELECT sum("r") FROM (%s) GROUP BY time($__interval), %s fill(none)`, inner, influxTags(by)),
		PromQL:   fmt.Sprintf(`sum %s (rate(%s[$__rate_interval]))`, promBy(by), metric(jobTotals, field, s)),
		Legend:   legendOf(by),
	}
}

// counterIncrease is how much a counter grew over the panel's time range,
// summed per group (by may be empty: one total).
func counterIncrease(field string, s scope, by ...string) Query {
	inner := fmt.Sprintf(`SELECT non_negative_difference(last(%q)) AS "n" FROM %q WHERE %s GROUP BY time($__interval), *`,
		field, jobTotals, s.influxWhere())
	sum := "sum"
	if len(by) > 0 {
		sum = "sum " + promBy(by)
	}
	return Query{
		InfluxQL: fmt.Sprintf(`SELECT sum("n") FROM (%s)%s`, inner, influxGroupBy(by)),
		PromQL:   fmt.Sprintf(`round(%s (increase(%s[$__range])))`, sum, metric(jobTotals, field, s)),
		Legend:   legendOf(by),
	}
}
