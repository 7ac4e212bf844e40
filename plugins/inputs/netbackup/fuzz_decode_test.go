package netbackup

import (
	"encoding/json"
	"math"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/plugins/inputs/netbackup/nbuapi"
)

// Fuzz targets for the decoding of what servers send: job pages and the
// storage, tape and media server resources, down to the metrics built from
// them. Whatever arrives, decoding never panics and every metric holds only
// field types Telegraf serialises, with finite floats.
//
// Seeds: f.Add below, plus testdata/fuzz/<FuzzName>/ (pages recorded from
// the simulator). Run: go test -run '^$' -fuzz '^FuzzJobsPage$' -fuzztime 30s .

// relRequireFields checks what a line protocol serialiser needs.
func relRequireFields(t *testing.T, measurement string, fields map[string]interface{}, tags map[string]string) {
	t.Helper()
	for name, v := range fields {
		require.NotEmpty(t, name, measurement)
		switch x := v.(type) {
		case int64, uint64, bool:
		case string:
			require.True(t, utf8.ValidString(x), "%s.%s is not UTF-8", measurement, name)
		case float64:
			require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "%s.%s = %v", measurement, name, x)
		default:
			t.Fatalf("%s.%s has type %T", measurement, name, v)
		}
	}
	for name := range tags {
		require.NotEmpty(t, name, measurement)
	}
}

