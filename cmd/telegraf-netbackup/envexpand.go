package main

import (
	"fmt"
	"os"
	"sort"

	"github.com/influxdata/toml/ast"
)

// The plugin config file follows one rule for environment variables: ${NAME}
// is replaced by the value of NAME, $$ is one literal $, and every other $ is
// kept as written. Values are inserted as values, after the TOML is parsed,
// so a quote, a backslash or a line break in a variable cannot change the
// file's structure (Telegraf's strict handling). Telegraf's strict handling
// alone would also expand $NAME without braces and ${NAME:-default}-style
// forms, turning a literal password "pa$HOME" into "pa/home/...":
// onlyBracedReferences escapes those before Telegraf sees the file.

// envReferenceAt reports the length of a ${NAME} reference at the start of s
// (NAME: a letter or underscore, then letters, digits, underscores), or 0.
func envReferenceAt(s []byte) int {
	if len(s) < 4 || s[0] != '$' || s[1] != '{' || !isNameStart(s[2]) {
		return 0
	}
	for i := 3; i < len(s); i++ {
		switch {
		case s[i] == '}':
			return i + 1
		case !isNameChar(s[i]):
			return 0
		}
	}
	return 0
}

func isNameStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isNameChar(c byte) bool { return isNameStart(c) || ('0' <= c && c <= '9') }

// onlyBracedReferences returns data with every $ that neither starts a
// ${NAME} reference nor belongs to a $$ pair doubled, so that Telegraf's
// strict expansion keeps it as written.
func onlyBracedReferences(data []byte) []byte {
	out := make([]byte, 0, len(data)+8)
	for i := 0; i < len(data); {
		if data[i] != '$' {
			out = append(out, data[i])
			i++
			continue
		}
		if i+1 < len(data) && data[i+1] == '$' {
			out = append(out, '$', '$')
			i += 2
			continue
		}
		if n := envReferenceAt(data[i:]); n > 0 {
			out = append(out, data[i:i+n]...)
			i += n
			continue
		}
		out = append(out, '$', '$')
		i++
	}
	return out
}

// envReferences are the names of the ${NAME} references in s, in order; a
// $${NAME} is an escaped literal and not a reference.
func envReferences(s string) []string {
	var names []string
	b := []byte(s)
	for i := 0; i < len(b); {
		switch {
		case b[i] != '$':
			i++
		case i+1 < len(b) && b[i+1] == '$':
			i += 2
		default:
			if n := envReferenceAt(b[i:]); n > 0 {
				names = append(names, string(b[i+2:i+n-1]))
				i += n
			} else {
				i++
			}
		}
	}
	return names
}

// checkEnvironmentReferences fails on a ${NAME} whose NAME is not set.
// Telegraf keeps such a reference as literal text, and api_key =
// "${NBU_API_KEY}" would then be sent as the key itself: a baffling 401
// instead of a clear message. Comments are not options and are not checked.
func checkEnvironmentReferences(tree *ast.Table) error {
	var first *unsetReference
	walkStrings(tree, func(key string, line int, value string) {
		for _, name := range envReferences(value) {
			if _, set := os.LookupEnv(name); set {
				continue
			}
			if first == nil || line < first.line {
				first = &unsetReference{key: key, line: line, name: name}
			}
		}
	})
	if first == nil {
		return nil
	}
	return fmt.Errorf("line %d: %s refers to the environment variable %s, which is not set for this process: %s",
		first.line, first.key, first.name, whereToSetVariable(first.name))
}

type unsetReference struct {
	key  string
	line int
	name string
}

// walkStrings calls f for every string value in table and its sub-tables,
// with the key it belongs to and the key's line, in key order.
func walkStrings(table *ast.Table, f func(key string, line int, value string)) {
	keys := make([]string, 0, len(table.Fields))
	for k := range table.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := table.Fields[k].(type) {
		case *ast.KeyValue:
			walkValue(k, v.Line, v.Value, f)
		case *ast.Table:
			walkStrings(v, f)
		case []*ast.Table:
			for _, t := range v {
				walkStrings(t, f)
			}
		}
	}
}

func walkValue(key string, line int, v ast.Value, f func(key string, line int, value string)) {
	switch v := v.(type) {
	case *ast.String:
		f(key, line, v.Value)
	case *ast.Array:
		for _, item := range v.Value {
			walkValue(key, line, item, f)
		}
	}
}

// whereToSetVariable says where an environment variable must be set for the
// plugin to see it: under Telegraf, the plugin gets Telegraf's environment
// plus the execd stanza's environment option, whose ${NAME} Telegraf expands
// from its own environment.
func whereToSetVariable(name string) string {
	return fmt.Sprintf("under Telegraf, pass it with the [[inputs.execd]] option environment = [\"%[1]s=${%[1]s}\"] "+
		"and set %[1]s in Telegraf's own service environment (systemd: EnvironmentFile=/etc/default/telegraf "+
		"or Environment= in the telegraf unit), then restart Telegraf; by hand, run %[1]s=... telegraf-netbackup -config FILE -once",
		name)
}
