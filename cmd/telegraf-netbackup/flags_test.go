package main

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseFlags_Valid(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want options
	}{
		{"stdin driven by default", []string{"-config", "x.conf"}, options{configFile: "x.conf"}},
		{"poll interval at the minimum", []string{"-config", "x.conf", "-poll_interval", "10s"}, options{configFile: "x.conf", pollInterval: 10 * time.Second}},
		{"poll interval disabled wins", []string{"-config", "x.conf", "-poll_interval", "1m", "-poll_interval_disabled"}, options{configFile: "x.conf"}},
		{"disabled below-minimum value is not an error", []string{"-config", "x.conf", "-poll_interval", "1s", "-poll_interval_disabled"}, options{configFile: "x.conf"}},
		{"once and debug", []string{"-config", "x.conf", "-once", "-debug"}, options{configFile: "x.conf", once: true, debug: true}},
		{"unprotected secrets", []string{"-config", "x.conf", "-unprotected"}, options{configFile: "x.conf", unprotected: true}},
		{"sample config needs no config", []string{"-sample-config"}, options{sampleConfig: true}},
		{"version needs no config", []string{"-version"}, options{version: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFlags(tt.args, io.Discard)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestParseFlags_Refused(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"poll interval below 10s", []string{"-config", "x.conf", "-poll_interval", "1s"}, "-poll_interval 1s is below the minimum of 10s"},
		{"negative poll interval", []string{"-config", "x.conf", "-poll_interval", "-1m"}, "-poll_interval -1m0s is negative"},
		{"no config", []string{"-once"}, "no -config FILE given"},
		{"stray argument", []string{"-config", "x.conf", "extra"}, `unexpected argument "extra"`},
		{"unknown flag", []string{"-confg", "x.conf"}, "flag provided but not defined: -confg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags(tt.args, io.Discard)
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestParseFlags_Help(t *testing.T) {
	_, err := parseFlags([]string{"-h"}, io.Discard)
	require.ErrorIs(t, err, flag.ErrHelp)
}
