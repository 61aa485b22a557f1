// Package benchtest measures what benchmarks report beside time: the CPU
// the benchmark's process used and how busy the whole machine was (the
// database server included), so that a figure says whether it was bound
// by the processor or waiting.
package benchtest

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
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

// Span is a stretch of a benchmark whose CPU it reports.
type Span struct {
	start      time.Time
	cpu        time.Duration
	busy, idle int64
}

// Start starts a span.
func Start() Span {
	busy, idle := MachineCPU()
	return Span{start: time.Now(), cpu: ProcessCPU(), busy: busy, idle: idle}
}

// Report ends the span and reports per operation, n of them, the CPU the
// process used ("process-cpu-µs/op") and the whole machine's ("machine-
// cpu-µs/op", a database server on it included), and how many cores
// each kept busy on average.
func (s Span) Report(b *testing.B, n int) {
	wall := time.Since(s.start)
	cpu := ProcessCPU() - s.cpu
	busy, idle := MachineCPU()
	machine := 0.0
	if ticks := busy - s.busy + idle - s.idle; ticks > 0 {
		machine = float64(busy-s.busy) / float64(ticks) * float64(runtime.NumCPU())
	}
	b.ReportMetric(float64(cpu)/float64(wall), "process-cores")
	b.ReportMetric(machine, "machine-cores")
	if n > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(n), "process-cpu-µs/op")
		b.ReportMetric(machine*float64(wall.Microseconds())/float64(n), "machine-cpu-µs/op")
	}
}
