package runner

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/telegraf"
	"github.com/stretchr/testify/require"

	"github.com/telegraf-netbackup/telegraf-netbackup/cmd/telegraf-netbackup/internal/execdio"
)

// fakePlugin records what the runner does with it. Each gather adds one
// metric, then calls block (when set) before returning.
type fakePlugin struct {
	mu        sync.Mutex
	gathers   int
	commits   int
	commitErr error
	gatherErr error
	addError  error
	block     func(ctx context.Context, n int)
	// stdoutAtCommit is what stdout held when CommitState ran.
	stdout         *syncBuffer
	stdoutAtCommit []string
}

func (f *fakePlugin) GatherContext(ctx context.Context, acc telegraf.Accumulator) error {
	f.mu.Lock()
	f.gathers++
	n := f.gathers
	f.mu.Unlock()
	acc.AddFields("fake", map[string]interface{}{"gather": n}, nil, time.Unix(int64(n), 0))
	if f.addError != nil {
		acc.AddError(f.addError)
	}
	if f.block != nil {
		f.block(ctx, n)
	}
	return f.gatherErr
}

func (f *fakePlugin) CommitState() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.commits++
	f.stdoutAtCommit = append(f.stdoutAtCommit, f.stdout.String())
	return f.commitErr
}

func (f *fakePlugin) counts() (gathers, commits int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gathers, f.commits
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type harness struct {
	plugin *fakePlugin
	runner *Runner
	stdout *syncBuffer
	stderr *syncBuffer
}

func newHarness(t *testing.T, out io.Writer) *harness {
	t.Helper()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	if out == nil {
		out = stdout
	}
	logw := execdio.NewLogWriter(stderr, telegraf.Debug)
	acc, err := execdio.NewAccumulator(out, logw)
	require.NoError(t, err)
	plugin := &fakePlugin{stdout: stdout}
	return &harness{
		plugin: plugin,
		runner: &Runner{Plugin: plugin, Output: acc, Log: execdio.NewLogger(logw), StopGrace: 10 * time.Second},
		stdout: stdout,
		stderr: stderr,
	}
}

func TestRunner_OnceCommitsOnlyAfterMetricsReachedStdout(t *testing.T) {
	h := newHarness(t, nil)

	ok, err := h.runner.Once(context.Background())

	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, []string{"fake gather=1i 1000000000\n"}, h.plugin.stdoutAtCommit)
}

func TestRunner_OnceReportsAddedError(t *testing.T) {
	h := newHarness(t, nil)
	h.plugin.addError = errors.New("server nbu: refused")

	ok, err := h.runner.Once(context.Background())

	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, "E! Error in plugin: server nbu: refused\n", h.stderr.String())
	require.Equal(t, "fake gather=1i 1000000000\n", h.stdout.String())
}

func TestRunner_OnceReportsReturnedError(t *testing.T) {
	h := newHarness(t, nil)
	h.plugin.gatherErr = errors.New("boom")

	ok, err := h.runner.Once(context.Background())

	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, "E! Error in plugin: boom\n", h.stderr.String())
}

type brokenStdout struct{}

func (brokenStdout) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestRunner_OnceDoesNotCommitWhenStdoutFails(t *testing.T) {
	h := newHarness(t, brokenStdout{})

	ok, err := h.runner.Once(context.Background())

	require.ErrorIs(t, err, ErrOutputFailed)
	require.False(t, ok)
	_, commits := h.plugin.counts()
	require.Zero(t, commits)
	require.Contains(t, h.stderr.String(), "E! writing metrics to stdout: broken pipe; progress not saved")
}

// After a failed write to stdout, the plugin's progress in memory is ahead
// of what Telegraf received: a later commit would skip those jobs for good.
// Run ends instead, so that execd starts a process from the saved state.
func TestRun_StdoutFailureEndsTheRunUncommitted(t *testing.T) {
	h := newHarness(t, brokenStdout{})
	stdin, prompt := io.Pipe()
	t.Cleanup(func() { _ = prompt.Close() })

	done := runAsync(h, context.Background(), stdin, 0)
	_, err := prompt.Write([]byte("\n"))
	require.NoError(t, err)

	select {
	case err := <-done:
		require.ErrorIs(t, err, ErrOutputFailed)
	case <-time.After(10 * time.Second):
		t.Fatal("Run went on gathering after stdout failed")
	}
	gathers, commits := h.plugin.counts()
	require.Equal(t, 1, gathers)
	require.Zero(t, commits)
	require.Contains(t, h.stderr.String(), "E! writing metrics to stdout: broken pipe; progress not saved: stopping, "+
		"so that the next run reports these jobs again from the saved state")
}

func TestRunner_OnceReportsCommitFailure(t *testing.T) {
	h := newHarness(t, nil)
	h.plugin.commitErr = errors.New("disk full")

	ok, err := h.runner.Once(context.Background())

	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, "E! saving state: disk full\n", h.stderr.String())
}

// runAsync starts Run and returns a channel with its result.
func runAsync(h *harness, ctx context.Context, stdin io.Reader, poll time.Duration) <-chan error {
	done := make(chan error, 1)
	go func() { done <- h.runner.Run(ctx, stdin, poll) }()
	return done
}

func TestRun_GathersOncePerNewlineAndStopsAtEOF(t *testing.T) {
	h := newHarness(t, nil)
	finished := make(chan int)
	h.plugin.block = func(_ context.Context, n int) { finished <- n }
	stdin, prompt := io.Pipe()

	done := runAsync(h, context.Background(), stdin, 0)
	for want := 1; want <= 3; want++ {
		_, err := prompt.Write([]byte("\n"))
		require.NoError(t, err)
		require.Equal(t, want, <-finished)
	}
	require.NoError(t, prompt.Close())

	require.NoError(t, <-done)
	gathers, _ := h.plugin.counts()
	require.Equal(t, 3, gathers)
	require.Equal(t, "fake gather=1i 1000000000\nfake gather=2i 2000000000\nfake gather=3i 3000000000\n", h.stdout.String())
}

