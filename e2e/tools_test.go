//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// tools are the binaries the test runs.
type tools struct {
	repoRoot  string
	telegraf  string // the minimal pinned Telegraf from scripts/install-telegraf.sh
	plugin    string // telegraf-netbackup, built from this tree
	simulator string // netbackup-simulator
}

// prepareTools finds Telegraf and builds the project's binaries.
func prepareTools(t *testing.T) tools {
	t.Helper()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	tl := tools{repoRoot: root}

	tl.telegraf = os.Getenv("E2E_TELEGRAF")
	if tl.telegraf == "" {
		tl.telegraf = filepath.Join(root, ".tools", "bin", "telegraf")
	}
	_, err = os.Stat(tl.telegraf)
	require.NoError(t, err, "Telegraf not found at %s: run scripts/install-telegraf.sh (make e2e does)", tl.telegraf)

	// A directory of the test's own: `make build` may write bin/ meanwhile.
	binDir := t.TempDir()
	// Both binaries are built, or the test fails: a moved package must not
	// turn the end-to-end run into a skip.
	tl.plugin = filepath.Join(binDir, "telegraf-netbackup")
	goBuild(t, root, tl.plugin, "./cmd/telegraf-netbackup")
	tl.simulator = filepath.Join(binDir, "netbackup-simulator")
	goBuild(t, root, tl.simulator, "./cmd/netbackup-simulator")
	return tl
}

func goBuild(t *testing.T, dir, out, pkg string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	output, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build %s:\n%s", pkg, output)
}
