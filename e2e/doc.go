// Package e2e holds the end-to-end test of telegraf-netbackup: the plugin
// binary run by a real Telegraf (inputs.execd) against the NetBackup
// simulator, writing to a real InfluxDB 1.x and, for the dashboards and
// alert rules, to a real Prometheus through outputs.prometheus_client. The
// test files carry the build tag e2e and need tools installed by `make e2e`:
//
//	go test -tags e2e -v -timeout 15m ./e2e/
package e2e