func TestRun_EOFInterruptsRunningGatherThenFlushesAndCommits(t *testing.T) {
	h := newHarness(t, nil)
	started := make(chan struct{})
	h.plugin.block = func(ctx context.Context, _ int) {
		close(started)
		<-ctx.Done() // a retry wait or a hanging request
	}
	stdin, prompt := io.Pipe()

	done := runAsync(h, context.Background(), stdin, 0)
	_, err := prompt.Write([]byte("\n"))
	require.NoError(t, err)
	<-started
	require.NoError(t, prompt.Close())

	require.NoError(t, <-done)
	require.Equal(t, []string{"fake gather=1i 1000000000\n"}, h.plugin.stdoutAtCommit)
}

func TestRun_CancelInterruptsRunningGather(t *testing.T) {
	h := newHarness(t, nil)
	started := make(chan struct{})
	h.plugin.block = func(ctx context.Context, _ int) {
		close(started)
		<-ctx.Done()
	}
	stdin, prompt := io.Pipe()
	defer prompt.Close()
	ctx, cancel := context.WithCancel(context.Background())

	done := runAsync(h, ctx, stdin, 0)
	_, err := prompt.Write([]byte("\n"))
	require.NoError(t, err)
	<-started
	cancel() // what main does on SIGTERM

	require.NoError(t, <-done)
	_, commits := h.plugin.counts()
	require.Equal(t, 1, commits)
	require.Contains(t, h.stderr.String(), "D! shutdown signal after 1 gathers: stopping")
}

func TestRun_GatherIgnoringShutdownIsAbandonedUncommitted(t *testing.T) {
	h := newHarness(t, nil)
	// Short, so the test does not wait; the other tests keep a long grace so
	// that a slow machine never turns a prompt return into an abandonment.
	h.runner.StopGrace = 50 * time.Millisecond
	started := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	h.plugin.block = func(context.Context, int) {
		close(started)
		<-release // ignores its context
	}
	stdin, prompt := io.Pipe()

	done := runAsync(h, context.Background(), stdin, 0)
	_, err := prompt.Write([]byte("\n"))
	require.NoError(t, err)
	<-started
	require.NoError(t, prompt.Close())

	require.ErrorIs(t, <-done, ErrAbandoned)
	_, commits := h.plugin.counts()
	require.Zero(t, commits)
	require.Empty(t, h.stdout.String(), "an abandoned gather's metrics are not flushed")
	require.Contains(t, h.stderr.String(), "E! the gather was still running 50ms after shutdown began")
}

func TestRun_NewlinesDuringGatherQueueOneMoreGather(t *testing.T) {
	h := newHarness(t, nil)
	started := make(chan int)
	release := make(chan struct{})
	h.plugin.block = func(_ context.Context, n int) {
		started <- n
		<-release
	}
	stdin, prompt := io.Pipe()

	done := runAsync(h, context.Background(), stdin, 0)
	_, err := prompt.Write([]byte("\n"))
	require.NoError(t, err)
	require.Equal(t, 1, <-started)
	for range 5 {
		_, err := prompt.Write([]byte("\n"))
		require.NoError(t, err)
	}
	// The reader handles chunks in order: once "x" is read, every newline
	// before it has been turned into a request.
	_, err = prompt.Write([]byte("x"))
	require.NoError(t, err)
	release <- struct{}{}
	require.Equal(t, 2, <-started)
	release <- struct{}{}
	require.NoError(t, prompt.Close())

	require.NoError(t, <-done)
	gathers, commits := h.plugin.counts()
	require.Equal(t, 2, gathers)
	require.Equal(t, 2, commits)
}

func TestGatherQueue_MergesRequests(t *testing.T) {
	q := newGatherQueue()
	for range 5 {
		q.request()
	}
	require.Len(t, q, 1)
	<-q.requests()
	require.Empty(t, q)
}

func TestRun_PollIntervalGathersWithoutPrompts(t *testing.T) {
	h := newHarness(t, nil)
	finished := make(chan int, 2)
	h.plugin.block = func(_ context.Context, n int) {
		if n <= 2 {
			finished <- n
		}
	}
	stdin, prompt := io.Pipe()

	done := runAsync(h, context.Background(), stdin, 10*time.Millisecond)
	require.Equal(t, 1, <-finished)
	require.Equal(t, 2, <-finished)
	require.NoError(t, prompt.Close())

	require.NoError(t, <-done)
}

func TestRun_EmptyStdinExitsWithoutGatherAndHints(t *testing.T) {
	h := newHarness(t, nil)

	require.NoError(t, h.runner.Run(context.Background(), bytes.NewReader(nil), 0))

	gathers, _ := h.plugin.counts()
	require.Zero(t, gathers)
	require.Contains(t, h.stderr.String(), "D! hint: stdin ended before any newline")
}

// A newline followed at once by the end of stdin (printf '\n' | ...) may
// gather nothing: shutdown begins as stdin ends, and no gather starts after
// that. The hint must not say that no newline came.
func TestRun_NewlineThenEOFHintsTruly(t *testing.T) {
	h := newHarness(t, nil)

	require.NoError(t, h.runner.Run(context.Background(), strings.NewReader("\n"), 0))

	require.NotContains(t, h.stderr.String(), "before any newline")
	if gathers, _ := h.plugin.counts(); gathers == 0 {
		require.Contains(t, h.stderr.String(), "D! hint: stdin ended right after its newline")
	}
}
