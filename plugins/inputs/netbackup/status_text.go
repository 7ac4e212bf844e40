package netbackup

import (
	"github.com/influxdata/line-protocol/v2/lineprotocol"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/statuscodes"
)

// setStatusText adds NetBackup's short message for a status code as field
// name, next to the code's own field; a code the table does not know gets no
// field rather than a guess.
func setStatusText(fields map[string]interface{}, name string, code int64) {
	if text, ok := statuscodes.Text(code); ok {
		fields[name] = text
	}
}

// appendStatusText appends NetBackup's message for code, when it has one.
func appendStatusText(list []lineField, name string, code int64) []lineField {
	text, ok := statuscodes.Text(code)
	if !ok {
		return list
	}
	value, ok := lineprotocol.StringValue(text)
	if !ok {
		return list
	}
	return append(list, lineField{name: name, value: value})
}
