package nbusim

import (
	"math"
	"sync/atomic"
)

// Jobs are never stored: every attribute of job id at simulated time t is a
// pure function of (seed, id, t). Ids are submitted in order at JobRate per
// second (with jitter), so the submit time is monotonic in the id and every
// time of a job lies within [submit, submit+maxLife]. That is what lets a
// filter on time narrow the id range to scan.
//
// Jobs come in blocks of familyBlock ids: a block may start with a parent
// job whose children follow it (multi-stream backup; all children share the
// same endTime to the millisecond). Every catalogEvery-th block ends with a
// catalog backup (policyType NBU-Catalog).

const (
	familyBlock  = 8
	maxChildren  = 5
	updateStepMs = 15000 // ACTIVE jobs refresh lastUpdateTime this often
)

type jobModel struct {
	seed        uint64
	t0Ms        int64   // submit time base: job 1 is submitted in [t0, t0+period)
	periodMs    float64 // mean gap between submissions
	maxLifeMs   int64   // upper bound of (any job time - submit)
	catalogEach int64   // a catalog backup every catalogEach blocks
	initialJobs int64
	ids         idLayout // the ids served for the model's indexes
	d           *dataset
	healthy     bool // Config.Healthy: no job fails
	// failures are the FailClientJobs overrides, read on every plan.
	failures atomic.Pointer[[]clientFailure]
	// added are the AddClient additions, read on every plan.
	added atomic.Pointer[[]addedClient]
}

func newJobModel(cfg Config, startMs int64, d *dataset) *jobModel {
	period := 1000 / cfg.JobRate
	m := &jobModel{
		seed:        uint64(cfg.Seed),
		periodMs:    period,
		t0Ms:        startMs - int64(math.Ceil(float64(cfg.Jobs)*period)),
		initialJobs: int64(cfg.Jobs),
		d:           d,
		healthy:     cfg.Healthy,
	}
	// queue (10m) + run (3h20s) + pause (10m) + a family's spread + slack.
	m.maxLifeMs = int64(4*3600*1000 + (familyBlock+1)*period)
	perBlockMs := period * familyBlock
	m.catalogEach = int64(math.Max(1, math.Round(6*3600*1000/perBlockMs)))
	return m
}

func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// h is the per-(id, purpose) random number.
func (m *jobModel) h(id int64, salt uint64) uint64 {
	return mix64(m.seed*0x632be59bd9b4e019 ^ uint64(id)*0xd6e8feb86659fd93 ^ salt*0x9e3779b97f4a7c15)
}

// unit maps a hash to [0,1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

func between(h uint64, lo, hi int64) int64 { return lo + int64(h%uint64(hi-lo+1)) }

// submitMs is the job's startTime; strictly increasing in id for periods >= 1ms.
func (m *jobModel) submitMs(id int64) int64 {
	jitter := 0.001 + 0.998*unit(m.h(id, 1))
	return m.t0Ms + int64((float64(id-1)+jitter)*m.periodMs)
}

// maxIDAt is the highest id submitted at or before t (0 if none).
func (m *jobModel) maxIDAt(t int64) int64 {
	if t < m.submitMs(1) {
		return 0
	}
	id := int64(float64(t-m.t0Ms)/m.periodMs) + 1
	if id < 1 {
		id = 1
	}
	for m.submitMs(id+1) <= t {
		id++
	}
	for id > 0 && m.submitMs(id) > t {
		id--
	}
	return id
}

// firstIDFrom is the lowest id submitted at or after t.
func (m *jobModel) firstIDFrom(t int64) int64 { return m.maxIDAt(t-1) + 1 }

type jobKind uint8

const (
	kindSingle jobKind = iota
	kindParent
	kindChild
	kindCatalog
)

// family returns the job's role, its parent (for children) and the family
// size (children count) of its block.
func (m *jobModel) family(id int64) (kind jobKind, parent int64, k int64) {
	block := (id - 1) / familyBlock
	pos := (id - 1) % familyBlock
	first := block*familyBlock + 1
	if pos == familyBlock-1 && block%m.catalogEach == m.catalogEach-1 {
		return kindCatalog, 0, 0
	}
	hb := m.h(block, 2)
	if hb%100 < 35 {
		k = 2 + int64((hb>>8)%(maxChildren-1))
	}
	switch {
	case k > 0 && pos == 0:
		return kindParent, 0, k
	case k > 0 && pos <= k:
		return kindChild, first, k
	}
	return kindSingle, 0, 0
}

