package msglog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// BenchmarkAppend appends from many goroutines. records/fsync shows the
// group commit: with one goroutine it is 1, with many it grows.
func BenchmarkAppend(b *testing.B) {
	for _, par := range []int{1, 16, 256} {
		b.Run(fmt.Sprintf("goroutines=%d", par), func(b *testing.B) {
			dir := b.TempDir()
			l := openLog(b, dir, Options{Signer: newKey(b)})
			rec := testRecord(1)
			var wg sync.WaitGroup
			next := make(chan struct{}, par)
			b.ResetTimer()
			start := time.Now()
			for range par {
				wg.Go(func() {
					for range next {
						if _, err := l.Append(context.Background(), rec); err != nil {
							b.Error(err)
						}
					}
				})
			}
			for range b.N {
				next <- struct{}{}
			}
			close(next)
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "records/s")
			b.ReportMetric(float64(b.N)/float64(l.batches.Load()), "records/fsync")
			if err := l.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(dirSize(b, dir)-headerSize)/float64(b.N), "bytes/record")
		})
	}
}

// BenchmarkVerify verifies a 200,000-record log, hashes and signatures.
func BenchmarkVerify(b *testing.B) {
	const n = 200_000
	dir := b.TempDir()
	key := newKey(b)
	clock := newClock()
	l := openLog(b, dir, Options{Signer: key, Now: clock.Now})
	var wg sync.WaitGroup
	for w := range 512 {
		wg.Go(func() {
			for i := w; i < n; i += 512 {
				if i%1000 == 0 {
					clock.Add(time.Second)
				}
				if _, err := l.Append(context.Background(), testRecord(i)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	size := dirSize(b, dir)
	b.ResetTimer()
	for b.Loop() {
		rep, err := Verify([]string{dir}, &key.PublicKey, VerifyOptions{})
		if err != nil || rep.Problem != nil || rep.Records != n {
			b.Fatalf("Verify: %v %v %d", err, rep.Problem, rep.Records)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(size)/n, "bytes/record")
	b.SetBytes(size)
}

func dirSize(b *testing.B, dir string) int64 {
	b.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	for _, e := range ents {
		st, err := os.Stat(filepath.Join(dir, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		total += st.Size()
	}
	return total
}
