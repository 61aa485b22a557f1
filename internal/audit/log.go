package audit

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// ErrClosed is returned by Record after Close.
var ErrClosed = errors.New("audit: log closed")

// Log appends events to the shared audit chain and seals it. Set the
// exported fields, then use it from any number of goroutines; do not
// change them after the first call. Background work (the writer that
// batches appends, the sealer) starts on first use and stops at Close.
type Log struct {
	// DB holds the chain. Required.
	DB *sqldb.DB
	// Signer signs seals: an ECDSA P-256 key (a *ecdsa.PrivateKey or a
	// key held elsewhere). Without one nothing is sealed, which is only
	// for tests and tools: the seals are what stop a database
	// administrator from rewriting the chain.
	Signer crypto.Signer
	// Logger receives failures of background work; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SealEvery is how often the chain head is sealed while it moves, and
	// how often this node looks for other nodes' transactional events to
	// chain; zero means one second.
	SealEvery time.Duration
	// BatchTimeout bounds one batch's transaction; zero means 30 seconds.
	BatchTimeout time.Duration
	// PendingDelay is how long this node lets events recorded by RecordTx
	// gather, after their transaction commits, before it chains them;
	// zero means 50 milliseconds. Nobody waits for that chaining, so one
	// batch every PendingDelay serves every transaction meanwhile, instead
	// of one batch (seven statements) per transaction.
	PendingDelay time.Duration

	once       sync.Once
	startErr   error
	keyID      string
	wake       chan struct{} // a batch is waiting
	stop       chan struct{} // Close was called
	done       chan struct{} // background work ended
	writerDone chan struct{} // the writer ended; the last seal may follow

	mu     sync.Mutex
	cur    *batch // collecting; the writer takes it whole
	closed bool

	chainArmed atomic.Bool  // a timer will ask the writer to chain pending events
	batches    atomic.Int64 // transactions the writer ran, to observe batching
}

// batch is what the writer commits in one transaction: the events of many
// Record calls, and possibly a request to chain pending events. Every
// caller in it waits on the same done channel.
type batch struct {
	rows    []*row
	pending bool
	done    chan struct{}
	err     error
}

