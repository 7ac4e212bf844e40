package main

import (
	"bytes"
	"log"
	"runtime"
	"sync"
	"testing"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/logger"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/cmd/telegraf-netbackup/internal/execdio"
)

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Telegraf's logger package (used by its config loader and serializers) and
// the standard log package, which Telegraf redirects, must both come out in
// execd's format: level first, no timestamp.
func TestBridgeTelegrafLogging_RoutesTelegrafAndStdlibLogs(t *testing.T) {
	var stderr lockedBuffer
	require.NoError(t, bridgeTelegrafLogging(execdio.NewLogWriter(&stderr, telegraf.Info)))

	tl := logger.New("inputs", "netbackup", "")
	tl.Warnf("from %s", "telegraf")
	tl.Debug("filtered out")
	log.Printf("E! from stdlib")
	log.Printf("no level given")

	require.Equal(t, "W! from telegraf\nE! from stdlib\nI! no level given\n", stderr.String())
}

// Until logging is redirected, Telegraf's logger keeps every message (even a
// filtered Debug) in an unbounded list: a long-running plugin would grow
// without end. The bridge must end that mode.
func TestBridgeTelegrafLogging_KeepsNothingInMemory(t *testing.T) {
	require.NoError(t, bridgeTelegrafLogging(execdio.NewLogWriter(&lockedBuffer{}, telegraf.Info)))
	tl := logger.New("inputs", "netbackup", "")

	heapAfterGC := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	before := heapAfterGC()
	for i := range 200_000 {
		tl.Debug("debug message number ", i)
	}
	grown := heapAfterGC() - before

	// Kept messages would take tens of MiB (about 200 bytes each).
	require.Less(t, grown, int64(8<<20))
}
