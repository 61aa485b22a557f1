//go:build !linux

package msglog

import "os"

// datasync flushes f; without fdatasync it is a full sync.
func datasync(f *os.File) error { return f.Sync() }
