package registry

import (
	"context"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// chunkRows is how many rows the producer hands over at a time.
const chunkRows = 1024

// emitFunc adds one row; the values are copied.
type emitFunc func(vals ...any)

// errStopped tells a producer that the consumer has gone.
type stopped struct{}

// pipeRows runs produce in its own goroutine and returns a row source for
// sqldb.BulkInsert, so that generating rows and writing them overlap on
// two cores. Rows travel in chunks that are recycled. stop must be called
// once the source is no longer read; it returns the producer's error.
func pipeRows(ctx context.Context, cols int, produce func(emit emitFunc) error) (next sqldb.RowSource, stop func() error) {
	full := make(chan [][]any, 2)
	free := make(chan [][]any, 3)
	for i := 0; i < 3; i++ {
		flat := make([]any, chunkRows*cols)
		c := make([][]any, 0, chunkRows)
		for r := 0; r < chunkRows; r++ {
			c = append(c, flat[r*cols:(r+1)*cols:(r+1)*cols])
		}
		free <- c[:0]
	}
	quit := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		var err error
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(stopped); !ok {
					panic(r)
				}
			}
			close(full)
			done <- err
		}()
		var cur [][]any
		get := func() {
			select {
			case cur = <-free:
			case <-quit:
				panic(stopped{})
			case <-ctx.Done():
				panic(stopped{})
			}
		}
		get()
		err = produce(func(vals ...any) {
			if len(cur) == chunkRows {
				select {
				case full <- cur:
				case <-quit:
					panic(stopped{})
				}
				get()
			}
			cur = cur[:len(cur)+1]
			copy(cur[len(cur)-1], vals)
		})
		if err == nil && len(cur) > 0 {
			select {
			case full <- cur:
			case <-quit:
			}
		}
	}()
	var chunk [][]any
	pos := 0
	next = func() ([]any, error) {
		if pos == len(chunk) {
			if chunk != nil {
				free <- chunk[:0]
			}
			c, ok := <-full
			if !ok {
				chunk = nil
				return nil, ctx.Err()
			}
			chunk, pos = c, 0
		}
		pos++
		return chunk[pos-1], nil
	}
	stop = func() error {
		close(quit)
		for range full {
		}
		return <-done
	}
	return next, stop
}
