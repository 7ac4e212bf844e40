package dashboards

import "fmt"

// Colors and thresholds shared by the panels.
var (
	upDown = []Mapping{{Value: "1", Text: "UP", Color: "green"}, {Value: "0", Text: "DOWN", Color: "red"}}
	// zeroGood colors a count of problems: 0 green, anything else red.
	zeroGood  = []Step{{Color: "green"}, {Value: 1, Color: "red"}}
	fillSteps = []Step{{Color: "green"}, {Value: 80, Color: "yellow"}, {Value: 95, Color: "red"}}
)

func ptr[T any](v T) *T { return &v }

// Overview answers "is anything wrong on my NetBackup servers?" at a
// glance, one line of stats per theme.
func Overview() Dashboard {
	return Dashboard{
		Name:  "overview",
		Title: "NetBackup overview",
		Description: "Per primary server: is it up, did the backups of the last 24 hours succeed, which " +
			"clients lack a good backup, is storage filling, is the catalog protected, and is the plugin healthy.",
		Filters: []string{PolicyVariable.Name, ClientVariable.Name, MaxAgeHours},
		Rows: []Row{
			{Title: "Servers", Panels: []Panel{
				{
					Title: "Server up", Kind: Stat, Width: 4, Height: 4, Mappings: upDown,
					Description: "1 when the primary server answered GET /netbackup/ping in the last gather.",
					Thresholds:  []Step{{Color: "red"}, {Value: 1, Color: "green"}},
					Queries:     []Query{lowest("netbackup_api", "up", serverOnly, "source")},
				},
				{
					Title: "API version", Kind: Table, Width: 4, Height: 4, Hide: []string{"Value", "last", "up"},
					Description: "The NetBackup REST API version the plugin speaks with each server.",
					Queries:     []Query{latest("netbackup_api", "up", serverOnly.where(`"api_version" != ''`, `api_version!=""`), "source", "api_version")},
				},
				runningJobs,
				{
					Title: "Catalog backup age", Kind: Stat, Unit: "s", Width: 4, Height: 4,
					Description: "Time since the last successful catalog backup (status 0). Without one, the " +
						"catalog (and with it every backup) cannot be recovered after a loss of the primary server.",
					Thresholds: []Step{{Color: "green"}, {Value: 26 * 3600, Color: "yellow"}, {Value: 50 * 3600, Color: "red"}},
					Queries:    []Query{latest("netbackup_catalog_backup", "seconds_since_success", serverOnly, "source")},
				},
				{
					Title: "Certificate days left", Kind: Stat, Unit: "d", Decimals: ptr(0.0), Width: 4, Height: 4,
					Description: "Days until the first of the server's certificates expires: its TLS certificate, " +
						"the issuers it sends, and the NetBackup CAs.",
					Thresholds: []Step{{Color: "red"}, {Value: 14, Color: "yellow"}, {Value: 30, Color: "green"}},
					Queries: []Query{{
						InfluxQL: `SELECT min("left") / 86400 FROM (SELECT last("expires_in_seconds") AS "left" FROM "netbackup_certificate" WHERE "source" =~ /^$server$/ AND $timeFilter GROUP BY "source", "kind", "subject", "serial") GROUP BY "source"`,
						PromQL:   `min by (source) (netbackup_certificate_expires_in_seconds{source=~"$server"}) / 86400`,
						Legend:   "{{source}}",
					}},
				},
				{
					Title: "Licensed capacity used", Kind: Stat, Unit: "bytes", Width: 4, Height: 4,
					Description: "Front-end capacity counted against a capacity license.",
					Queries:     []Query{latest("netbackup_license", "consumed_bytes", serverOnly, "source")},
				},
			}},
			{Title: "Backups", Panels: []Panel{
				{
					Title: "Finished jobs by outcome, last 24 h", Kind: Stat, Width: 8, Height: 5, TimeFrom: "24h",
					Description: "Jobs that ended in the last 24 hours: success (status 0), partial (1), failed (any other).",
					Queries: []Query{{
						InfluxQL: `SELECT count("job_id") FROM "netbackup_job" WHERE "source" =~ /^$server$/ AND $timeFilter GROUP BY "status_class"`,
						PromQL:   counterIncrease("total", serverOnly, "status_class").PromQL,
						Legend:   "{{status_class}}",
					}},
				},
				{
					Title: "Job success rate, last 24 h", Kind: Stat, Unit: "percent", Decimals: ptr(1.0), Width: 4, Height: 5, TimeFrom: "24h",
					Description: "Share of the jobs ended in the last 24 hours with status 0 or 1.",
					Thresholds:  []Step{{Color: "red"}, {Value: 90, Color: "yellow"}, {Value: 98, Color: "green"}},
					Queries: []Query{{
						InfluxQL: `SELECT 100 * count("ok") / count("all") FROM ` +
							`(SELECT "job_id" AS "ok" FROM "netbackup_job" WHERE "source" =~ /^$server$/ AND "status" <= 1 AND $timeFilter), ` +
							`(SELECT "job_id" AS "all" FROM "netbackup_job" WHERE "source" =~ /^$server$/ AND $timeFilter)`,
						PromQL: `100 * sum(increase(netbackup_jobs_finished_total{source=~"$server", status_class!="failed"}[$__range])) ` +
							`/ sum(increase(netbackup_jobs_finished_total{source=~"$server"}[$__range]))`,
					}},
				},
				{
					Title: "Clients needing attention", Kind: Table, Width: 12, Height: 9, Merge: true,
					Description: "Policy and client pairs whose latest backups failed (consecutive failures since the " +
						"last good backup), or whose last good backup is older than the chosen number of hours.",
					Queries: clientsNeedingAttention(),
				},
				{
					Title: "Alerts, last 24 h", Kind: Stat, Width: 8, Height: 4,
					Description: "NetBackup alerts created within the plugin's alert_lookback (24 h by default), by severity.",
					Queries:     []Query{sumOfLatest("netbackup_alerts", "count", serverOnly, []string{"source", "severity", "category"}, []string{"severity"})},
				},
				{
					Title: "Daemons not running", Kind: Stat, Width: 4, Height: 4, Thresholds: zeroGood,
					Description: "NetBackup daemons that are stopped (those disabled on purpose are not counted).",
					// The status is a label: min, as in lowest, so that a daemon
					// that stopped counts while its RUNNING series lingers.
					Queries: []Query{{
						InfluxQL: `SELECT sum("down") FROM (SELECT 1 - last("running") AS "down", last("status") AS "status" FROM "netbackup_service" ` +
							`WHERE "source" =~ /^$server$/ AND $timeFilter GROUP BY "source", "host", "service") WHERE "status" != 'DISABLED' GROUP BY "source"`,
						PromQL: `sum by (source) (1 - min by (source, host, service) (netbackup_service_running{source=~"$server", status!="DISABLED"}))`,
						Legend: "{{source}}",
					}},
				},
			}},
			{Title: "Storage", Panels: []Panel{
				diskPoolFill,
				daysToFull,
				{
					Title: "SLP backlog", Kind: Stat, Width: 4, Height: 6,
					Description: "Images whose storage lifecycle work (duplication, replication) is not complete yet.",
					Queries:     []Query{sumOfLatest("netbackup_slp_backlog", "images", serverOnly, []string{"source", "slp_name", "state"}, []string{"source"})},
				},
				{
					Title: "Oldest SLP backlog", Kind: Stat, Unit: "s", Width: 4, Height: 6,
					Description: "Age of the oldest backup whose SLP copies are still pending.",
					Thresholds:  []Step{{Color: "green"}, {Value: 12 * 3600, Color: "yellow"}, {Value: 24 * 3600, Color: "red"}},
					Queries:     []Query{latest("netbackup_slp_backlog", "oldest_backup_age_seconds", serverOnly, "source")},
				},
				{
					Title: "Down", Kind: Stat, Width: 4, Height: 6, Thresholds: zeroGood,
					Description: "Storage servers down, media servers down (deactivated ones not counted), and " +
						"enabled tape drives down.",
					Queries: []Query{
						withLegend(countDown("netbackup_storage_server", serverOnly, []string{"source", "storage_server"}), "storage servers {{source}}"),
						withLegend(countDown("netbackup_media_server", serverOnly.where(`"status" != 'DEACTIVATED'`, `status!="DEACTIVATED"`),
							[]string{"source", "media_server"}), "media servers {{source}}"),
						{
							InfluxQL: `SELECT sum("down") FROM (SELECT (1 - last("up")) * last("enabled") AS "down" FROM "netbackup_drive" ` +
								`WHERE "source" =~ /^$server$/ AND $timeFilter GROUP BY "source", "drive") GROUP BY "source"`,
							PromQL: `sum by (source) ((1 - min by (source, drive) (netbackup_drive_up{source=~"$server"})) ` +
								`* max by (source, drive) (netbackup_drive_enabled{source=~"$server"}))`,
							Legend: "drives {{source}}",
						},
					},
				},
			}},
			{Title: "Security", Panels: []Panel{
				{
					Title: "Security risk score", Kind: Stat, Decimals: ptr(1.0), Width: 4, Height: 6,
					Description: "NetBackup's platform risk score of its security configuration, 0 (as recommended) to 100.",
					Thresholds:  []Step{{Color: "green"}, {Value: 30, Color: "yellow"}, {Value: 50, Color: "red"}},
					Queries:     []Query{latest("netbackup_security", "risk_score", serverOnly.where(`"setting" = ''`, `setting=""`), "source")},
				},
				{
					Title: "Settings adding risk", Kind: Table, Width: 8, Height: 6,
					Description: "Security settings whose current state is not the recommended one, with their own risk score.",
					Queries: []Query{{
						InfluxQL: `SELECT "risk_score" FROM (SELECT last("risk_score") AS "risk_score" FROM "netbackup_security" ` +
							`WHERE "source" =~ /^$server$/ AND "setting" != '' AND $timeFilter GROUP BY "source", "setting") ` +
							`WHERE "risk_score" > 0 GROUP BY "source", "setting"`,
						PromQL: `max by (source, setting) (netbackup_security_risk_score{source=~"$server", setting!=""}) > 0`,
					}},
				},
				{
					Title: "Anomalies to review", Kind: Stat, Width: 6, Height: 6, Thresholds: zeroGood,
					Description: "Anomalies NetBackup detected in backups (image size, file count, entropy, ransomware " +
						"extensions) that nobody has reviewed yet, by severity.",
					Queries: []Query{sumOfLatest("netbackup_anomalies", "count", serverOnly.where(`"status" = 'NOT_REVIEWED'`, `status="NOT_REVIEWED"`),
						[]string{"source", "severity", "status"}, []string{"severity"})},
				},
				{
					Title: "Clients with infected backups", Kind: Stat, Width: 6, Height: 6, Thresholds: zeroGood,
					Description: "Clients whose most recent scanned backup holds malware.",
					Queries:     []Query{latest("netbackup_malware_scans", "impacted_clients", serverOnly, "source")},
				},
			}},
			{Title: "The plugin", Panels: []Panel{
				{
					Title: "Collector errors", Kind: TimeSeries, Width: 8, Height: 7,
					Description: "1 while a collector fails (the error is in Telegraf's log).",
					Queries:     []Query{overTime("netbackup_collector", "errors", "max", serverOnly, "source", "collector")},
				},
				{
					Title: "Gather duration", Kind: TimeSeries, Unit: "s", Width: 8, Height: 7,
					Description: "Wall time of one gather of each server: keep it well below the execd interval.",
					Queries:     []Query{overTime("netbackup_api", "gather_seconds", "max", serverOnly, "source")},
				},
				{
					Title: "API response time", Kind: TimeSeries, Unit: "ms", Width: 8, Height: 7,
					Description: "Mean duration of one request to the NetBackup REST API, retries included.",
					Queries:     []Query{overTime("netbackup_api", "response_time_ms", "mean", serverOnly, "source")},
				},
			}},
		},
	}
}

