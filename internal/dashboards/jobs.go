package dashboards

import "fmt"

// Jobs answers "what did the backups do, and what failed?": throughput,
// outcomes over time, the failing clients and policies, the failure codes,
// durations and queue times.
func Jobs() Dashboard {
	return Dashboard{
		Name:  "jobs",
		Title: "NetBackup jobs",
		Description: "Throughput, outcomes over time, the clients, policies and status codes that fail, " +
			"job durations and queue times.",
		Filters: []string{PolicyVariable.Name, ClientVariable.Name},
		Rows: []Row{
			{Title: "Throughput and outcomes", Panels: []Panel{
				{
					Title: "Data moved by finished jobs", Kind: TimeSeries, Unit: "Bps", Width: 12, Height: 8, Stacked: true,
					Description: "Bytes of the jobs that finished, per second, by job type (parents of multi-stream " +
						"jobs left out: their children move the data).",
					Queries: []Query{counterRate("bytes_total", serverOnly, "job_type")},
				},
				{
					Title: "Finished jobs by outcome", Kind: TimeSeries, Width: 12, Height: 8, Stacked: true,
					Description: "Jobs that finished in each interval: success (status 0), partial (1), failed (any other). " +
						"With Prometheus, a job counts in the interval its gather was scraped in, and the first job " +
						"of a new job type, policy type and status is not seen (its counter starts with it).",
					Thresholds: []Step{{Color: "green"}},
					// Each bar is one interval, so the PromQL counts what each
					// interval added: the counter now minus one interval ago,
					// which adds up to the jobs of the range at any interval.
					// increase() over $__rate_interval, longer than the step,
					// counted every job in several bars. clamp_min drops the
					// step of a counter reset (state lost).
					Queries: []Query{{
						InfluxQL: `SELECT count("job_id") FROM "netbackup_job" WHERE "source" =~ /^$server$/ AND $timeFilter ` +
							`GROUP BY time($__interval), "status_class" fill(none)`,
						PromQL: `sum by (status_class) (clamp_min(netbackup_jobs_finished_total{source=~"$server"} ` +
							`- netbackup_jobs_finished_total{source=~"$server"} offset $__interval, 0))`,
						Legend: "{{status_class}}",
					}},
				},
			}},
			{Title: "What fails", Panels: []Panel{
				{
					Title: "Failing clients", Kind: Table, Width: 10, Height: 9,
					Description: "Policy and client pairs with failed backups since their last good one, most failures first.",
					Queries:     []Query{failingClients()},
				},
				{
					Title: "Policies with failing clients", Kind: Table, Width: 6, Height: 9,
					Description: "How many clients of each policy have failed since their last good backup.",
					Queries: []Query{{
						InfluxQL: fmt.Sprintf(`SELECT count("failures") FROM (SELECT last("consecutive_failures") AS "failures" FROM "netbackup_backup_status" `+
							`WHERE %s GROUP BY "source", "policy_name", "client") WHERE "failures" > 0 GROUP BY "source", "policy_name"`, byPolicy.influxWhere()),
						PromQL: fmt.Sprintf(`count by (source, policy_name) (%s > 0)`, metric("netbackup_backup_status", "consecutive_failures", byPolicy)),
					}},
				},
				{
					Title: "Failed jobs by status code", Kind: Table, Width: 8, Height: 9,
					Description: "Jobs that failed in the dashboard's time range, by NetBackup status code and its message.",
					Queries:     []Query{counterIncrease("total", serverOnly.where(`"status_class" = 'failed'`, `status_class="failed"`), "status", "status_text")},
				},
			}},
			{Title: "Durations and queues", Panels: []Panel{
				{
					Title: "Mean job duration", Kind: TimeSeries, Unit: "s", Width: 8, Height: 8,
					Description: "Mean elapsed time of the jobs that finished in each interval, by job type.",
					Queries: []Query{{
						InfluxQL: `SELECT mean("elapsed_seconds") FROM "netbackup_job" WHERE "source" =~ /^$server$/ AND $timeFilter ` +
							`GROUP BY time($__interval), "job_type" fill(none)`,
						PromQL: `sum by (job_type) (increase(netbackup_jobs_finished_elapsed_seconds_total{source=~"$server"}[$__rate_interval])) ` +
							`/ sum by (job_type) (increase(netbackup_jobs_finished_total{source=~"$server"}[$__rate_interval]))`,
						Legend: "{{job_type}}",
					}},
				},
				{
					Title: "Mean queue time", Kind: TimeSeries, Unit: "s", Width: 8, Height: 8,
					Description: "Mean time the jobs that finished in each interval waited before they started " +
						"(jobs that finished on their first try).",
					Queries: []Query{{
						InfluxQL: `SELECT mean("queued_seconds") FROM "netbackup_job" WHERE "source" =~ /^$server$/ AND $timeFilter ` +
							`GROUP BY time($__interval), "job_type" fill(none)`,
						PromQL: `sum by (job_type) (increase(netbackup_jobs_finished_queued_seconds_total{source=~"$server"}[$__rate_interval])) ` +
							`/ sum by (job_type) (increase(netbackup_jobs_finished_queued_total{source=~"$server"}[$__rate_interval]))`,
						Legend: "{{job_type}}",
					}},
				},
				{
					Title: "Jobs by state", Kind: TimeSeries, Width: 8, Height: 8,
					Description: "Jobs queued, active, requeued, suspended and incomplete at each gather.",
					Queries:     []Query{overTime("netbackup_jobs", "count", "max", serverOnly.where(`"state" != 'DONE'`, `state!="DONE"`), "source", "state")},
				},
			}},
		},
	}
}

// failingClients lists the failing policy and client pairs with the
// message of their last status (a label through prometheus_client, whose
// string fields become labels).
func failingClients() Query {
	object := `GROUP BY "source", "policy_name", "client"`
	return Query{
		InfluxQL: fmt.Sprintf(`SELECT "consecutive_failures", "last_status", "last_status_text" FROM (SELECT last("consecutive_failures") AS "consecutive_failures", `+
			`last("last_status") AS "last_status", last("last_status_text") AS "last_status_text" FROM "netbackup_backup_status" WHERE %s %s) `+
			`WHERE "consecutive_failures" > 0 %s`,
			byPolicy.influxWhere(), object, object),
		PromQL: fmt.Sprintf(`sort_desc(max by (source, policy_name, client, last_status_text) (%s) > 0)`,
			metric("netbackup_backup_status", "consecutive_failures", byPolicy)),
	}
}