// jobPlan is everything about a job that does not depend on the clock.
type jobPlan struct {
	id, parentID    int64
	kind            jobKind
	childCount      int64
	jobType         string
	subType         string
	policy          *policyDef
	client          string
	schedule        scheduleDef
	mediaServer     string
	stu, srcSTU     string
	submitMs        int64
	activeMs        int64 // start of the active phase
	endMs           int64 // DONE from here on
	pauseFrom       int64 // special state window [pauseFrom, pauseTo), 0 = none
	pauseTo         int64
	pauseState      string
	finalStatus     int64
	totalKB         int64
	files           int64
	dedupRatio      float64
	kbAsFloat       bool // send KB counters as JSON floats (52428800.0), as some servers do
	queueReason     int64
	retentionLevel  int64
	priority        int64
	streamNumber    int64
	copyNumber      int64
	backupTimeSec   int64 // backup id epoch (duplicates refer to an older backup)
	activeProcessID int64
	compression     int64
}

var failureStatuses = []int64{58, 84, 96, 150, 196, 2074, 13, 50}

func (m *jobModel) status(id int64, failPermille uint64) int64 {
	r := m.h(id, 3) % 1000
	switch {
	case r < failPermille && m.healthy:
		return 0
	case r < failPermille:
		return failureStatuses[(m.h(id, 4))%uint64(len(failureStatuses))]
	case r < failPermille+70:
		return 1
	}
	return 0
}

// plan computes the clock-independent part of job id.
func (m *jobModel) plan(id int64) jobPlan {
	p := m.planTimes(id)
	p.mediaServer = m.d.mediaServers[m.h(id, 11)%uint64(len(m.d.mediaServers))]
	if p.stu == "" {
		p.stu = p.policy.stu
	}
	m.planVolume(&p)
	m.applyFailures(&p)
	return p
}

// planTimes is the cheap part of plan: role, type, names and times, enough to
// rule a job out of a time filter.
func (m *jobModel) planTimes(id int64) jobPlan {
	p := jobPlan{id: id, submitMs: m.submitMs(id), subType: "SCHEDULED", copyNumber: 1}
	kind, parent, k := m.family(id)
	p.kind = kind
	p.activeProcessID = 1000 + int64(m.h(id, 5)%60000)
	p.priority = 0
	d := m.d
	hPol := m.h(id, 6)
	switch kind {
	case kindParent, kindChild:
		first := id
		if kind == kindChild {
			first = parent
			p.parentID = parent
		}
		hb := m.h(first, 7)
		p.policy = &d.policies[hb%uint64(len(d.policies))]
		p.schedule = p.policy.schedules[(hb>>16)%uint64(len(p.policy.schedules))]
		p.jobType = "BACKUP"
		clients := m.clientsOf(p.policy, m.submitMs(first))
		client := clients[(hb>>24)%uint64(len(clients))]
		if kind == kindChild && p.policy.appType != "NONE" { // one child per VM
			client = clients[(hb>>24+uint64(id-first))%uint64(len(clients))]
		}
		p.client = client
		lastChildSubmit := m.submitMs(first + k)
		famDur := between(m.h(first, 8), 60_000, 2*3600_000)
		commonEnd := lastChildSubmit + 5000 + famDur
		if kind == kindChild {
			p.streamNumber = id - first
			p.activeMs = p.submitMs + between(m.h(id, 9), 200, 5000)
			p.endMs = commonEnd
			p.finalStatus = m.status(id, 40)
		} else {
			p.childCount = k
			p.activeMs = p.submitMs + 500
			p.endMs = commonEnd + between(hb, 1000, 3000)
			for c := first + 1; c <= first+k; c++ { // worst child status
				p.finalStatus = max(p.finalStatus, m.status(c, 40))
			}
		}
	case kindCatalog:
		p.policy = &d.catalogPolicy
		p.schedule = p.policy.schedules[0]
		p.client = d.hostname
		p.jobType = "DBBACKUP"
		p.subType = "DBBACKUP_STAGING"
		p.activeMs = p.submitMs + between(m.h(id, 9), 200, 3000)
		p.endMs = p.activeMs + between(m.h(id, 10), 120_000, 900_000)
		p.finalStatus = m.status(id, 5)
	default:
		p.policy = &d.policies[hPol%uint64(len(d.policies))]
		p.schedule = p.policy.schedules[(hPol>>16)%uint64(len(p.policy.schedules))]
		clients := m.clientsOf(p.policy, p.submitMs)
		p.client = clients[(hPol>>24)%uint64(len(clients))]
		m.planSingle(&p)
	}
	return p
}

