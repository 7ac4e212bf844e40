package netbackup

// Stop destroys the credentials: their memory is wiped and, when protected,
// unlocked. It also gives up the state file's lock, so that another
// instance may use the file. It waits for a running gather to end first.
// The binary calls it when it exits; the plugin must not gather after Stop.
func (p *NetBackup) Stop() {
	p.gatherMu.Lock()
	defer p.gatherMu.Unlock()
	p.APIKey.Destroy()
	p.Username.Destroy()
	p.Password.Destroy()
	p.releaseState()
}
