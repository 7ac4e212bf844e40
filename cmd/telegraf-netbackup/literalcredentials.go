package main

import (
	"io/fs"
	"runtime"
	"strings"

	"github.com/influxdata/telegraf"
)

// warnLiteralCredentialsInSharedFile says once when the config file holds a
// credential written as text (not a ${NAME} reference) while its mode lets
// its group or everyone read it: anyone in that group can then read the key.
// Windows file modes say nothing about who may read, so it is not checked
// there.
func warnLiteralCredentialsInSharedFile(file *configFile, log telegraf.Logger) {
	if runtime.GOOS == "windows" || file.mode.Perm()&0o044 == 0 {
		return
	}
	var literal []string
	for _, name := range file.writtenCredentials() {
		written, _, ok := file.stringOption(name)
		if ok && written != "" && len(envReferences(written)) == 0 {
			literal = append(literal, name)
		}
	}
	if len(literal) == 0 {
		return
	}
	log.Warnf("config file %s holds %s as literal text and is readable by %s (mode %04o): "+
		"write %s = \"${%s}\" and pass the value through the environment, "+
		"or let only the user that runs Telegraf read the file (chown telegraf FILE; chmod 0600 FILE)",
		file.path, strings.Join(literal, " and "), readableBy(file.mode.Perm()), file.mode.Perm(),
		literal[0], "NETBACKUP_"+strings.ToUpper(literal[0]))
}

func readableBy(perm fs.FileMode) string {
	if perm&0o004 != 0 {
		return "everyone"
	}
	return "its group"
}
