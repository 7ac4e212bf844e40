//go:build e2e

package e2e

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/influxdata/toml"
	"github.com/stretchr/testify/require"
)

// TestReadme walks README.md as a new user does, running its commands with
// only host names, paths and the key substituted: the simulator of "Try it
// without NetBackup", the CA command of Configure step 2, one -once gather,
// and the documented [[inputs.execd]] stanza (examples/telegraf.conf) under
// the real Telegraf with --test --test-wait. It also reproduces the Telegraf
// errors the Troubleshooting section quotes.
func TestReadme(t *testing.T) {
	tl := prepareTools(t)
	readme := readRepoFile(t, tl.repoRoot, "README.md")
	example := filepath.Join(tl.repoRoot, "examples", "telegraf.conf")
	apiKey := newAPIKey(t)
	dir := t.TempDir()
	certDir := filepath.Join(dir, "netbackup-simulator")
	pluginConf := filepath.Join(dir, "netbackup.toml")

	t.Run("readme_stanza_is_the_example_stanza", func(t *testing.T) {
		inReadme := parseExecdStanza(t, []byte(codeBlock(t, readme, "### The `[[inputs.execd]]` stanza", "toml", 0)))
		inExample := parseExecdStanza(t, []byte(readRepoFile(t, tl.repoRoot, "examples/telegraf.conf")))
		require.Equal(t, inExample, inReadme)
		require.Equal(t, []string{"NETBACKUP_API_KEY=${NETBACKUP_API_KEY}"}, inExample.Environment)
	})

	// Try it without NetBackup: the one command that starts the simulator,
	// on a free port instead of 1556.
	start := codeLine(t, codeBlock(t, readme, "## Try it without NetBackup", "sh", 0), "bin/netbackup-simulator ")
	args := strings.Fields(substitute(t, start, "bin/netbackup-simulator", tl.simulator, "demo-key", apiKey, "~/.netbackup-simulator", certDir))
	url := runSimulatorBinary(t, args[0], append([]string{"-listen", "127.0.0.1:0"}, args[1:]...)...)
	base := strings.TrimSuffix(url, "/netbackup")

	t.Run("ca_command", func(t *testing.T) {
		caFile := filepath.Join(dir, "nbu-ca.pem")
		script := substitute(t, codeBlock(t, readme, "## Configure", "sh", 0),
			"https://nbu-primary:1556", base, "/etc/telegraf-netbackup/nbu-ca.pem", caFile, "sudo tee", "tee")
		out := runScript(t, script, nil)
		require.Equal(t, "200", lastLine(out), "the verification command of Configure step 2 did not print 200:\n%s", out)
		require.Equal(t, certificateDER(t, filepath.Join(certDir, "ca.pem")), certificateDER(t, caFile),
			"the CA command wrote another certificate than the one the simulator serves")
	})

	t.Run("once", func(t *testing.T) {
		script := substitute(t, codeBlock(t, readme, "## Try it without NetBackup", "sh", 1),
			"https://127.0.0.1:1556", base, "/tmp/netbackup.toml", pluginConf, "$HOME/.netbackup-simulator", certDir,
			"bin/telegraf-netbackup", tl.plugin, "demo-key", apiKey)
		out := runScript(t, script, nil)
		require.Regexp(t, `(?m)^netbackup_api,api_version=13\.0,source=127\.0\.0\.1:\d+ .*\bup=1i\b`, out)
		require.Regexp(t, `(?m)^netbackup_job,`, out)
	})

	telegrafStep := substitute(t, codeBlock(t, readme, "## Try it without NetBackup", "sh", 2),
		"$PWD/bin/telegraf-netbackup", tl.plugin, "/tmp/netbackup.toml", pluginConf, "examples/telegraf.conf", example,
		"/tmp/telegraf-netbackup.conf", filepath.Join(dir, "telegraf.conf"), " telegraf --config", " "+tl.telegraf+" --config",
		"demo-key", apiKey)

	t.Run("documented_stanza_under_telegraf_test_wait", func(t *testing.T) {
		require.Contains(t, telegrafStep, "--test --test-wait 10")
		r := runBash(t, telegrafStep, nil)

		require.Equal(t, 0, r.code, "telegraf --test --test-wait exited %d; stderr:\n%s", r.code, r.stderr)
		require.Regexp(t, `(?m)^> netbackup_api,api_version=13\.0,.*\bup=1i\b`, r.stdout)
		require.Regexp(t, `(?m)^> netbackup_job,`, r.stdout)
		require.Empty(t, levelLines(r.stderr, "E!"), "Telegraf logged errors")
		require.NotContains(t, r.stdout+r.stderr, apiKey)
	})

	t.Run("without_test_wait_nothing_is_printed", func(t *testing.T) {
		r := runBash(t, strings.Replace(telegrafStep, " --test-wait 10", "", 1), nil)

		require.Equal(t, 0, r.code, "stderr:\n%s", r.stderr)
		require.NotContains(t, r.stdout, "netbackup_", "README says --test alone prints nothing for execd")
	})

	t.Run("key_missing_from_telegrafs_environment", func(t *testing.T) {
		r := runBash(t, strings.Replace(telegrafStep, "NETBACKUP_API_KEY="+apiKey+" ", "", 1), nil)

		require.NotEqual(t, 0, r.code, "stderr:\n%s", r.stderr)
		const told = "line 3: api_key is the text ${NETBACKUP_API_KEY}, not a credential: the environment variable NETBACKUP_API_KEY did not reach the plugin"
		require.Contains(t, r.stderr, "E! [inputs.execd::netbackup] config file "+pluginConf+": "+told)
		require.Contains(t, readme, "E! [inputs.execd::netbackup] config file ...: "+told, "Troubleshooting quotes the message")
	})

	t.Run("plugin_config_in_telegrafs_directory", func(t *testing.T) {
		confDir := filepath.Join(t.TempDir(), "telegraf.d")
		require.NoError(t, os.MkdirAll(confDir, 0o755))
		sample := readRepoFile(t, tl.repoRoot, "sample.conf")
		require.NoError(t, os.WriteFile(filepath.Join(confDir, "netbackup.conf"), []byte(sample), 0o644))
		withDir := strings.Replace(telegrafStep, "--test --test-wait 10", "--config-directory "+confDir+" --test --test-wait 1", 1)

		r := runBash(t, withDir, nil)

		require.NotEqual(t, 0, r.code)
		logged := regexp.MustCompile(`E! loading config file \S+ failed: .*`).FindString(r.stderr)
		require.NotEmpty(t, logged, "stderr:\n%s", r.stderr)
		require.Contains(t, readme, strings.Replace(logged, confDir, "/etc/telegraf/telegraf.d", 1),
			"Troubleshooting quotes Telegraf's message")

		// The same file named .toml, as documented, is not loaded.
		require.NoError(t, os.Rename(filepath.Join(confDir, "netbackup.conf"), filepath.Join(confDir, "netbackup.toml")))
		r = runBash(t, withDir, nil)
		require.NotContains(t, r.stderr, "undefined but requested input")
		require.NotContains(t, r.stderr, "loading config file")
	})
}

