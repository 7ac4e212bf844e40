package nbusim

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseFault reads the command-line form of a fault:
//
//	path=/admin/jobs,kind=status,status=503,retry_after=1,probability=0.1,count=3,delay=2s
//
// Keys: path, kind (required), status, retry_after, delay, count, probability;
// item, attribute and value for malformed_item (value is raw JSON, so a
// value holding a comma cannot be given here: use the Fault struct).
func ParseFault(spec string) (Fault, error) {
	var f Fault
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return f, fmt.Errorf("fault %q: %q is not key=value", spec, part)
		}
		var err error
		switch strings.TrimSpace(key) {
		case "path":
			f.PathPrefix = val
		case "kind":
			f.Kind = FaultKind(val)
		case "status":
			f.Status, err = strconv.Atoi(val)
		case "retry_after":
			f.RetryAfter = val
		case "delay":
			f.Delay, err = time.ParseDuration(val)
		case "count":
			f.Count, err = strconv.Atoi(val)
		case "probability":
			f.Probability, err = strconv.ParseFloat(val, 64)
		case "item":
			f.ItemID = val
		case "attribute":
			f.Attribute = val
		case "value":
			f.Value = val
		default:
			return f, fmt.Errorf("fault %q: unknown key %q", spec, key)
		}
		if err != nil {
			return f, fmt.Errorf("fault %q: bad %s: %w", spec, key, err)
		}
	}
	switch f.Kind {
	case FaultStatus, FaultReset, FaultDelay, FaultHang, FaultTruncate, FaultInvalidJSON, FaultExpiredCursor:
	case FaultMalformed:
		if f.ItemID == "" || f.Attribute == "" || !json.Valid([]byte(f.Value)) {
			return f, fmt.Errorf("fault %q: malformed_item needs item, attribute and a JSON value (e.g. item=25,attribute=clientName,value=42)", spec)
		}
	case "":
		return f, fmt.Errorf("fault %q: kind is required", spec)
	default:
		return f, fmt.Errorf("fault %q: unknown kind %q (status, reset, delay, hang, truncate, invalid_json, expired_cursor, malformed_item)", spec, f.Kind)
	}
	if f.Probability < 0 || f.Probability > 1 {
		return f, fmt.Errorf("fault %q: probability must be within [0,1]", spec)
	}
	return f, nil
}