func FuzzJobsPage(f *testing.F) {
	f.Add([]byte(`{"data":[{"type":"job","id":"4312","attributes":{"jobId":4312,"parentJobId":4310,"jobType":"BACKUP",` +
		`"state":"DONE","status":0,"kilobytesTransferred":52428800.0,"dedupRatio":"84.5","elapsedTime":"PT8M45S",` +
		`"startTime":"2024-06-10T06:13:20.000Z","endTime":"2024-06-10T06:22:05Z","activeTryStartTime":"2024-06-10T06:14:00Z",` +
		`"lastUpdateTime":"2024-06-10T06:22:05Z","try":1}}],"meta":{"pagination":{"next":"abc"}}}`))
	f.Add([]byte(`{"data":[{"id":"7","attributes":{"jobId":"7","state":"ACTIVE","endTime":"1970-01-01T00:00:00Z",` +
		`"elapsedTime":"00:05:46","percentComplete":null,"transferRate":1e3}}],"meta":{"pagination":{"next":100,"last":200}}}`))
	f.Add([]byte(`{"data":[{"attributes":{"jobId":{},"status":[],"elapsedTime":"NaN","startTime":1718000000000}}]}`))
	f.Add([]byte(`{"data":null}`))
	f.Add([]byte(`{"data":[{"id":"8","attributes":{"jobId":8,"clientName":{"x":1},"policyName":42,"state":true}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		requireSameJobs(t, "fuzz", data) // the hand decoder reads what the reflection path reads
		items, _, err := nbuapi.DecodePage[jobAttributes](data)
		if err != nil {
			return
		}
		for _, item := range items {
			for _, rel := range item.Relationships {
				_ = rel.IDs()
			}
			a := &item.Attributes
			tags := jobTags(a, "nbu", defaultJobTags)
			relRequireFields(t, jobMeasurement, finishedJobFields(a), tags)
			relRequireFields(t, jobActiveMeasurement, activeJobFields(a), tags)
			_ = jobTimestamp(a)
			for _, ts := range []nbuapi.Time{a.StartTime, a.EndTime, a.ActiveTryStartTime, a.LastUpdateTime} {
				require.True(t, ts.IsZero() || ts.Unix() > 0, "a date-time at or before the epoch counts as unset")
			}
		}
	})
}

func FuzzStoragePage(f *testing.F) {
	f.Add([]byte(`{"data":[{"type":"diskPool","id":"dp1","attributes":{"name":"pool1","sType":"PureDisk","diskPoolState":"UP",` +
		`"rawSizeBytes":1000,"usableSizeBytes":"900","availableSpaceBytes":100.0,"usedCapacityBytes":800,"highWaterMark":98,` +
		`"diskVolumes":[{"name":"v1","state":"UP","rawSizeBytes":1000,"freeSizeBytes":10}]}}],"meta":{"pagination":{"next":500,"last":0}}}`))
	f.Add([]byte(`{"data":[{"type":"storageUnit","id":"stu1","attributes":{"name":"stu1","storageType":"DISK",` +
		`"freeCapacityBytes":5,"totalCapacityBytes":0,"usedCapacityBytes":-1},"relationships":{"diskPool":{"data":{"type":"diskPool","id":"dp1"}}}}]}`))
	f.Add([]byte(`{"data":[{"type":"storageServer","id":"ss","attributes":{"name":"ss","storageServerState":"down",` +
		`"msdpAttributes":{"storagePoolDetails":{"sizeBytes":1e30,"usedSpaceBytes":null},"deduplicationRatioPercentage":"Infinity"}}}]}`))
	f.Add([]byte(`{"data":[{"type":"drive","id":"d1","attributes":{"driveType":"DT_HCART","driveStatus":"DRIVE_STATUS_UP",` +
		`"enabled":"TRUE","robotNumber":"0","devicePaths":[{"driveName":"d1","pathStatus":"PATH_STATUS_DOWN"}]}}]}`))
	f.Add([]byte(`{"data":[{"type":"volumeInfo","id":"A00001","attributes":{"mediaType":"HCART","volumePool":"NetBackup",` +
		`"mediaStatus":"ACTIVE MULTIPLEXED","kiloBytes":123}}],"meta":{"pagination":{"next":"c2"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		names := map[string]string{}
		var pools testPage[diskPoolAttributes]
		if json.Unmarshal(data, &pools) == nil {
			for _, r := range pools.Data {
				names[r.ID] = diskPoolName(r)
				for _, pt := range diskPoolPoints("nbu", r) {
					relRequireFields(t, pt.measurement, pt.fields, pt.tags)
				}
			}
		}
		var units testPage[storageUnitAttributes]
		if json.Unmarshal(data, &units) == nil {
			for _, r := range units.Data {
				pt := storageUnitPoint("nbu", r, names)
				relRequireFields(t, pt.measurement, pt.fields, pt.tags)
			}
		}
		var servers testPage[storageServerAttributes]
		if json.Unmarshal(data, &servers) == nil {
			for _, r := range servers.Data {
				pt := storageServerPoint("nbu", r)
				relRequireFields(t, pt.measurement, pt.fields, pt.tags)
			}
		}
		var drives testPage[driveAttributes]
		if json.Unmarshal(data, &drives) == nil {
			for _, r := range drives.Data {
				pt := drivePoint("nbu", r)
				relRequireFields(t, pt.measurement, pt.fields, pt.tags)
			}
		}
		var media testPage[tapeMediaAttributes]
		if json.Unmarshal(data, &media) == nil {
			tally := make(tapeMediaTally)
			for _, r := range media.Data {
				tally.add(r)
			}
			for _, pt := range tally.points("nbu", sortedTapeMediaKeys(tally)) {
				relRequireFields(t, pt.measurement, pt.fields, pt.tags)
			}
		}
		var mediaServers testPage[mediaServerAttributes]
		if json.Unmarshal(data, &mediaServers) == nil {
			for _, r := range mediaServers.Data {
				pt := mediaServerPoint("nbu", r)
				relRequireFields(t, pt.measurement, pt.fields, pt.tags)
			}
		}
		var alerts testPage[alertAttributes]
		_ = json.Unmarshal(data, &alerts)
	})
}

func FuzzCertificatesPEM(f *testing.F) {
	f.Add("-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----")
	f.Add("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----")
	f.Fuzz(func(t *testing.T, text string) {
		for _, ci := range certInfosFromPEM("ca", text) {
			require.Equal(t, "ca", ci.kind)
		}
		var answer caCertAnswer
		if json.Unmarshal([]byte(text), &answer) == nil {
			_ = answer.certInfos()
		}
	})
}

// FuzzAlertTime: createdDateTime in every form an alert carries (the
// vendor example's "2018-04-26 13:41:31.751000+00:00" as well as ISO 8601).
func FuzzAlertTime(f *testing.F) {
	for _, s := range []string{"2024-06-10T06:22:05.123Z", "2018-04-26 13:41:31.751000+00:00", "2024-06-10T06:22:05+0200", "", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = parseAlertTime(s)
		quoted, _ := json.Marshal(s)
		var at alertTime
		require.NoError(t, at.UnmarshalJSON(quoted))
	})
}
