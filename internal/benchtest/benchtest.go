// Package benchtest measures what benchmarks report beside time: the CPU
// the benchmark's process used and how busy the whole machine was (the
// database server included), so that a figure says whether it was bound
// by the processor or waiting.
package benchtest

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ProcessCPU returns the process's user and system CPU time so far.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// MachineCPU returns the machine's busy and idle time so far, in clock
// ticks, from /proc/stat (zero where there is none).
func MachineCPU() (busy, idle int64) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	f := strings.Fields(strings.SplitN(string(data), "\n", 2)[0])
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i == 3 || i == 4 { // idle and iowait
			idle += n
		} else {
			busy += n
		}
	}
	return busy, idle
}
