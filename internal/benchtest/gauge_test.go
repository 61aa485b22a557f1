package benchtest_test

import (
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/panjereh/panjereh/internal/benchtest"
)

// The machine's gauges: what a system call and a round trip over
// loopback TCP cost on it. Servers, databases and the benchmarks that
// run them spend much of their time in both, and virtual machines of one
// kind can differ in them severalfold, so BENCHMARKS.md gives them beside
// the figures they explain:
//
//	go test -run '^$' -bench . -benchtime 2s ./internal/benchtest/

// BenchmarkSyscall is the cheapest system call there is, getppid.
func BenchmarkSyscall(b *testing.B) {
	for b.Loop() {
		syscall.Getppid()
	}
}

// BenchmarkLoopback is a 64-byte message sent over TCP on 127.0.0.1 and
// sent back, one at a time, as a request to a database and its answer
// go: each end sleeps until the other's message wakes it.
func BenchmarkLoopback(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 64)
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 64)
	span := benchtest.Start()
	for b.Loop() {
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatal(err)
		}
	}
	span.Report(b, b.N)
}
