package netbackup

import (
	"encoding/json"
	"time"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// alertAttributes is what the alerts collector reads of an alert
// (manage.yaml, GET /manage/alerts).
type alertAttributes struct {
	Title           string      `json:"title"`
	Description     string      `json:"description"`
	Category        string      `json:"category"`
	SubCategory     string      `json:"subCategory"`
	Severity        string      `json:"severity"`
	Context         string      `json:"context"`
	CreatedDateTime alertTime   `json:"createdDateTime"`
	Params          alertParams `json:"params"`
}

// alertTime is createdDateTime. The document types it as a plain string and
// its own example is "2018-04-26 13:41:31.751000+00:00" (a space, an
// offset), while servers send ISO-8601 with Z: both are read.
type alertTime struct {
	time.Time
}

func (t *alertTime) UnmarshalJSON(data []byte) error {
	t.Time = time.Time{}
	s, ok := nbuapi.Scalar(data)
	if !ok {
		return nil
	}
	parsed, ok := parseAlertTime(s)
	if ok {
		t.Time = parsed.UTC()
	}
	return nil
}

var alertTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999-0700",
	"2006-01-02T15:04:05.999999999-0700",
}

func parseAlertTime(s string) (time.Time, bool) {
	if t, err := nbuapi.ParseTime(s); err == nil {
		return t, true
	}
	for _, layout := range alertTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// alertParams reads params leniently: the document says a map of strings,
// but a number or null in it must not lose the whole page.
type alertParams map[string]string

func (p *alertParams) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		*p = nil
		return nil
	}
	out := make(alertParams, len(raw))
	for k, v := range raw {
		if s, ok := nbuapi.Scalar(v); ok {
			out[k] = s
		}
	}
	*p = out
	return nil
}
