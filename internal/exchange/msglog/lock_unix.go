//go:build unix

package msglog

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockName is the file in a log's directory that the process with the
// log open holds an exclusive lock on.
const lockName = "LOCK"

// InUse reports, with an error wrapping ErrLocked, whether another
// process has the log in dir open, without creating or changing anything
// there: a start can refuse early, before it does anything else. Open
// takes the lock itself, and still fails if another process takes it in
// between.
func InUse(dir string) error {
	f, err := os.Open(filepath.Join(dir, lockName))
	if errors.Is(err, os.ErrNotExist) {
		return nil // no log was ever opened there
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := tryLock(f, dir); err != nil {
		return err
	}
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}

// tryLock takes the exclusive lock on f, dir's lock file, without
// waiting; it fails with ErrLocked when another open file holds it.
func tryLock(f *os.File, dir string) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return fmt.Errorf("%w: another process has the log in %s open (is another gateway running on the same data directory?)", ErrLocked, dir)
	}
	return err
}

// lockDir takes the exclusive lock on dir's lock file, or says which
// process is likely to hold it. The lock goes with the process: a
// crashed gateway leaves none behind.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, err
	}
	if err := tryLock(f, dir); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