func withLegend(q Query, legend string) Query {
	q.Legend = legend
	return q
}

// clientsNeedingAttention are the two sides of one table: failing pairs
// and pairs without a recent good backup, merged on policy and client.
func clientsNeedingAttention() []Query {
	object := `GROUP BY "source", "policy_name", "client"`
	return []Query{
		failingClients(),
		{
			InfluxQL: fmt.Sprintf(`SELECT "hours_since_success" FROM (SELECT last("seconds_since_success") / 3600 AS "hours_since_success" `+
				`FROM "netbackup_backup_status" WHERE %s %s) WHERE "hours_since_success" > $max_age_hours %s`,
				byPolicy.influxWhere(), object, object),
			PromQL: fmt.Sprintf(`max by (source, policy_name, client) (%s) / 3600 > $max_age_hours`,
				metric("netbackup_backup_status", "seconds_since_success", byPolicy)),
		},
	}
}

// Panels that more than one dashboard shows.
var (
	runningJobs = Panel{
		Title: "Running and queued jobs", Kind: Stat, Width: 4, Height: 4,
		Description: "Jobs active, queued or requeued now.",
		Queries: []Query{sumOfLatest("netbackup_jobs", "count", serverOnly.where(`"state" =~ /^(ACTIVE|QUEUED|REQUEUED)$/`, `state=~"ACTIVE|QUEUED|REQUEUED"`),
			[]string{"source", "state"}, []string{"state"})},
	}
	diskPoolFill = Panel{
		Title: "Disk pool fill", Kind: BarGauge, Unit: "percent", Width: 8, Height: 6, Thresholds: fillSteps,
		Description: "Used share of each disk pool's usable size.",
		Queries:     []Query{latest("netbackup_disk_pool", "used_percent", serverOnly, "source", "disk_pool")},
	}
	daysToFull = Panel{
		Title: "Days until full", Kind: BarGauge, Unit: "d", Decimals: ptr(1.0), Width: 4, Height: 6, TimeFrom: "6h",
		Description: "At the rate each disk pool's free space shrank over the last 6 hours, the days until it is " +
			"full. Pools whose free space did not shrink are not listed.",
		Thresholds: []Step{{Color: "red"}, {Value: 7, Color: "yellow"}, {Value: 30, Color: "green"}},
		Queries: []Query{{
			InfluxQL: `SELECT "days" FROM (SELECT last("free") / (-86400 * mean("d")) AS "days" FROM ` +
				`(SELECT "available_bytes" AS "free" FROM "netbackup_disk_pool" WHERE "source" =~ /^$server$/ AND $timeFilter), ` +
				`(SELECT derivative("available_bytes", 1s) AS "d" FROM "netbackup_disk_pool" WHERE "source" =~ /^$server$/ AND $timeFilter GROUP BY *) ` +
				`GROUP BY "source", "disk_pool") WHERE "days" > 0 GROUP BY "source", "disk_pool"`,
			PromQL: `max by (source, disk_pool) (netbackup_disk_pool_available_bytes{source=~"$server"}) ` +
				`/ (max by (source, disk_pool) (-deriv(netbackup_disk_pool_available_bytes{source=~"$server"}[6h])) > 0) / 86400`,
			Legend: "{{source}} {{disk_pool}}",
		}},
	}
)
