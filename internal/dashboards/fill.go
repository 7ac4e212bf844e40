package dashboards

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// grafanaVariable is $name or ${name} in a query.
var grafanaVariable = regexp.MustCompile(`\$\{?(\w+)\}?`)

// Fill replaces the Grafana variables of a query ($server, $timeFilter,
// $__interval, ...) with values, as Grafana does before it sends the
// query. A variable without a value is an error that names it, so a query
// cannot carry a misspelt variable unnoticed. Variables inside regular
// expressions (/^$server$/) are filled the same way.
func Fill(query string, values map[string]string) (string, error) {
	var missing []string
	out := grafanaVariable.ReplaceAllStringFunc(query, func(m string) string {
		name := grafanaVariable.FindStringSubmatch(m)[1]
		v, ok := values[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return v
	})
	if len(missing) > 0 {
		sort.Strings(missing)
		return "", fmt.Errorf("no value for %s in %q", strings.Join(missing, ", "), query)
	}
	return out, nil
}
