package nbuapi

import "github.com/influxdata/telegraf"

// restyLogger sends resty's own messages to the debug log: the caller
// reports failures itself, once, with more context.
type restyLogger struct{ log telegraf.Logger }

func (l restyLogger) Errorf(format string, v ...any) { l.log.Debugf("resty: "+format, v...) }
func (l restyLogger) Warnf(format string, v ...any)  { l.log.Debugf("resty: "+format, v...) }
func (l restyLogger) Debugf(format string, v ...any) { l.log.Debugf("resty: "+format, v...) }

// discardLogger is used when the configuration has no logger.
type discardLogger struct{}

func (discardLogger) Level() telegraf.LogLevel         { return telegraf.Error }
func (discardLogger) AddAttribute(string, interface{}) {}
func (discardLogger) Errorf(string, ...interface{})    {}
func (discardLogger) Error(...interface{})             {}
func (discardLogger) Debugf(string, ...interface{})    {}
func (discardLogger) Debug(...interface{})             {}
func (discardLogger) Warnf(string, ...interface{})     {}
func (discardLogger) Warn(...interface{})              {}
func (discardLogger) Tracef(string, ...interface{})    {}
func (discardLogger) Trace(...interface{})             {}
func (discardLogger) Infof(string, ...interface{})     {}
func (discardLogger) Info(...interface{})              {}
