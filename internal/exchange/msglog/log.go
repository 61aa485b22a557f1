package msglog

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults and limits for Options.
const (
	DefaultSealEvery   = time.Second
	DefaultCommitDelay = 500 * time.Microsecond
	DefaultRotateBytes = 64 << 20
	DefaultRotateEvery = 24 * time.Hour
	// MinRetention is six months, rounded up to the longest six calendar
	// months (184 days): traffic data must be kept at least that long (B3).
	MinRetention = 184 * 24 * time.Hour
)

// maxBatch bounds how many appends share one write and fsync.
const maxBatch = 4096

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("msglog: log is closed")

// Options configures a Log.
type Options struct {
	// Signer is the gateway's ECDSA P-256 key; it signs the seals.
	// Required.
	Signer crypto.Signer
	// SealEvery is the longest a written record waits for a seal; default
	// DefaultSealEvery.
	SealEvery time.Duration
	// CommitDelay is the longest the writer holds a batch open for records
	// announced with [Log.Coming] that have not arrived yet, so that they
	// share its fsync; default DefaultCommitDelay, negative for none. The
	// writer never waits when nothing is announced, so a lone record is
	// written at once.
	CommitDelay time.Duration
	// RotateBytes and RotateEvery start a new segment once the live one is
	// this large or this old; defaults DefaultRotateBytes, DefaultRotateEvery.
	RotateBytes int64
	RotateEvery time.Duration
	// Retention is how long Prune keeps archives; zero means MinRetention,
	// anything shorter than MinRetention is rejected.
	Retention time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() (Options, *ecdsa.PublicKey, error) {
	if o.Signer == nil {
		return o, nil, errors.New("a signer is required")
	}
	pub, err := checkKey(o.Signer.Public())
	if err != nil {
		return o, nil, fmt.Errorf("signer: %w", err)
	}
	if o.SealEvery == 0 {
		o.SealEvery = DefaultSealEvery
	}
	if o.CommitDelay == 0 {
		o.CommitDelay = DefaultCommitDelay
	}
	if o.RotateBytes == 0 {
		o.RotateBytes = DefaultRotateBytes
	}
	if o.RotateEvery == 0 {
		o.RotateEvery = DefaultRotateEvery
	}
	if o.Retention == 0 {
		o.Retention = MinRetention
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	switch {
	case o.SealEvery < 0 || o.RotateBytes < 0 || o.RotateEvery < 0:
		return o, nil, errors.New("negative seal or rotation setting")
	case o.Retention < MinRetention:
		return o, nil, fmt.Errorf("retention %v is shorter than the legal minimum of %v (B3)", o.Retention, MinRetention)
	}
	return o, pub, nil
}

// Log is an open message log. Its methods are safe for concurrent use.
type Log struct {
	dir  string
	lock *os.File // held from Open to Close (lockDir)
	id   string   // the log's ID (logID)
	opts Options

	mu     sync.RWMutex // held for reading while sending to reqs
	closed bool
	reqs   chan *appendReq
	quit   chan struct{}
	done   chan struct{}

	closeErr error        // set by the writer before done is closed
	batches  atomic.Int64 // write+fsync rounds, to observe group commit
	coming   atomic.Int64 // records announced by Coming and not yet appended
	received atomic.Int64 // records the writer took off the queue
	w        segWriter    // owned by the writer goroutine after Open
}

type appendReq struct {
	rec  Record
	err  error
	done chan struct{}
}

// Append logs rec and returns it with Seq, Time, PrevHash and Hash filled
// in, once it is on stable storage. Concurrent appends share one write and
// fsync. If ctx ends after the record was handed to the writer, Append
// returns the context's error but the record may still be logged.
func (l *Log) Append(ctx context.Context, rec Record) (Record, error) {
	if err := rec.validate(); err != nil {
		return Record{}, fmt.Errorf("msglog: append: %w", err)
	}
	req := &appendReq{rec: rec, done: make(chan struct{})}
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return Record{}, ErrClosed
	}
	select {
	case l.reqs <- req:
		l.mu.RUnlock()
	case <-ctx.Done():
		l.mu.RUnlock()
		return Record{}, fmt.Errorf("msglog: append: %w", ctx.Err())
	}
	select {
	case <-req.done:
		if req.err != nil {
			return Record{}, fmt.Errorf("msglog: append: %w", req.err)
		}
		return req.rec, nil
	case <-ctx.Done():
		return Record{}, fmt.Errorf("msglog: append: %w (the record may still be logged)", ctx.Err())
	}
}

// Coming announces a record that the caller will append soon, and returns
// the function to call just before that Append, or when it will not append
// after all; calling it again does nothing. While announced records are
// outstanding the writer holds a batch open for them, at most
// Options.CommitDelay, as PostgreSQL's commit_delay waits only while other
// transactions are active: under load a record that would have been synced
// alone, keeping the next ones waiting a whole fsync, takes them along, and
// the log syncs less often for the same records.
func (l *Log) Coming() (arrived func()) {
	l.coming.Add(1)
	var once atomic.Bool
	return func() {
		if once.CompareAndSwap(false, true) {
			l.coming.Add(-1)
		}
	}
}

// Close seals the chain head, syncs and closes the live segment. Appends
// already accepted are written first.
func (l *Log) Close() error {
	l.mu.Lock()
	already := l.closed
	l.closed = true
	l.mu.Unlock()
	if !already {
		close(l.quit)
	}
	<-l.done
	if !already {
		l.unlock()
	}
	return l.closeErr
}

// ID tells this log from every other: records of two logs may have the
// same seq, never the same log ID and seq. It is "" for a log made before
// logs had IDs.
func (l *Log) ID() string { return l.id }

// unlock releases the log's directory lock, which closing its file does.
func (l *Log) unlock() {
	if l.lock != nil {
		l.lock.Close()
	}
}

// run is the single writer goroutine.
func (l *Log) run() {
	defer close(l.done)
	tick := time.NewTicker(l.opts.SealEvery)
	defer tick.Stop()
	wait := time.NewTimer(time.Hour)
	wait.Stop()
	batch := make([]*appendReq, 0, maxBatch)
	for {
		select {
		case r := <-l.reqs:
			batch = l.drain(batch[:0], r)
			batch = l.gather(batch, wait)
			l.commit(batch)
		case <-tick.C:
			// A real timer, so a quiet gateway still seals its last records
			// within SealEvery; decisions use the injected clock.
			l.idle()
		case <-l.quit:
			for {
				batch = l.drain(batch[:0], nil)
				if len(batch) == 0 {
					break
				}
				l.commit(batch)
			}
			l.closeErr = l.w.close(l.opts.Now())
			return
		}
	}
}

// drain adds r, if it was just received, and whatever appends are already
// waiting, up to maxBatch.
func (l *Log) drain(batch []*appendReq, r *appendReq) []*appendReq {
	n := len(batch)
	if r != nil {
		batch = append(batch, r)
	}
	for len(batch) < maxBatch {
		select {
		case r := <-l.reqs:
			batch = append(batch, r)
			continue
		default:
		}
		break
	}
	l.received.Add(int64(len(batch) - n))
	return batch
}

// gather holds the batch open while announced records are on their way, up
// to Options.CommitDelay of real time, and adds them as they arrive.
func (l *Log) gather(batch []*appendReq, wait *time.Timer) []*appendReq {
	if l.opts.CommitDelay <= 0 || l.coming.Load() <= 0 {
		return batch
	}
	wait.Reset(l.opts.CommitDelay)
	defer wait.Stop()
	for l.coming.Load() > 0 && len(batch) < maxBatch {
		select {
		case r := <-l.reqs:
			batch = l.drain(batch, r)
		case <-wait.C:
			return batch
		case <-l.quit:
			return batch
		}
	}
	return batch
}

// commit writes a batch with one write and one fsync, then acknowledges it.
func (l *Log) commit(batch []*appendReq) {
	w := &l.w
	now := l.opts.Now()
	if w.err == nil {
		w.err = w.maybeRotate(now, false)
	}
	if w.err == nil {
		w.err = w.writeBatch(batch, now)
		l.batches.Add(1)
	}
	for _, r := range batch {
		r.err = w.err
		close(r.done)
	}
	if w.err == nil && w.size >= w.opts.RotateBytes {
		w.err = w.maybeRotate(now, true)
	}
}

// idle seals unsealed records and rotates a segment that has grown old.
func (l *Log) idle() {
	w := &l.w
	if w.err != nil {
		return
	}
	now := l.opts.Now()
	if w.sealedSeq < w.seq {
		w.err = w.writeSeal(now)
	}
	if w.err == nil {
		w.err = w.maybeRotate(now, false)
	}
}
