package main

import (
	"fmt"
	"slices"

	"github.com/influxdata/telegraf/config"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup"
)

// checkCredentials refuses, before any request, a credential written in the
// file that did not get a value: empty, or still the text of a ${NAME}
// reference. The second happens under Telegraf: execd's
// environment = ["K=${K}"] passes the text "${K}" itself when Telegraf's own
// environment lacks K, and the plugin would send that text as the key.
// Its errors name the variable, never the value.
func checkCredentials(file *configFile, plugin *netbackup.NetBackup) error {
	secrets := map[string]*config.Secret{
		"api_key":  &plugin.APIKey,
		"username": &plugin.Username,
		"password": &plugin.Password,
	}
	for _, name := range file.writtenCredentials() {
		written, line, _ := file.stringOption(name)
		refs := envReferences(written)
		value, err := secretString(secrets[name])
		if err != nil {
			return fmt.Errorf("line %d: %s: %w", line, name, err)
		}
		if left, ok := unexpandedReference(value, refs); ok {
			return fmt.Errorf("line %d: %s is the text %s, not a credential: the environment variable %s did not reach the plugin "+
				"(Telegraf's execd passes ${%s} unchanged when Telegraf's own environment lacks it); %s",
				line, name, "${"+left+"}", left, left, whereToSetVariable(left))
		}
		if value != "" {
			continue
		}
		if len(refs) > 0 {
			return fmt.Errorf("line %d: %s is empty: the environment variable %s is set but empty; %s",
				line, name, refs[0], whereToSetVariable(refs[0]))
		}
		return fmt.Errorf("line %d: %s is empty: give it a value, or remove the line", line, name)
	}
	return nil
}

// unexpandedReference finds a ${NAME} left in an expanded value: one of the
// references written in the file (its variable holds its own reference), or
// a value that is nothing but a reference (a variable holding another one).
func unexpandedReference(value string, written []string) (string, bool) {
	for _, name := range envReferences(value) {
		if slices.Contains(written, name) || "${"+name+"}" == value {
			return name, true
		}
	}
	return "", false
}

func secretString(s *config.Secret) (string, error) {
	buf, err := s.Get()
	if err != nil {
		return "", err
	}
	defer buf.Destroy()
	return buf.String(), nil
}
