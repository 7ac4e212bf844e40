//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
)

// checkSchema compares what InfluxDB holds with expectedSchema: every
// measurement the enabled collectors must produce is there, every stored
// measurement is documented, tags and field types match. It reports every
// difference, not only the first.
func (s *scenario) checkSchema(t *testing.T) {
	t.Helper()
	present := map[string]bool{}
	for _, name := range s.column(t, "SHOW MEASUREMENTS", 0) {
		present[name] = true
	}
	enabled := map[string]bool{}
	for _, name := range s.column(t, `SHOW TAG VALUES FROM "netbackup_collector" WITH KEY = "collector"`, 1) {
		enabled[name] = true
	}
	if len(enabled) == 0 {
		t.Errorf("no netbackup_collector point names a collector: no collector ran")
	}
	for name := range enabled {
		documented := false
		for _, schema := range expectedSchema {
			documented = documented || schema.collector == name
		}
		if !documented {
			t.Errorf("collector %q ran but no measurement of it is in the e2e expectedSchema (e2e/schema_test.go): add its measurements", name)
		}
	}
	for _, m := range sortedKeys(expectedSchema) {
		schema := expectedSchema[m]
		if schema.mustAppear && !present[m] && (schema.collector == "" || enabled[schema.collector]) {
			t.Errorf("measurement %s (collector %q) never reached InfluxDB", m, schema.collector)
		}
	}
	for _, m := range sortedKeys(present) {
		schema, ok := expectedSchema[m]
		if !ok {
			t.Errorf("measurement %s is in InfluxDB but not in the e2e expectedSchema: tags %v, fields %v",
				m, s.column(t, fmt.Sprintf("SHOW TAG KEYS FROM %q", m), 0), s.fieldTypes(t, m))
			continue
		}
		s.checkTags(t, m, schema)
		s.checkFields(t, m, schema)
	}
}

func (s *scenario) checkTags(t *testing.T, m string, schema measurementSchema) {
	t.Helper()
	for _, key := range s.column(t, fmt.Sprintf("SHOW TAG KEYS FROM %q", m), 0) {
		if !slices.Contains(schema.tags, key) && !slices.Contains(schema.optionalTags, key) {
			t.Errorf("%s has undocumented tag %q", m, key)
		}
	}
	// Every series (so every point) carries the required tags.
	for _, key := range s.column(t, fmt.Sprintf("SHOW SERIES FROM %q", m), 0) {
		tags := parseSeriesKey(key)
		for _, want := range schema.tags {
			if _, ok := tags[want]; !ok {
				t.Errorf("%s: series %q lacks tag %q", m, key, want)
				break
			}
		}
	}
}

func (s *scenario) checkFields(t *testing.T, m string, schema measurementSchema) {
	t.Helper()
	types := s.fieldTypes(t, m)
	for field, typ := range types {
		want, ok := schema.fields[field]
		if !ok {
			want, ok = schema.optionalFields[field]
		}
		switch {
		case !ok:
			t.Errorf("%s has undocumented field %q (%s)", m, field, typ)
		case typ != want:
			t.Errorf("%s field %q is stored as %s, documented as %s", m, field, typ, want)
		}
	}
	// Required fields are on every point: their counts equal the largest.
	counts := s.fieldCounts(t, m)
	var points int64
	for _, n := range counts {
		points = max(points, n)
	}
	for _, field := range sortedKeys(schema.fields) {
		if counts[field] != points {
			t.Errorf("%s field %q is on %d of %d points; it must be on every point", m, field, counts[field], points)
		}
	}
}

// fieldTypes is SHOW FIELD KEYS: field name to InfluxDB type.
func (s *scenario) fieldTypes(t *testing.T, m string) map[string]string {
	t.Helper()
	types := map[string]string{}
	for _, series := range s.db.query(t, s.database, fmt.Sprintf("SHOW FIELD KEYS FROM %q", m)) {
		for _, v := range series.Values {
			types[v[0].(string)] = v[1].(string)
		}
	}
	return types
}

// fieldCounts is SELECT count(*): field name to the number of points with it.
func (s *scenario) fieldCounts(t *testing.T, m string) map[string]int64 {
	t.Helper()
	counts := map[string]int64{}
	for _, series := range s.db.query(t, s.database, fmt.Sprintf("SELECT count(*) FROM %q", m)) {
		for _, v := range series.Values {
			for i, col := range series.Columns {
				if field, ok := strings.CutPrefix(col, "count_"); ok {
					n, _ := v[i].(json.Number).Int64()
					counts[field] = n
				}
			}
		}
	}
	return counts
}

// column returns one column of every row of an InfluxQL answer.
func (s *scenario) column(t *testing.T, q string, col int) []string {
	t.Helper()
	var out []string
	for _, series := range s.db.query(t, s.database, q) {
		for _, v := range series.Values {
			if str, ok := v[col].(string); ok {
				out = append(out, str)
			}
		}
	}
	return out
}

// parseSeriesKey splits "m,k1=v1,k2=v2" (with backslash escapes) into tags.
func parseSeriesKey(key string) map[string]string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case c == '\\' && i+1 < len(key):
			cur.WriteByte(key[i+1])
			i++
		case c == ',':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	parts = append(parts, cur.String())
	tags := map[string]string{}
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(p, "=")
		tags[k] = v
	}
	return tags
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
