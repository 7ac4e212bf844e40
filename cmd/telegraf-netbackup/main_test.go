package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// binaryPath is the binary built once for the process-level tests.
var binaryPath string

// testBuildVersion is stamped into the test binary with -ldflags.
const testBuildVersion = "v0.0.0-processtest"

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "telegraf-netbackup-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binaryPath = filepath.Join(dir, "telegraf-netbackup")
	build := exec.Command("go", "build", "-ldflags", "-X main.version="+testBuildVersion, "-o", binaryPath, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building the binary for the process tests: %v\n", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
