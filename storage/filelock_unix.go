//go:build unix

package storage

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on the file at path, creating
// it if need be and waiting while another process holds it. The lock goes
// with the process, so a crash cannot leave it held.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}