// planSingle picks the type and timing of a job outside any family.
func (m *jobModel) planSingle(p *jobPlan) {
	id := p.id
	r := m.h(id, 12) % 100
	var durLo, durHi int64 = 60_000, 1800_000
	failPermille := uint64(50)
	switch {
	case r < 72:
		p.jobType = "BACKUP"
		u := unit(m.h(id, 13))
		durLo, durHi = 20_000, 20_000+int64(u*u*3*3600_000)
		failPermille = 70
	case r < 80:
		p.jobType, p.subType = "DUPLICATE", "IMMEDIATE"
	case r < 85:
		p.jobType, p.subType = "REPLICATE", "IMMEDIATE"
	case r < 91:
		p.jobType, p.subType = "IMAGEDELETE", "IMMEDIATE"
		durLo, durHi = 2000, 30_000
		failPermille = 0
	case r < 97:
		p.jobType, p.subType = "RESTORE", "IMMEDIATE"
	default:
		p.jobType, p.subType = "VERIFY", "IMMEDIATE"
		durHi = 1200_000
	}
	if p.jobType == "DUPLICATE" || p.jobType == "REPLICATE" {
		p.srcSTU = p.policy.stu
		if p.jobType == "DUPLICATE" && len(m.d.tapeSTUs) > 0 {
			p.stu = m.d.tapeSTUs[m.h(id, 14)%uint64(len(m.d.tapeSTUs))]
		} else {
			p.stu = m.d.diskSTUs[m.h(id, 14)%uint64(len(m.d.diskSTUs))]
		}
		p.copyNumber = 2
	}
	hq := m.h(id, 15)
	switch q := hq % 100; {
	case q < 70:
		p.activeMs = p.submitMs + between(hq>>8, 200, 5000)
	case q < 95:
		p.activeMs = p.submitMs + between(hq>>8, 5000, 120_000)
	default:
		p.activeMs = p.submitMs + between(hq>>8, 120_000, 600_000)
		p.queueReason = 2 + 3*int64((hq>>40)%2) // DRIVES_IN_USE or MAX_STORAGE_UNIT_JOBS
	}
	dur := between(m.h(id, 16), durLo, durHi)
	p.endMs = p.activeMs + dur
	if v := m.h(id, 17); p.jobType == "BACKUP" && v%100 < 4 {
		pause := between(v>>8, 30_000, 600_000)
		p.pauseFrom = p.activeMs + dur/3
		p.pauseTo = p.pauseFrom + pause
		p.pauseState = [...]string{"REQUEUED", "SUSPENDED", "INCOMPLETE", "REQUEUED"}[(v>>40)%4]
		p.endMs += pause
	}
	p.finalStatus = m.status(id, failPermille)
}

// planVolume sets sizes, dedup and retention.
func (m *jobModel) planVolume(p *jobPlan) {
	id := p.id
	switch p.jobType {
	case "IMAGEDELETE":
		p.policy = &noPolicy
		p.client, p.stu, p.schedule = "", "", scheduleDef{stype: "FULL"}
		return
	}
	if p.kind == kindParent {
		return // the children move the data
	}
	// log-uniform from 1 MiB to 4 TiB (in KB): a few jobs pass 2^31 KB.
	u := unit(m.h(id, 18))
	p.totalKB = int64(math.Exp(math.Log(1024) + u*(math.Log(4*1024*1024*1024)-math.Log(1024))))
	p.files = 1 + p.totalKB/between(m.h(id, 19), 64, 4096)
	p.dedupRatio = float64(between(m.h(id, 20), 0, 990)) / 10
	p.kbAsFloat = m.h(id, 21)%20 == 0
	p.retentionLevel = [...]int64{0, 1, 3, 9}[m.h(id, 22)%4]
	p.compression = int64(m.h(id, 23) % 2)
	p.backupTimeSec = p.submitMs / 1000
	if p.jobType == "DUPLICATE" || p.jobType == "REPLICATE" || p.jobType == "RESTORE" || p.jobType == "VERIFY" {
		p.backupTimeSec -= between(m.h(id, 24), 3600, 7*86400)
	}
}

var noPolicy = policyDef{ptype: "STANDARD", appType: "NONE"}
