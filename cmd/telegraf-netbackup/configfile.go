package main

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/influxdata/toml"
	"github.com/influxdata/toml/ast"
)

// configFile is the plugin config file as written, before Telegraf's loader
// turns it into options. It answers what the loader does not tell: the line
// of each option, how many servers and credentials there are before any
// secret is created, and whether a credential is written literally or as
// ${NAME}. It is parsed with the TOML parser Telegraf itself uses, so lines
// and values mean the same to both.
type configFile struct {
	path string
	data []byte
	mode fs.FileMode
	tree *ast.Table
}

func readConfigFile(path string) (*configFile, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err // *PathError names the file
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	tree, err := toml.Parse(data)
	if err != nil {
		// The parser's errors name the line and never quote a value.
		return nil, fmt.Errorf("invalid TOML: %w", err)
	}
	return &configFile{path: path, data: data, mode: info.Mode(), tree: tree}, nil
}

// pluginTable is the first [[inputs.netbackup]] table, or nil.
func (f *configFile) pluginTable() *ast.Table {
	inputs, ok := f.tree.Fields["inputs"].(*ast.Table)
	if !ok {
		return nil
	}
	tables, ok := inputs.Fields["netbackup"].([]*ast.Table)
	if !ok || len(tables) == 0 {
		return nil
	}
	return tables[0]
}

// option is the key/value of the plugin table named name, if written.
func (f *configFile) option(name string) (*ast.KeyValue, bool) {
	table := f.pluginTable()
	if table == nil {
		return nil, false
	}
	kv, ok := table.Fields[name].(*ast.KeyValue)
	return kv, ok
}

// stringOption is the value of a string option as written in the file
// (TOML escapes resolved, ${NAME} not yet expanded).
func (f *configFile) stringOption(name string) (value string, line int, ok bool) {
	kv, found := f.option(name)
	if !found {
		return "", 0, false
	}
	s, isString := kv.Value.(*ast.String)
	if !isString {
		return "", kv.Line, false
	}
	return s.Value, kv.Line, true
}

// serverCount is the number of entries of the servers option (at least 1, so
// that sizes computed from it are never zero).
func (f *configFile) serverCount() int {
	kv, ok := f.option("servers")
	if !ok {
		return 1
	}
	if a, isArray := kv.Value.(*ast.Array); isArray && len(a.Value) > 0 {
		return len(a.Value)
	}
	return 1
}

// credentialOptions are the options holding secrets, in the order checked.
var credentialOptions = []string{"api_key", "username", "password"}

// writtenCredentials are the credential options present in the file.
func (f *configFile) writtenCredentials() []string {
	var names []string
	for _, name := range credentialOptions {
		if _, ok := f.option(name); ok {
			names = append(names, name)
		}
	}
	return names
}
