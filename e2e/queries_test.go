//go:build e2e

package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// checkReadmeQueries runs the example InfluxQL queries of the plugin README
// on what the scenario wrote. The per-day count must add up to the failed
// jobs stored; a filter query must select, together with the same query
// with its filter inverted, exactly the rows of its inner query, which must
// not be empty: so the query runs, and its filter splits real data.
func (s *scenario) checkReadmeQueries(t *testing.T) {
	t.Helper()
	readme := readRepoFile(t, s.tools.repoRoot, "plugins/inputs/netbackup/README.md")
	failedPerDay := codeBlock(t, readme, "## Example queries", "sql", 0)
	withoutGoodBackup := codeBlock(t, readme, "## Example queries", "sql", 1)
	overWatermark := codeBlock(t, readme, "## Example queries", "sql", 2)
	notRecommended := codeBlock(t, readme, "## Example queries", "sql", 3)

	t.Run("failed_jobs_per_day", func(t *testing.T) {
		var perDay int64
		for _, series := range s.db.query(t, s.database, failedPerDay) {
			require.NotEmpty(t, series.Tags["policy_name"])
			for _, row := range series.Values {
				perDay += number(t, row[1])
			}
		}
		all := s.db.query(t, s.database, `SELECT count("job_id") FROM "netbackup_job" WHERE "status_class" = 'failed' AND time > now() - 7d AND time <= now()`)
		require.NotEmpty(t, all, "no failed job stored: the query would be checked on nothing")
		require.Equal(t, number(t, all[0].Values[0][1]), perDay)
		require.Positive(t, perDay)
	})
	t.Run("clients_without_a_good_backup", func(t *testing.T) {
		s.requireFilterSplits(t, withoutGoodBackup, `WHERE "seconds_since_success" > 86400`, `WHERE "seconds_since_success" <= 86400`)
	})
	t.Run("pools_over_their_high_watermark", func(t *testing.T) {
		s.requireFilterSplits(t, overWatermark, `WHERE "used_percent" >= "high_watermark_percent"`, `WHERE "used_percent" < "high_watermark_percent"`)
	})
	t.Run("security_settings_not_as_recommended", func(t *testing.T) {
		s.requireFilterSplits(t, notRecommended, `WHERE "compliant" = 0`, `WHERE "compliant" = 1`)
	})
}

var innerQuery = regexp.MustCompile(`(?s)FROM \(\n(.*)\n\) WHERE`)

func (s *scenario) requireFilterSplits(t *testing.T, query, filter, inverted string) {
	t.Helper()
	require.Contains(t, query, filter, "the README query changed")
	m := innerQuery.FindStringSubmatch(query)
	require.NotNil(t, m, "no inner query in:\n%s", query)

	selected := rows(s.db.query(t, s.database, query))
	rest := rows(s.db.query(t, s.database, strings.Replace(query, filter, inverted, 1)))
	inner := rows(s.db.query(t, s.database, m[1]))

	require.Positive(t, inner, "the inner query found nothing: the filter would be checked on nothing")
	require.Equal(t, inner, selected+rest, "%d rows selected and %d rejected of %d", selected, rest, inner)
	t.Logf("%d of %d rows selected", selected, inner)
}

func rows(series []influxSeries) int {
	n := 0
	for _, s := range series {
		n += len(s.Values)
	}
	return n
}

func number(t *testing.T, v any) int64 {
	t.Helper()
	n, err := v.(json.Number).Int64()
	require.NoError(t, err)
	return n
}
