//go:build e2e

package e2e

// The measurements each collector writes, as the plugin README documents
// them: tags every point carries, tags a point may carry, and field types as
// InfluxDB stores them ("integer", "float", "string", "boolean"). Required
// fields are on every point; optional ones only when the server sent the
// attribute. A measurement not listed here fails the test: add it when its
// collector lands.

type measurementSchema struct {
	collector      string // "" for the plugin's own self-metrics
	mustAppear     bool   // every run against the simulator produces it
	tags           []string
	optionalTags   []string
	fields         map[string]string
	optionalFields map[string]string
}

// jobTagNames are the default job_tags: present whenever the job has them.
var jobTagNames = []string{
	"job_type", "job_subtype", "policy_type", "policy_name", "schedule_type",
	"schedule_name", "client", "status_class", "media_server", "storage_unit",
}

var expectedSchema = map[string]measurementSchema{
	"netbackup_api": {
		mustAppear:   true,
		tags:         []string{"source"},
		optionalTags: []string{"api_version"},
		fields: map[string]string{
			"up": "integer", "requests": "integer", "retries": "integer", "errors": "integer",
			"response_time_ms": "float", "gather_seconds": "float",
		},
		optionalFields: map[string]string{"authenticated": "integer"},
	},
	"netbackup_collector": {
		mustAppear: true,
		tags:       []string{"source", "collector"},
		fields: map[string]string{
			"duration_ms": "float", "items": "integer", "errors": "integer", "requests": "integer",
			"items_skipped": "integer",
		},
	},
	"netbackup_job": {
		collector:    "jobs",
		mustAppear:   true,
		tags:         []string{"source", "job_type", "status_class"},
		optionalTags: jobTagNames,
		fields:       map[string]string{"job_id": "integer", "status": "integer", "bytes": "integer"},
		optionalFields: map[string]string{
			"parent_job_id": "integer", "files": "integer", "attempts": "integer",
			"transfer_rate_bytes_per_second": "integer", "percent_complete": "integer",
			"dedup_ratio": "float", "elapsed_seconds": "integer", "queued_seconds": "integer",
			"start_time": "integer", "child_count": "integer", "status_text": "string",
		},
	},
	"netbackup_job_active": {
		collector:    "jobs",
		mustAppear:   true,
		tags:         []string{"source", "job_type", "state"},
		optionalTags: jobTagNames,
		fields:       map[string]string{"job_id": "integer", "bytes": "integer"},
		optionalFields: map[string]string{
			"parent_job_id": "integer", "percent_complete": "integer", "bytes_remaining": "integer",
			"transfer_rate_bytes_per_second": "integer", "attempts": "integer",
			"elapsed_seconds": "integer", "queue_reason": "integer",
		},
	},
	"netbackup_jobs": {
		collector:  "jobs",
		mustAppear: true,
		tags:       []string{"source", "state"},
		fields:     map[string]string{"count": "integer"},
	},
	"netbackup_jobs_finished": {
		collector:    "jobs",
		mustAppear:   true,
		tags:         []string{"source", "status_class", "status"},
		optionalTags: []string{"job_type", "policy_type", "status_text"},
		fields: map[string]string{
			"total": "integer", "bytes_total": "integer", "files_total": "integer", "elapsed_seconds_total": "integer",
			"queued_total": "integer", "queued_seconds_total": "integer",
		},
	},
	"netbackup_backup_status": {
		collector:    "backup_status",
		mustAppear:   true,
		tags:         []string{"source", "client"},
		optionalTags: []string{"policy_name", "policy_type"},
		optionalFields: map[string]string{
			"last_success_time": "integer", "seconds_since_success": "integer", "last_status": "integer",
			"consecutive_failures": "integer", "last_backup_time": "integer", "last_status_text": "string",
		},
	},

	// storage
	"netbackup_storage_unit": {
		collector:    "storage",
		mustAppear:   true,
		tags:         []string{"source", "storage_unit"},
		optionalTags: []string{"disk_pool", "storage_category", "storage_server_type", "storage_type"},
		optionalFields: map[string]string{
			"free_bytes": "integer", "total_bytes": "integer", "used_bytes": "integer", "used_percent": "float",
			"max_concurrent_drives": "integer", "max_concurrent_jobs": "integer",
			"worm_capable": "integer", "worm_in_use": "integer",
		},
	},
	"netbackup_disk_pool": {
		collector:    "storage",
		mustAppear:   true,
		tags:         []string{"source", "disk_pool"},
		optionalTags: []string{"state", "storage_category"},
		optionalFields: map[string]string{
			"available_bytes": "integer", "raw_bytes": "integer", "total_bytes": "integer", "used_bytes": "integer",
			"used_percent": "float", "high_watermark_percent": "integer", "low_watermark_percent": "integer",
			"up": "integer", "volumes": "integer", "volumes_down": "integer", "worm_capable": "integer",
		},
	},
	"netbackup_disk_volume": {
		collector:    "storage",
		mustAppear:   true,
		tags:         []string{"source", "disk_pool", "disk_volume"},
		optionalTags: []string{"state"},
		optionalFields: map[string]string{
			"free_bytes": "integer", "raw_bytes": "integer", "up": "integer",
			"worm_lock_min_seconds": "integer", "worm_lock_max_seconds": "integer",
		},
	},
	"netbackup_storage_server": {
		collector:    "storage",
		mustAppear:   true,
		tags:         []string{"source", "storage_server"},
		optionalTags: []string{"state", "storage_category"},
		optionalFields: map[string]string{
			"available_bytes": "integer", "size_bytes": "integer", "used_bytes": "integer",
			"dedup_ratio_percent": "float", "up": "integer",
		},
	},

	// tape
	"netbackup_drive": {
		collector:      "tape",
		mustAppear:     true,
		tags:           []string{"source", "drive"},
		optionalTags:   []string{"drive_type", "robot_number", "robot_type", "status"},
		optionalFields: map[string]string{"enabled": "integer", "paths_down": "integer", "up": "integer"},
	},
	"netbackup_tape_media": {
		collector:    "tape",
		mustAppear:   true,
		tags:         []string{"source", "status"},
		optionalTags: []string{"media_type", "volume_pool"},
		fields:       map[string]string{"count": "integer", "bytes": "integer"},
	},

	"netbackup_media_server": {
		collector:    "media_servers",
		mustAppear:   true,
		tags:         []string{"source", "media_server"},
		optionalTags: []string{"status"},
		fields:       map[string]string{"up": "integer"},
	},
	"netbackup_slp_backlog": {
		collector:      "slp",
		mustAppear:     true,
		tags:           []string{"source", "slp_name", "state"},
		fields:         map[string]string{"images": "integer"},
		optionalFields: map[string]string{"oldest_backup_age_seconds": "integer"},
	},
	"netbackup_catalog_backup": {
		collector:  "catalog_backup",
		mustAppear: true,
		tags:       []string{"source"},
		fields:     map[string]string{"found": "integer"},
		optionalFields: map[string]string{
			"last_job_id": "integer", "last_status": "integer", "last_end_time": "integer",
			"last_success_time": "integer", "seconds_since_success": "integer", "last_success_job_id": "integer",
			"last_status_text": "string",
		},
	},
	"netbackup_alerts": {
		collector:  "alerts",
		mustAppear: true,
		tags:       []string{"source", "severity", "category"},
		fields:     map[string]string{"count": "integer", "new_count": "integer"},
	},
	"netbackup_service": {
		collector:  "services",
		mustAppear: true,
		tags:       []string{"source", "host", "service"},
		fields:     map[string]string{"running": "integer", "status": "string"},
	},
	"netbackup_license": {
		collector:    "licensing",
		mustAppear:   true,
		tags:         []string{"source"},
		optionalTags: []string{"primary_server"},
		fields:       map[string]string{"consumed_bytes": "integer"},
	},
	// ransomware-era signals
	"netbackup_security": {
		collector:    "security",
		mustAppear:   true,
		tags:         []string{"source"},
		optionalTags: []string{"setting"},
		optionalFields: map[string]string{
			"risk_score": "float", "settings_compliant": "integer", "settings_not_compliant": "integer",
			"compliant": "integer", "value": "float", "weight_percent": "integer",
		},
	},
	"netbackup_anomalies": {
		collector:  "anomalies",
		mustAppear: true,
		tags:       []string{"source", "severity", "status"},
		fields:     map[string]string{"count": "integer", "new_count": "integer"},
	},
	"netbackup_anomaly": {
		collector:    "anomalies",
		mustAppear:   true, // the simulator detects one 30 min after its start; e2e turns events on
		tags:         []string{"source", "severity"},
		optionalTags: []string{"anomaly_type", "policy_type"},
		fields:       map[string]string{"anomaly_id": "string"},
		optionalFields: map[string]string{
			"client": "string", "policy_name": "string", "job_id": "integer", "backup_id": "string",
			"score": "float", "anomaly_count": "integer", "status": "string", "summary": "string",
		},
	},
	"netbackup_malware_scans": {
		collector:    "malware",
		mustAppear:   true,
		tags:         []string{"source"},
		optionalTags: []string{"result", "state"},
		optionalFields: map[string]string{
			"count": "integer", "files_impacted": "integer",
			"clients": "integer", "impacted_clients": "integer", "new_impacted": "integer",
		},
	},
	"netbackup_malware_scan": {
		collector:    "malware",
		mustAppear:   true, // the simulator detects one 30 min after its start; e2e turns events on
		tags:         []string{"source"},
		optionalTags: []string{"policy_type", "backup_type"},
		fields:       map[string]string{"scan_id": "string"},
		optionalFields: map[string]string{
			"client": "string", "policy_name": "string", "backup_time": "integer", "files_impacted": "integer",
			"malware": "string", "result": "string",
		},
	},
	"netbackup_certificate": {
		collector:      "certificates",
		mustAppear:     true,
		tags:           []string{"source", "kind", "subject"},
		optionalTags:   []string{"serial"},
		fields:         map[string]string{"not_after": "integer", "expires_in_seconds": "integer"},
		optionalFields: map[string]string{"issuer": "string"},
	},
}
