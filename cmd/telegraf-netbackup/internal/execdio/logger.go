package execdio

import (
	"fmt"

	"github.com/influxdata/telegraf"
)

// Logger is the telegraf.Logger given to the plugin: every call becomes one
// stderr line through a LogWriter.
type Logger struct {
	w *LogWriter
}

var _ telegraf.Logger = (*Logger)(nil)

// NewLogger returns a telegraf.Logger writing through w.
func NewLogger(w *LogWriter) *Logger {
	return &Logger{w: w}
}

// Level lets the plugin skip building debug messages nobody will read.
func (l *Logger) Level() telegraf.LogLevel { return l.w.Level() }

// AddAttribute is accepted and ignored: execd's line format has no place for
// attributes, and Telegraf's own text logger drops them too.
func (*Logger) AddAttribute(string, interface{}) {}

func (l *Logger) Errorf(format string, args ...interface{}) { l.printf(telegraf.Error, format, args) }
func (l *Logger) Error(args ...interface{})                 { l.print(telegraf.Error, args) }
func (l *Logger) Warnf(format string, args ...interface{})  { l.printf(telegraf.Warn, format, args) }
func (l *Logger) Warn(args ...interface{})                  { l.print(telegraf.Warn, args) }
func (l *Logger) Infof(format string, args ...interface{})  { l.printf(telegraf.Info, format, args) }
func (l *Logger) Info(args ...interface{})                  { l.print(telegraf.Info, args) }
func (l *Logger) Debugf(format string, args ...interface{}) { l.printf(telegraf.Debug, format, args) }
func (l *Logger) Debug(args ...interface{})                 { l.print(telegraf.Debug, args) }
func (l *Logger) Tracef(format string, args ...interface{}) { l.printf(telegraf.Trace, format, args) }
func (l *Logger) Trace(args ...interface{})                 { l.print(telegraf.Trace, args) }

// printf formats only when the level is written: debug messages cost nothing
// in a normal run.
func (l *Logger) printf(level telegraf.LogLevel, format string, args []interface{}) {
	if l.w.Enabled(level) {
		l.w.Print(level, fmt.Sprintf(format, args...))
	}
}

func (l *Logger) print(level telegraf.LogLevel, args []interface{}) {
	if l.w.Enabled(level) {
		l.w.Print(level, fmt.Sprint(args...))
	}
}
