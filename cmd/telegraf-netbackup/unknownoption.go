package main

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/influxdata/toml/ast"
)

// unusedFields matches the error of Telegraf's loader for options no plugin
// field takes: `... line 2: configuration specified the fields ["a" "b"],
// but they were not used; ...`. Its line is the table's, not the option's.
var unusedFields = regexp.MustCompile(`configuration specified the fields \[((?:"(?:[^"\\]|\\.)*" ?)+)\], but they were not used`)

var quotedName = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// nameUnknownOptions rewrites Telegraf's unused-fields error so that it names
// the line of each unknown option. Any other error is returned unchanged.
func nameUnknownOptions(err error, file *configFile) error {
	m := unusedFields.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	type unknown struct {
		name string
		line int
	}
	var found []unknown
	for _, q := range quotedName.FindAllString(m[1], -1) {
		name, uerr := strconv.Unquote(q)
		if uerr != nil {
			return err
		}
		line := 0
		if kv, ok := file.option(name); ok {
			line = kv.Line
		} else if t := file.pluginTable(); t != nil && t.Fields[name] != nil {
			line = subTableLine(t.Fields[name])
		}
		if line == 0 {
			return err
		}
		found = append(found, unknown{name, line})
	}
	sort.Slice(found, func(i, j int) bool { return found[i].line < found[j].line })
	parts := make([]string, len(found))
	for i, u := range found {
		parts[i] = fmt.Sprintf("line %d: unknown option %q", u.line, u.name)
	}
	return fmt.Errorf("%s in [[inputs.netbackup]]: a misspelt option, or one this version does not have "+
		"(telegraf-netbackup -sample-config lists every option)", strings.Join(parts, "; "))
}

// subTableLine is the line of a [inputs.netbackup.NAME] sub-table, or 0.
func subTableLine(v interface{}) int {
	switch t := v.(type) {
	case *ast.Table:
		return t.Line
	case []*ast.Table:
		if len(t) > 0 {
			return t[0].Line
		}
	}
	return 0
}
