package execdio

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/stretchr/testify/require"
)

func TestLogger_PrefixesEveryLevelWithoutTimestamp(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger(NewLogWriter(&buf, telegraf.Debug))

	log.Errorf("e %d", 1)
	log.Error("e", 2)
	log.Warnf("w %s", "x")
	log.Warn("w")
	log.Infof("i %v", true)
	log.Info("i")
	log.Debugf("d %q", "q")
	log.Debug("d")

	require.Equal(t, "E! e 1\nE! e2\nW! w x\nW! w\nI! i true\nI! i\nD! d \"q\"\nD! d\n", buf.String())
}

func TestLogger_DebugOnlyWhenEnabled(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger(NewLogWriter(&buf, telegraf.Info))

	log.Debugf("hidden %d", 1)
	log.Debug("hidden")
	log.Tracef("hidden")
	log.Info("shown")

	require.Equal(t, "I! shown\n", buf.String())
	require.Equal(t, telegraf.Info, log.Level())
}

func TestLogger_MultiLineMessageStaysOnOneLine(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger(NewLogWriter(&buf, telegraf.Info))

	log.Errorf("first\nsecond\r\nthird\n")

	require.Equal(t, "E! first | second | third\n", buf.String())
}

func TestLogWriter_TelegrafCallbackFiltersAndPrefixes(t *testing.T) {
	var buf bytes.Buffer
	w := NewLogWriter(&buf, telegraf.Info)

	w.TelegrafCallback(telegraf.Warn, time.Now(), "inputs.netbackup", nil, "careful: ", 3)
	w.TelegrafCallback(telegraf.Debug, time.Now(), "", nil, "not shown")
	w.TelegrafCallback(telegraf.Info, time.Now(), "", nil, "Loading config:\n/etc/x")

	require.Equal(t, "W! careful: 3\nI! Loading config: | /etc/x\n", buf.String())
}

func TestLogWriter_ConcurrentMessagesNeverInterleave(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger(NewLogWriter(&buf, telegraf.Info))
	msg := strings.Repeat("x", 4096)

	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				log.Warn(msg)
			}
		}()
	}
	wg.Wait()

	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Len(t, lines, 400)
	for _, line := range lines {
		require.Equal(t, "W! "+msg, line)
	}
}
