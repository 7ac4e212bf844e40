package netbackup

// openState checks the state file and takes its lock, at Init: a file the
// plugin will not use (a link, a pipe, a file too large to be its own) or a
// file another process uses stops the start with an error that says so,
// before anything is gathered that could not be saved or would be reported
// twice. Under execd, the refused process is restarted after restart_delay
// and starts once the other one has ended.
func (p *NetBackup) openState() error {
	if p.StateFile == "" {
		p.releaseState()
		return nil
	}
	if p.state != nil && p.state.path == p.StateFile && p.state.lock != nil {
		return nil // Init again: this instance holds the lock already
	}
	p.releaseState()
	if _, err := checkStateFile(p.StateFile); err != nil {
		return err
	}
	lock, err := lockStateFile(p.StateFile)
	if err != nil {
		return err
	}
	p.state = newStateStore(p.StateFile)
	p.state.log = p.Log
	p.state.lock = lock
	return nil
}

// releaseState gives up the state file's lock; the instance must not gather
// or save afterwards. The process ending releases it as well.
func (p *NetBackup) releaseState() {
	if p.state == nil {
		return
	}
	p.state.lock.release()
	p.state.lock = nil
	p.state = nil
}
