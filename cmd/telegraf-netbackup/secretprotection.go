package main

import (
	"os"
	"strconv"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/config"
)

// chooseSecretProtection decides, before the config is loaded (secrets are
// created while loading), whether credentials live in locked memory.
// Telegraf's protected secrets lock memory (mlock) whenever they are created
// or read; where the locked-memory limit is too small for that (containers
// and many distributions give unprivileged processes 64 KiB, some 0), mlock
// fails inside the secret library, which panics or hangs. The plugin then
// runs with unprotected secrets, as Telegraf's --unprotected does, and says
// so once.
func chooseSecretProtection(unprotected bool, file *configFile, log telegraf.Logger) {
	if unprotected {
		config.DisableSecretProtection()
		log.Info("secrets are kept in ordinary memory, not locked memory (-unprotected)")
		return
	}
	limit, known := lockedMemoryLimit()
	need := lockedMemoryNeeded(file)
	if !known || limit >= need {
		return
	}
	config.DisableSecretProtection()
	log.Warnf("the locked-memory limit (RLIMIT_MEMLOCK) is %s, but keeping %d credential(s) for %d server(s) in locked memory needs about %s: "+
		"running with unprotected secrets (in ordinary memory, as with -unprotected). To protect them, raise the limit of the process: "+
		"LimitMEMLOCK=8M in the systemd unit that starts Telegraf (Telegraf's own unit sets it), `ulimit -l 8192` in a shell, "+
		"or the memlock ulimit of the container",
		kib(limit), len(file.writtenCredentials()), file.serverCount(), kib(need))
}

// lockedMemoryNeeded estimates the locked memory the plugin's secrets need:
// the secret library's key (3 pages, locked while any secret exists), and
// for each credential read, a decrypted copy and a view of the key (a page
// each). Servers are gathered concurrently, each reading each credential
// once per gather.
func lockedMemoryNeeded(file *configFile) uint64 {
	pages := 3 + 2*len(file.writtenCredentials())*file.serverCount()
	return uint64(pages) * uint64(os.Getpagesize())
}

func kib(bytes uint64) string {
	return strconv.FormatUint(bytes/1024, 10) + " KiB"
}
