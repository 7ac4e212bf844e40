// Package execdio speaks the two channels Telegraf's inputs.execd reads from
// the binary: line protocol on stdout (Accumulator) and log lines on stderr
// that start with a level indicator and nothing else (LogWriter, Logger).
//
// execd maps a stderr line to a log level only when the line starts with
// "E! ", "W! ", "I! ", "D! " or "T! "; any other line becomes an error. That
// is why no line here ever carries a timestamp or spans two lines.
package execdio
