package main

import "runtime/debug"

// version is set at build time: go build -ldflags "-X main.version=v1.2.3".
var version string

// buildVersion is the version printed by -version and sent in the
// User-Agent: the -ldflags value, else the module version of a
// "go install ...@version" build, else "dev".
func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
