// Command netbackup-dashboards renders the Grafana dashboards of
// telegraf-netbackup (internal/dashboards) into examples/grafana/, one
// JSON file per dashboard and backend (InfluxDB 1.x, Prometheus).
//
//	go run ./cmd/netbackup-dashboards            # write the files
//	go run ./cmd/netbackup-dashboards -check     # fail when they differ
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/dashboards"
)

func main() {
	dir := flag.String("dir", dashboards.Dir, "directory of the dashboard files")
	check := flag.Bool("check", false, "compare the files with the definitions instead of writing them")
	flag.Parse()
	run := dashboards.Write
	if *check {
		run = dashboards.Check
	}
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "netbackup-dashboards:", err)
		os.Exit(1)
	}
	for _, d := range dashboards.All() {
		fmt.Printf("%-10s %2d panels\n", d.Name, d.PanelCount())
	}
}
