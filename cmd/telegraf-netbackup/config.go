package main

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/influxdata/telegraf"
	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/models"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup"
)

// loadPlugin turns the config file into the plugin with Telegraf's own
// loader, so the file means what it would mean inside telegraf.conf:
// config.Secret values, and an error naming any unknown option. Environment
// variables are expanded strictly (see envexpand.go). It then sets the
// plugin's logger, checks the credentials and runs Init: nothing is sent to
// a server yet.
//
// The errors never quote option values: the file holds credentials.
func loadPlugin(file *configFile, log telegraf.Logger) (*netbackup.NetBackup, error) {
	if err := checkEnvironmentReferences(file.tree); err != nil {
		return nil, err
	}
	config.NonStrictEnvVarHandling = false
	cfg := config.NewConfig()
	if err := cfg.LoadConfigData(onlyBracedReferences(file.data), file.path); err != nil {
		return nil, nameUnknownOptions(err, file)
	}
	switch len(cfg.Inputs) {
	case 0:
		return nil, errors.New("no [[inputs.netbackup]] table found: start from -sample-config")
	case 1:
	default:
		return nil, fmt.Errorf("found %d [[inputs.netbackup]] tables, but one process runs one table: "+
			"list several servers in one table, or run one [[inputs.execd]] per table", len(cfg.Inputs))
	}
	if err := rejectAgentOptions(cfg.Inputs[0].Config); err != nil {
		return nil, err
	}
	plugin, ok := cfg.Inputs[0].Input.(*netbackup.NetBackup)
	if !ok {
		return nil, fmt.Errorf("unexpected plugin type %T", cfg.Inputs[0].Input)
	}
	if err := rejectSecretStoreReferences(plugin); err != nil {
		return nil, err
	}
	if err := checkCredentials(file, plugin); err != nil {
		return nil, err
	}
	plugin.Log = log
	if err := plugin.Init(); err != nil {
		return nil, fmt.Errorf("[[inputs.netbackup]]: %w", err)
	}
	return plugin, nil
}

// rejectAgentOptions refuses the options that Telegraf applies to every
// plugin (interval, tags, filters, ...): Telegraf's loader accepts them, but
// in a separate process nothing would apply them. They belong on the
// [[inputs.execd]] stanza in telegraf.conf.
func rejectAgentOptions(c *models.InputConfig) error {
	var set []string
	add := func(cond bool, name string) {
		if cond {
			set = append(set, name)
		}
	}
	add(c.Interval != 0, "interval")
	add(c.Precision != 0, "precision")
	add(c.CollectionJitter != 0, "collection_jitter")
	add(c.CollectionOffset != 0, "collection_offset")
	add(c.TimeSource != "", "time_source")
	add(c.StartupErrorBehavior != "", "startup_error_behavior")
	add(c.LogLevel != "", "log_level")
	add(c.Alias != "", "alias")
	add(c.NameOverride != "", "name_override")
	add(c.MeasurementPrefix != "", "name_prefix")
	add(c.MeasurementSuffix != "", "name_suffix")
	add(len(c.Tags) > 0, "[inputs.netbackup.tags]")
	add(c.Filter.IsActive(), "metric filters (namepass, fieldinclude, tagpass, ...)")
	if len(set) == 0 {
		return nil
	}
	return fmt.Errorf("%s: Telegraf applies these to the plugins it runs itself, not inside this process; "+
		"set them on the [[inputs.execd]] stanza in telegraf.conf instead", strings.Join(set, ", "))
}

// rejectSecretStoreReferences fails on a @{store:key} secret: this binary
// has no secret stores, and the reference would otherwise fail only at the
// first request. (Telegraf's cfg.LinkSecrets would do the same check, but over
// every secret the process ever loaded.)
func rejectSecretStoreReferences(plugin *netbackup.NetBackup) error {
	var found error
	walkSecrets(reflect.ValueOf(plugin).Elem(), func(name string, s *config.Secret) {
		if refs := s.GetUnlinked(); len(refs) > 0 && found == nil {
			found = fmt.Errorf("option %s refers to secret store %q, but secret stores are not supported here: use ${ENV} instead",
				name, refs[0])
		}
	})
	return found
}

var secretType = reflect.TypeOf(config.Secret{})

// walkSecrets calls f for every exported config.Secret field of the struct v,
// including those of embedded structs.
func walkSecrets(v reflect.Value, f func(name string, s *config.Secret)) {
	t := v.Type()
	for i := range t.NumField() {
		field := t.Field(i)
		if !field.IsExported() {
			continue
		}
		switch {
		case field.Type == secretType:
			name := strings.Split(field.Tag.Get("toml"), ",")[0]
			if name == "" {
				name = field.Name
			}
			f(name, v.Field(i).Addr().Interface().(*config.Secret))
		case field.Anonymous && field.Type.Kind() == reflect.Struct:
			walkSecrets(v.Field(i), f)
		}
	}
}
