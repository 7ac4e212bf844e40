package netbackup

import (
	"flag"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/telegraf/config"
	"github.com/influxdata/telegraf/testutil"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/telegraf-netbackup/telegraf-netbackup/internal/nbusim"
)

// The chaos soak: many gathers against a simulator whose clock moves
// between gathers (jobs run and finish, new ones arrive), with random faults
// and random process restarts, graceful (state committed) and crashes (the
// last gather's metrics were delivered, its state was not). Invariant: every
// job the simulator finished is emitted (lost = 0); a job is emitted again
// only after a crash, once, with the same timestamp (duplicated = 0).
//
//	go test ./plugins/inputs/netbackup/ -run TestChaosSoak            (300 gathers)
//	go test ./plugins/inputs/netbackup/ -run TestChaosSoak -soak      (5000 gathers)
//	NBU_SOAK_GATHERS=20000 go test ./plugins/inputs/netbackup/ -run TestChaosSoak -timeout 60m

var relSoakLong = flag.Bool("soak", false, "run TestChaosSoak with 5000 gathers (NBU_SOAK_GATHERS overrides)")

const (
	relSoakShortGathers = 300
	relSoakLongGathers  = 5000
	relSoakStep         = 10 * time.Minute // simulated time between gathers
	relSoakBacklog      = 3 * time.Hour    // every 25th gather
	relSoakHeapLimit    = 256 << 20
)

func relSoakGathers(t *testing.T) int {
	if v := os.Getenv("NBU_SOAK_GATHERS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "NBU_SOAK_GATHERS")
		require.Positive(t, n)
		return n
	}
	if *relSoakLong {
		return relSoakLongGathers
	}
	return relSoakShortGathers
}

// relJobLedger checks the exactly-once invariant across gathers and
// restarts: points keyed by (job id, timestamp).
type relJobLedger struct {
	stamps      map[int64]time.Time // first emission of each job
	uncommitted map[int64]bool      // emitted since the last CommitState
	mayRepeat   map[int64]bool      // left uncommitted by a crash
	points      int
	duplicated  int // emitted again without a crash, or twice after one
	restamped   int // emitted again with another timestamp
	reemitted   int // emitted again after a crash, same timestamp: allowed
}

func newRelJobLedger() *relJobLedger {
	return &relJobLedger{
		stamps:      make(map[int64]time.Time),
		uncommitted: make(map[int64]bool),
		mayRepeat:   make(map[int64]bool),
	}
}

func (l *relJobLedger) record(acc *testutil.Accumulator) {
	for _, m := range acc.GetTelegrafMetrics() {
		if m.Name() != jobMeasurement {
			continue
		}
		v, _ := m.GetField("job_id")
		id := v.(int64)
		l.points++
		prev, seen := l.stamps[id]
		switch {
		case !seen:
			l.stamps[id] = m.Time()
		case l.mayRepeat[id]:
			delete(l.mayRepeat, id)
			l.reemitted++
			if !prev.Equal(m.Time()) {
				l.restamped++
			}
		default:
			l.duplicated++
		}
		l.uncommitted[id] = true
	}
}

func (l *relJobLedger) committed() { clear(l.uncommitted) }

func (l *relJobLedger) crashed() {
	for id := range l.uncommitted {
		l.mayRepeat[id] = true
	}
	clear(l.uncommitted)
}

// relSoakFaults are the faults drawn at random, each with its chance per
// matching request while it is active.
var relSoakFaults = []nbusim.Fault{
	{Kind: nbusim.FaultStatus, Status: 503, RetryAfter: "1", Probability: 0.3},
	{Kind: nbusim.FaultStatus, Status: 500, Probability: 0.3},
	{Kind: nbusim.FaultReset, Probability: 0.3},
	{Kind: nbusim.FaultTruncate, Probability: 0.3},
	{Kind: nbusim.FaultInvalidJSON, Probability: 0.2},
	{Kind: nbusim.FaultExpiredCursor, Probability: 0.5},
	{Kind: nbusim.FaultDelay, Delay: 2 * time.Millisecond, Probability: 0.5},
}

