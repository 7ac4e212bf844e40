package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// writeTable prints the results as markdown tables: the single-server
// scenarios, then the fleets.
func writeTable(w io.Writer, results []*result, concurrency int) {
	var single, fleets []*result
	for _, r := range results {
		if r.servers > 0 {
			fleets = append(fleets, r)
		} else {
			single = append(single, r)
		}
	}
	if len(single) > 0 {
		writeSingleTable(w, single, concurrency)
	}
	if len(fleets) > 0 {
		if len(single) > 0 {
			fmt.Fprintln(w)
		}
		writeFleetTable(w, fleets, concurrency)
	}
}

// writeFleetTable prints one line per fleet: what one agent pays for its
// servers.
func writeFleetTable(w io.Writer, results []*result, concurrency int) {
	fmt.Fprintf(w, "Fleets: %d finished jobs per server, every collector, max_concurrency %d.\n\n", fleetJobsPerServer, concurrency)
	fmt.Fprintln(w, "| servers | max_concurrent_requests | servers up | jobs emitted | E! lines | requests | wall | floor: requests / budget × RTT | wall / floor | CPU of the plugin's process | peak RSS | simulator CPU (apart) |")
	fmt.Fprintln(w, "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range results {
		budget, floor, ratio := "not set (no such option)", "", ""
		if r.budget > 0 {
			budget = fmt.Sprint(r.budget)
			floor = seconds(r.floor)
			ratio = fmt.Sprintf("%.2f", r.Wall.Seconds()/max(r.floor.Seconds(), 1e-9))
		}
		fmt.Fprintf(w, "| %d | %s | %d | %d | %d | %d | %s | %s | %s | %s | %s | %s |\n",
			r.servers, budget, r.serversUp, r.items, r.errors, r.requests, seconds(r.Wall), floor, ratio,
			seconds(r.CPU), mib(r.PeakRSS), seconds(r.simCPU))
	}
}

// writeSingleTable prints the one-server scenarios.
func writeSingleTable(w io.Writer, results []*result, concurrency int) {
	fmt.Fprintln(w, "| scenario | walker | items | requests | wall | network floor | wall / floor | CPU of the walker's process | CPU per 100,000 items | peak RSS | simulator CPU (apart) | wall vs baseline | CPU vs baseline |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range results {
		walker := r.walker
		if walker == "netbackup" {
			walker = fmt.Sprintf("netbackup (max_concurrency %d)", concurrency)
		}
		timeRatio, cpuRatio := "", ""
		if b := r.vsBaseline; b != nil {
			timeRatio = fmt.Sprintf("%.2f×", r.Wall.Seconds()/b.Wall.Seconds())
			cpuRatio = fmt.Sprintf("%.2f×", r.CPU.Seconds()/max(b.CPU.Seconds(), 1e-9))
		}
		perItems := ""
		if r.items > 0 {
			perItems = seconds(time.Duration(float64(r.CPU) / float64(r.items) * 100_000))
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %s | %s | %.2f | %s | %s | %s | %s | %s | %s |\n",
			r.scenario, walker, r.items, r.requests, seconds(r.Wall), seconds(r.floor),
			r.Wall.Seconds()/max(r.floor.Seconds(), 1e-9), seconds(r.CPU), perItems,
			mib(r.PeakRSS), seconds(r.simCPU), timeRatio, cpuRatio)
	}
	var notes []string
	for _, r := range results {
		if r.note != "" {
			notes = append(notes, fmt.Sprintf("- %s (%s): %s", r.scenario, r.walker, r.note))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, strings.Join(notes, "\n"))
	}
}

func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func mib(n int64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
