package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup"
)

func TestRun_SampleConfigIsThePluginsSampleConfig(t *testing.T) {
	var stdout, stderr bytes.Buffer

	code := run(context.Background(), []string{"-sample-config"}, strings.NewReader(""), &stdout, &stderr)

	require.Equal(t, 0, code)
	require.Empty(t, stderr.String())
	require.Equal(t, netbackup.New().SampleConfig(), stdout.String())
	require.Contains(t, stdout.String(), "[[inputs.netbackup]]")
}

func TestRun_Version(t *testing.T) {
	var stdout, stderr bytes.Buffer

	code := run(context.Background(), []string{"-version"}, strings.NewReader(""), &stdout, &stderr)

	require.Equal(t, 0, code)
	require.Equal(t, "telegraf-netbackup "+buildVersion()+"\n", stdout.String())
}

func TestRun_FlagErrorIsOnePrefixedLineAndStatus2(t *testing.T) {
	var stdout, stderr bytes.Buffer

	code := run(context.Background(), []string{"-config", "x.conf", "-poll_interval", "1s"}, strings.NewReader(""), &stdout, &stderr)

	require.Equal(t, 2, code)
	require.Empty(t, stdout.String())
	require.Regexp(t, `^E! -poll_interval 1s is below the minimum of 10s[^\n]*\n$`, stderr.String())
}

// Under execd, stdout is line protocol: a mistyped flag (in the execd
// command) must not print the usage there, where Telegraf would read each
// line as a metric that fails to parse.
func TestRun_UnknownFlagKeepsStdoutClean(t *testing.T) {
	var stdout, stderr bytes.Buffer

	code := run(context.Background(), []string{"-config", "x.conf", "-poll-interval", "30s"}, strings.NewReader(""), &stdout, &stderr)

	require.Equal(t, 2, code)
	require.Empty(t, stdout.String())
	require.Regexp(t, `^E! flag provided but not defined: -poll-interval \(see -h\)\n$`, stderr.String())
}

func TestRun_HelpPrintsTheUsageOnStdout(t *testing.T) {
	var stdout, stderr bytes.Buffer

	code := run(context.Background(), []string{"-h"}, strings.NewReader(""), &stdout, &stderr)

	require.Equal(t, 0, code)
	require.Contains(t, stdout.String(), "Usage: telegraf-netbackup -config FILE")
	require.Contains(t, stdout.String(), "-poll_interval")
	require.Empty(t, stderr.String())
}

func TestBuildVersion_FromLdflags(t *testing.T) {
	old := version
	t.Cleanup(func() { version = old })

	version = "v1.2.3"
	require.Equal(t, "v1.2.3", buildVersion())
	version = ""
	require.NotEmpty(t, buildVersion())
}
