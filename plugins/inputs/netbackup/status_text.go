package netbackup

import "github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/statuscodes"

// setStatusText adds NetBackup's short message for a status code as field
// name, next to the code's own field; a code the table does not know gets no
// field rather than a guess.
func setStatusText(fields map[string]interface{}, name string, code int64) {
	if text, ok := statuscodes.Text(code); ok {
		fields[name] = text
	}
}