// execdStanza is what the documented stanza sets; decoding fails on any
// other option.
type execdStanza struct {
	Alias        string   `toml:"alias"`
	Command      []string `toml:"command"`
	Environment  []string `toml:"environment"`
	Signal       string   `toml:"signal"`
	Interval     string   `toml:"interval"`
	RestartDelay string   `toml:"restart_delay"`
	DataFormat   string   `toml:"data_format"`
}

func parseExecdStanza(t *testing.T, data []byte) execdStanza {
	t.Helper()
	var doc struct {
		Inputs struct {
			Execd []execdStanza `toml:"execd"`
		} `toml:"inputs"`
	}
	require.NoError(t, toml.Unmarshal(data, &doc))
	require.Len(t, doc.Inputs.Execd, 1)
	return doc.Inputs.Execd[0]
}

func readRepoFile(t *testing.T, root, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, name))
	require.NoError(t, err)
	return string(data)
}

// codeBlock returns the n-th (from 0) fenced block of the given language
// after the heading line, within that heading's section.
func codeBlock(t *testing.T, doc, heading, lang string, n int) string {
	t.Helper()
	at := strings.Index(doc, "\n"+heading+"\n")
	require.GreaterOrEqual(t, at, 0, "README has no heading %q", heading)
	section := doc[at+len(heading)+2:]
	level := heading[:strings.Index(heading, " ")+1]
	if end := strings.Index(section, "\n"+level); end >= 0 {
		section = section[:end]
	}
	fence := regexp.MustCompile("(?ms)^ *```" + regexp.QuoteMeta(lang) + "\n(.*?)^ *```$")
	blocks := fence.FindAllStringSubmatch(section, -1)
	require.Greater(t, len(blocks), n, "README section %q has %d %s block(s)", heading, len(blocks), lang)
	return dedent(blocks[n][1])
}

// dedent removes the indentation of a block nested in a list item.
func dedent(block string) string {
	lines := strings.Split(block, "\n")
	indent := len(lines[0]) - len(strings.TrimLeft(lines[0], " "))
	for i, l := range lines {
		if len(l) >= indent && strings.TrimSpace(l[:indent]) == "" {
			lines[i] = l[indent:]
		}
	}
	return strings.Join(lines, "\n")
}

func codeLine(t *testing.T, block, prefix string) string {
	t.Helper()
	for _, l := range strings.Split(block, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("no line starting with %q in:\n%s", prefix, block)
	return ""
}

// substitute replaces each old text by its new one (pairs), failing the
// test when an old text is not there: the README changed under the test.
func substitute(t *testing.T, text string, pairs ...string) string {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		require.Contains(t, text, pairs[i], "the README block changed")
		text = strings.ReplaceAll(text, pairs[i], pairs[i+1])
	}
	return text
}

type scriptResult struct {
	code           int
	stdout, stderr string
}

// runScript runs a README block with bash (errexit, pipefail) and returns
// its stdout; it fails the test on a non-zero exit.
func runScript(t *testing.T, script string, env []string) string {
	t.Helper()
	r := runBash(t, script, env)
	require.Equal(t, 0, r.code, "script:\n%s\nstderr:\n%s", script, r.stderr)
	return r.stdout
}

func runBash(t *testing.T, script string, env []string) scriptResult {
	t.Helper()
	cmd := exec.Command("bash", "-e", "-o", "pipefail", "-c", script)
	cmd.Env = append(environWithout("NETBACKUP_API_KEY"), env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := scriptResult{stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		r.code = exitErr.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return r
}

// levelLines are the lines of Telegraf's stderr at a level ("E!").
func levelLines(stderr, level string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[1] == level {
			out = append(out, l)
		}
	}
	return out
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func certificateDER(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	block, _ := pem.Decode(data)
	require.NotNil(t, block, "%s holds no PEM block", path)
	_, err = x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return block.Bytes
}