func (l *Log) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *Log) logger() *slog.Logger {
	if l.Logger != nil {
		return l.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (l *Log) start() error {
	l.once.Do(func() {
		if l.DB == nil {
			l.startErr = errors.New("audit: Log.DB is nil")
			return
		}
		if l.Signer != nil {
			id, err := keyIDOf(l.Signer.Public())
			if err != nil {
				l.startErr = fmt.Errorf("audit: signer: %w", err)
				return
			}
			l.keyID = id
		}
		l.wake = make(chan struct{}, 1)
		l.stop = make(chan struct{})
		l.done = make(chan struct{})
		l.writerDone = make(chan struct{})
		w := &writer{log: l}
		var wg sync.WaitGroup
		wg.Go(w.run)
		wg.Go(l.sealLoop)
		go func() { wg.Wait(); close(l.done) }()
	})
	return l.startErr
}

// Record appends ev to the chain and returns once it is committed. Calls
// from many goroutines are committed together, one transaction per batch,
// so Record is cheap under load. If ctx ends first Record returns its
// error, but the event may still be recorded.
//
// Record uses its own transaction. A caller inside a transaction must use
// RecordTx instead: on SQLite, whose single writer connection the caller
// holds, Record would wait for that transaction to end.
func (l *Log) Record(ctx context.Context, ev Event) error {
	if err := l.start(); err != nil {
		return err
	}
	r, err := prepare(ev, l.now())
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", ev.Kind, err)
	}
	b, err := l.enqueue(r, false)
	if err != nil {
		return err
	}
	select {
	case <-b.done:
		if b.err != nil {
			return fmt.Errorf("audit: record %s: %w", ev.Kind, b.err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("audit: record %s: %w", ev.Kind, ctx.Err())
	}
}

// RecordTx writes ev inside tx, so that it commits or rolls back with the
// caller's own change. It goes to a pending table, which costs one insert
// and takes no lock shared with other writers; once tx commits, this node
// moves it into the chain in its next batch (other nodes' pending events
// are picked up within SealEvery). Its seq is therefore assigned after
// the commit, and may follow events that happened later.
func (l *Log) RecordTx(ctx context.Context, tx *sqldb.Tx, ev Event) error {
	if err := l.start(); err != nil {
		return err
	}
	now := l.now()
	r, err := prepare(ev, now)
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", ev.Kind, err)
	}
	err = tx.Queue(ctx, `INSERT INTO audit_pending
		(id, at, kind, actor, subject, ip, user_agent, details, queued_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		pendingID(), r.at, r.kind, r.actor, r.subject, r.ip, r.ua, r.details, now.UTC())
	if err != nil {
		return fmt.Errorf("audit: record %s in transaction: %w", ev.Kind, err)
	}
	tx.AfterCommit(l.chainSoon)
	return nil
}

// lastPending is the order part of the last pending event's ID.
var lastPending atomic.Int64

// pendingID returns a new ID for a pending event: its first half rises
// with every call in this process, its second half is random. Pending
// events are chained in the order of their queued_at, then their ID, so
// events this node records at the same instant of its clock keep the
// order they were recorded in.
func pendingID() string {
	n := time.Now().UnixNano()
	for {
		last := lastPending.Load()
		if n <= last {
			n = last + 1
		}
		if lastPending.CompareAndSwap(last, n) {
			break
		}
	}
	var id [16]byte
	binary.BigEndian.PutUint64(id[:8], uint64(n))
	_, _ = rand.Read(id[8:])
	return hex.EncodeToString(id[:])
}

// chainSoon has the writer chain this node's pending events within
// PendingDelay, once for however many transactions commit meanwhile.
func (l *Log) chainSoon() {
	if !l.chainArmed.CompareAndSwap(false, true) {
		return
	}
	time.AfterFunc(l.pendingDelay(), func() {
		l.chainArmed.Store(false)
		_, _ = l.enqueue(nil, true) // after Close, the stopping writer chains them
	})
}

// Sync chains every pending event that is committed now and returns once
// that is done. Tools and tests use it; a node does it by itself.
func (l *Log) Sync(ctx context.Context) error {
	if err := l.start(); err != nil {
		return err
	}
	b, err := l.enqueue(nil, true)
	if err != nil {
		return err
	}
	select {
	case <-b.done:
		if b.err != nil {
			return fmt.Errorf("audit: sync: %w", b.err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("audit: sync: %w", ctx.Err())
	}
}

// enqueue adds r (if any) to the collecting batch, marks it to chain
// pending events if asked, and wakes the writer.
func (l *Log) enqueue(r *row, pending bool) (*batch, error) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil, ErrClosed
	}
	b := l.cur
	if b == nil {
		b = &batch{done: make(chan struct{})}
		l.cur = b
	}
	if r != nil {
		b.rows = append(b.rows, r)
	}
	b.pending = b.pending || pending
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
	return b, nil
}

// take hands the collecting batch to the writer.
func (l *Log) take() *batch {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.cur
	l.cur = nil
	return b
}

// Close stops accepting events, commits those already accepted, chains
// this node's pending events and seals the head one last time. It returns
// when that is done or ctx ends.
func (l *Log) Close(ctx context.Context) error {
	if err := l.start(); err != nil {
		return err
	}
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.stop)
	}
	l.mu.Unlock()
	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("audit: close: %w", ctx.Err())
	}
}

func (l *Log) sealEvery() time.Duration {
	if l.SealEvery > 0 {
		return l.SealEvery
	}
	return time.Second
}

func (l *Log) pendingDelay() time.Duration {
	if l.PendingDelay > 0 {
		return l.PendingDelay
	}
	return 50 * time.Millisecond
}

func (l *Log) batchTimeout() time.Duration {
	if l.BatchTimeout > 0 {
		return l.BatchTimeout
	}
	return 30 * time.Second
}
