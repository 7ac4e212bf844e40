module github.com/telegraf-netbackup/telegraf-netbackup

go 1.26

require (
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/go-resty/resty/v2 v2.17.2 // indirect
	github.com/influxdata/telegraf v1.37.2 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	go.uber.org/goleak v1.3.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/net v0.49.0 // indirect
)
