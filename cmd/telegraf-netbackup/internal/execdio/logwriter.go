package execdio

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/influxdata/telegraf"
)

// LogWriter writes one log message as one stderr line: the level indicator,
// a space, and the message with its line breaks replaced. It is safe for
// concurrent use; each message is written with a single Write call.
type LogWriter struct {
	mu    sync.Mutex
	out   io.Writer
	level telegraf.LogLevel
}

// NewLogWriter writes messages up to and including level to out: Info for
// normal runs, Debug with -debug.
func NewLogWriter(out io.Writer, level telegraf.LogLevel) *LogWriter {
	return &LogWriter{out: out, level: level}
}

// Level is the most verbose level written.
func (w *LogWriter) Level() telegraf.LogLevel {
	return w.level
}

// Enabled tells whether messages of this level are written.
func (w *LogWriter) Enabled(level telegraf.LogLevel) bool {
	return level > telegraf.None && w.level.Includes(level)
}

// Print writes one message, unless its level is filtered out.
func (w *LogWriter) Print(level telegraf.LogLevel, msg string) {
	if !w.Enabled(level) {
		return
	}
	line := level.Indicator() + " " + oneLine(msg) + "\n"
	w.mu.Lock()
	defer w.mu.Unlock()
	// A failed stderr write has nowhere to be reported.
	_, _ = io.WriteString(w.out, line)
}

// TelegrafCallback has the signature of logger.CallbackFunc: registered with
// logger.AddCallback, it routes everything logged through Telegraf's logger
// package (and the standard library's log package, which Telegraf redirects)
// to stderr in execd's format.
func (w *LogWriter) TelegrafCallback(level telegraf.LogLevel, _ time.Time, _ string, _ map[string]interface{}, args ...interface{}) {
	if !w.Enabled(level) {
		return
	}
	w.Print(level, fmt.Sprint(args...))
}

// oneLine keeps a message on one line: execd reads stderr line by line and
// would turn a continuation line into a separate error.
func oneLine(msg string) string {
	msg = strings.TrimRight(msg, "\r\n")
	if !strings.ContainsAny(msg, "\r\n") {
		return msg
	}
	msg = strings.ReplaceAll(msg, "\r\n", "\n")
	msg = strings.ReplaceAll(msg, "\r", "\n")
	return strings.ReplaceAll(msg, "\n", " | ")
}