func TestChaosSoak(t *testing.T) {
	gathers := relSoakGathers(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(),
		// memguard's key rotation, started once per process by config.Secret.
		goleak.IgnoreTopFunction("github.com/awnumar/memguard/core.NewCoffer.func1"))
	heapStart := relHeapInuse()

	env := startSim(t, nbusim.Config{
		Jobs: 300, JobRate: 0.02, Seed: 11,
		Start: time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC),
	})
	rng := rand.New(rand.NewPCG(2025, 6))
	newPlugin := func() *NetBackup {
		return newTestPlugin(t, on(env), relPacing, collect("jobs"), stateFile(env.state), func(p *NetBackup) {
			p.Log = testutil.Logger{Quiet: true}
			p.RetryCount = 1 // so that pages do fail for good now and then
			p.RetryMaxWaitTime = config.Duration(5 * time.Millisecond)
			p.Timeout = config.Duration(5 * time.Second)
			p.GatherTimeout = config.Duration(30 * time.Second)
		})
	}
	// kill ends an instance as a process exit would: its sockets close and
	// its state file lock goes.
	kill := func(p *NetBackup) {
		p.releaseState()
		for _, srv := range p.servers {
			srv.client.Close()
		}
	}

	ledger := newRelJobLedger()
	p := newPlugin()
	// The window starts with a clean first gather, committed: what a
	// crash before the first commit loses is the lookback's business.
	from := env.sim.Now().Add(-defaultJobLookback)
	ledger.record(gatherAndCommit(t, p))
	ledger.committed()

	graceful, crashes, gatherErrors := 0, 0, 0
	for i := 1; i < gathers; i++ {
		step := relSoakStep
		if i%25 == 0 {
			// Now and then the plugin was away for hours: a backlog of
			// several pages, so that cursors are used (and expire).
			step = relSoakBacklog
		}
		env.sim.Advance(step)
		env.sim.ClearFaults()
		if step == relSoakBacklog {
			env.sim.AddFault(nbusim.Fault{PathPrefix: "/admin/jobs", Kind: nbusim.FaultExpiredCursor, Probability: 0.5})
		}
		for range rng.IntN(3) { // zero, one or two faults this gather
			f := relSoakFaults[rng.IntN(len(relSoakFaults))]
			if rng.IntN(2) == 0 {
				f.PathPrefix = "/admin/jobs"
			}
			env.sim.AddFault(f)
		}

		var acc testutil.Accumulator
		require.NoError(t, p.GatherContext(t.Context(), &acc))
		gatherErrors += len(errorsOf(&acc))
		ledger.record(&acc)

		switch roll := rng.IntN(100); {
		case roll < 3: // crash: metrics delivered, state not committed
			ledger.crashed()
			crashes++
			kill(p)
			p = newPlugin()
		case roll < 8: // graceful restart
			require.NoError(t, p.CommitState())
			ledger.committed()
			graceful++
			kill(p)
			p = newPlugin()
		default:
			require.NoError(t, p.CommitState())
			ledger.committed()
		}
	}

	// The faults stop; the walk catches up with the clock where it is.
	fired := env.sim.FaultsFired()
	env.sim.ClearFaults()
	for range 3 {
		acc := gatherAndCommit(t, p)
		require.Empty(t, errorText(acc))
		ledger.record(acc)
		ledger.committed()
	}
	kill(p)

	want := env.sim.FinishedJobIDs(from, env.sim.Now())
	got := make([]int64, 0, len(ledger.stamps))
	for id := range ledger.stamps {
		got = append(got, id)
	}
	slices.Sort(got)
	lost, unexpected := relDiff(want, got)

	env.server.Close()
	heapEnd := relHeapInuse()
	var kinds []string
	for kind, n := range fired {
		kinds = append(kinds, string(kind)+"="+strconv.Itoa(n))
	}
	slices.Sort(kinds)
	t.Logf("chaos soak: gathers=%d faults{%s} restarts{graceful=%d crash=%d} gather_errors=%d "+
		"jobs=%d points=%d lost=%d unexpected=%d duplicated=%d re-emitted_after_crash=%d restamped=%d "+
		"heap_inuse_start=%.1fMiB heap_inuse_end=%.1fMiB",
		gathers, strings.Join(kinds, " "), graceful, crashes, gatherErrors,
		len(want), ledger.points, len(lost), len(unexpected), ledger.duplicated, ledger.reemitted, ledger.restamped,
		float64(heapStart)/(1<<20), float64(heapEnd)/(1<<20))

	require.Greater(t, len(want), 1000, "the soak should see many jobs finish")
	require.Positive(t, gatherErrors, "the faults should have failed some requests for good")
	require.Empty(t, lost, "finished jobs never emitted")
	require.Empty(t, unexpected, "emitted jobs the simulator did not finish in the window")
	require.Zero(t, ledger.duplicated, "jobs emitted twice without a crash in between")
	require.Zero(t, ledger.restamped, "jobs re-emitted with another timestamp")
	require.Equal(t, len(want), ledger.points-ledger.reemitted)
	require.Less(t, heapEnd, uint64(relSoakHeapLimit))
}

// relDiff returns what want has and got lacks, and the reverse; both sorted.
func relDiff(want, got []int64) (missing, extra []int64) {
	inGot := make(map[int64]bool, len(got))
	for _, id := range got {
		inGot[id] = true
	}
	inWant := make(map[int64]bool, len(want))
	for _, id := range want {
		inWant[id] = true
		if !inGot[id] {
			missing = append(missing, id)
		}
	}
	for _, id := range got {
		if !inWant[id] {
			extra = append(extra, id)
		}
	}
	return missing, extra
}

func relHeapInuse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}
