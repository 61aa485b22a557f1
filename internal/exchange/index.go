package exchange

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/nix"
)

// DefaultIndexQueue is how many records Index keeps in memory, waiting for
// the database, unless Index.MaxQueue says otherwise.
const DefaultIndexQueue = 100_000

const (
	// indexFlushEvery is how often the writer looks for queued records,
	// and its first wait after a failed write; the wait doubles with each
	// further failure up to indexRetryMax.
	indexFlushEvery = 200 * time.Millisecond
	indexRetryMax   = 10 * time.Second
	// indexBatch is how many records one transaction carries.
	indexBatch = 1000
	// indexGapGrace is how long the writer waits for a record that is
	// missing in front of the queued ones (a call between its append to
	// the log and Add) before it reads the record from the log.
	indexGapGrace = time.Second
)

// Index keeps the message log's metadata queryable in the database: who
// looked at a person's data, and monthly counts per agency (B7). Records
// reach it after they are durable in the log.
//
// The index is always a prefix of the log: the writer inserts records in
// seq order only, so every seq up to the highest indexed one is indexed,
// and Catchup, which starts after that seq, completes the index after a
// crash at any moment.
//
// Records wait in memory while the database cannot be written, at most
// MaxQueue of them. When the queue is full the index drops it and is
// behind: it remembers only the first seq it has not indexed and takes no
// more records from Add. Once writes succeed again it reads the missing
// records back from the message log in LogDir, in batches, and takes
// records from Add again once it has nearly reached the log's head; the
// records that arrive during the handover are either read from the log or
// queued, and a seq below the indexed prefix is never queued twice.
type Index struct {
	DB     *sqldb.DB
	Logger *slog.Logger
	// LogID is the ID of the message log this index reads (msglog.Log.ID):
	// gateways with logs of their own share one index, each seq counted
	// per log.
	LogID string
	// LogDir is the message log's directory, from which the index reads
	// back what it could not keep in memory. Without it an index that
	// fell behind stays behind until Catchup at the next start.
	LogDir string
	// MaxQueue bounds the records waiting in memory; zero means
	// DefaultIndexQueue.
	MaxQueue int
	// Now is the clock; default time.Now.
	Now func() time.Time

	wmu sync.Mutex // held by whoever writes: the writer, Flush, Catchup

	mu       sync.Mutex
	pending  []msglog.Record
	known    bool      // next is known, from Catchup or the database
	next     uint64    // every seq below next is indexed
	head     uint64    // highest seq handed to Add or indexed
	behind   bool      // records from next on are to be read from the log
	gapSeq   uint64    // next, when a record was first missing before the queue
	gapSince time.Time // when that was

	wake chan struct{}
	done chan struct{}
	stop context.CancelFunc
}

// IndexStatus is how far the index has got, for operators.
type IndexStatus struct {
	// Indexed is the highest seq of the indexed prefix: every record up
	// to it is in the database.
	Indexed uint64 `json:"indexed"`
	// Head is the highest durable seq the index knows of.
	Head uint64 `json:"head"`
	// Queued is the number of records waiting in memory.
	Queued int `json:"queued"`
	// Behind reports that the queue overflowed and the index reads
	// records from Indexed+1 on back from the message log.
	Behind bool `json:"behind"`
}

// Lag is the number of durable records not indexed yet.
func (s IndexStatus) Lag() uint64 {
	if s.Head <= s.Indexed {
		return 0
	}
	return s.Head - s.Indexed
}

// Status reports how far the index has got.
func (ix *Index) Status() IndexStatus {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	s := IndexStatus{Head: ix.head, Queued: len(ix.pending), Behind: ix.behind}
	if ix.known && ix.next > 0 {
		s.Indexed = ix.next - 1
	}
	return s
}

func (ix *Index) maxQueue() int {
	if ix.MaxQueue > 0 {
		return ix.MaxQueue
	}
	return DefaultIndexQueue
}

func (ix *Index) now() time.Time {
	if ix.Now != nil {
		return ix.Now()
	}
	return time.Now()
}

// Start runs the batch writer until ctx ends or Close is called. While
// writes fail it retries with a growing wait.
func (ix *Index) Start(ctx context.Context) {
	ix.wake = make(chan struct{}, 1)
	ix.done = make(chan struct{})
	ctx, ix.stop = context.WithCancel(ctx)
	go func() {
		defer close(ix.done)
		timer := time.NewTimer(indexFlushEvery)
		defer timer.Stop()
		failures := 0
		for {
			wait, wake := indexFlushEvery, ix.wake
			if failures > 0 {
				// Backing off: a full queue does not bring the retry
				// forward.
				wait = min(indexFlushEvery<<min(failures, 16), indexRetryMax)
				wake = nil
			}
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				if err := ix.flush(context.WithoutCancel(ctx), false); err != nil {
					ix.logError("exchange: index: last flush; the next start's catch-up indexes the rest", err)
				}
				return
			case <-timer.C:
			case <-wake:
			}
			if err := ix.flush(ctx, true); err != nil {
				if ctx.Err() == nil {
					failures++
					ix.logError("exchange: index", err)
				}
				continue
			}
			if failures > 0 && ix.Logger != nil {
				ix.Logger.Info("exchange: index writes again", "failures", failures)
			}
			failures = 0
		}
	}()
}

func (ix *Index) logError(msg string, err error) {
	if ix.Logger != nil {
		ix.Logger.Error(msg, "err", err)
	}
}

// Add queues a durable record for the index. When the queue is full it
// drops the queue instead and the index falls behind, to read the records
// back from the log later.
func (ix *Index) Add(rec msglog.Record) {
	ix.mu.Lock()
	ix.head = max(ix.head, rec.Seq)
	fell := false
	switch {
	case ix.behind, ix.known && rec.Seq < ix.next:
		// The catch-up reads it from the log, or it is indexed.
	case len(ix.pending) >= ix.maxQueue():
		ix.fallBehindLocked()
		fell = true
	default:
		ix.pending = append(ix.pending, rec)
	}
	n, next := len(ix.pending), ix.next
	ix.mu.Unlock()
	if fell && ix.Logger != nil {
		ix.Logger.Warn("exchange: index queue full; dropped it, to read the records back from the message log once the database takes writes",
			"queue", ix.maxQueue(), "from_seq", next, "head_seq", rec.Seq)
	}
	if n >= min(500, ix.maxQueue()/2) && ix.wake != nil {
		select {
		case ix.wake <- struct{}{}:
		default:
		}
	}
}

// fallBehindLocked drops the queue: from now on the records from next on
// come from the log.
func (ix *Index) fallBehindLocked() {
	ix.behind = true
	ix.pending = nil
	ix.gapSince = time.Time{}
}

// Flush writes the queued records now and, if the index is behind, first
// reads the missing ones back from the log.
func (ix *Index) Flush(ctx context.Context) error {
	return ix.flush(ctx, true)
}

// flush is one round of the writer. Without catchUp (at Close) it writes
// only what is queued; the next start's Catchup does the rest.
func (ix *Index) flush(ctx context.Context, catchUp bool) error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	if err := ix.learnNext(ctx); err != nil {
		return err
	}
	// A round writes at most a queue's worth, so that it ends even while
	// records keep coming.
	for written := 0; written < ix.maxQueue(); {
		if catchUp {
			if err := ix.catchUp(ctx); err != nil {
				return err
			}
		}
		ix.mu.Lock()
		if ix.behind {
			ix.mu.Unlock()
			return nil
		}
		run, gap := ix.takeRunLocked()
		next := ix.next
		ix.mu.Unlock()
		if gap {
			if ix.waitForGap(next) && catchUp {
				continue
			}
			return nil
		}
		if len(run) == 0 {
			return nil
		}
		if err := ix.insert(ctx, run); err != nil {
			return err
		}
		written += len(run)
		ix.mu.Lock()
		ix.next = run[len(run)-1].Seq + 1
		if !ix.behind {
			// Add only appends, and the queue is sorted and trimmed
			// only here, under wmu: run is still its front.
			ix.pending = ix.pending[len(run):]
		}
		ix.mu.Unlock()
	}
	return nil
}

// learnNext reads where the indexed prefix ends if neither Catchup nor an
// earlier round told it.
func (ix *Index) learnNext(ctx context.Context) error {
	ix.mu.Lock()
	known := ix.known
	ix.mu.Unlock()
	if known {
		return nil
	}
	last, err := ix.LastSeq(ctx)
	if err != nil {
		return err
	}
	ix.mu.Lock()
	ix.known, ix.next, ix.head = true, last+1, max(ix.head, last)
	ix.mu.Unlock()
	return nil
}

// takeRunLocked sorts the queue, drops what is indexed already, and
// returns the records at its front that continue the indexed prefix, at
// most indexBatch of them. gap reports queued records that cannot be
// indexed yet because one before them has not arrived.
func (ix *Index) takeRunLocked() (run []msglog.Record, gap bool) {
	p := ix.pending
	slices.SortFunc(p, func(a, b msglog.Record) int { return cmp.Compare(a.Seq, b.Seq) })
	p = slices.CompactFunc(p, func(a, b msglog.Record) bool { return a.Seq == b.Seq })
	i, _ := slices.BinarySearchFunc(p, ix.next, func(r msglog.Record, seq uint64) int { return cmp.Compare(r.Seq, seq) })
	p = p[i:]
	ix.pending = p
	k := 0
	for k < len(p) && k < indexBatch && p[k].Seq == ix.next+uint64(k) {
		k++
	}
	if k == 0 && len(p) > 0 {
		return nil, true
	}
	ix.gapSince = time.Time{}
	return p[:k:k], false
}

// waitForGap falls behind, and reports so, when the record at next has
// been missing before the queue for indexGapGrace: a caller that never
// handed it to Add, or an Index that started without Catchup. Then it is
// read from the log.
func (ix *Index) waitForGap(next uint64) (fell bool) {
	now := ix.now()
	ix.mu.Lock()
	switch {
	case ix.behind || ix.next != next:
	case ix.gapSince.IsZero() || ix.gapSeq != next:
		ix.gapSeq, ix.gapSince = next, now
	case now.Sub(ix.gapSince) >= indexGapGrace:
		ix.fallBehindLocked()
		fell = true
	}
	ix.mu.Unlock()
	if fell && ix.Logger != nil {
		ix.Logger.Warn("exchange: index is missing a record before the queued ones; reading from the message log", "from_seq", next)
	}
	return fell
}

var (
	// errReadEnough stops a scan of the log at the durable head.
	errReadEnough = errors.New("read enough")
	// errLogRead marks a failure to read the log rather than to write
	// the index: a file rotated or pruned under the listing, most likely,
	// which a second look does not meet again.
	errLogRead = errors.New("read back the message log")
)

// indexReadTries is how many times in a row a pass reads the log before
// it gives up until the next round.
const indexReadTries = 3

// catchUp reads the records the index dropped back from the log, if it is
// behind. It returns once the index takes records from Add again.
func (ix *Index) catchUp(ctx context.Context) error {
	for {
		ix.mu.Lock()
		if !ix.behind {
			ix.mu.Unlock()
			return nil
		}
		if ix.LogDir == "" {
			ix.mu.Unlock()
			return errors.New("exchange: index is behind and has no message log to read from; Catchup at the next start completes it")
		}
		from, to := ix.next, ix.head
		// Near the head, hand over: records after to are queued again
		// from now on, and this pass reads up to to, which is durable.
		// Further off, keep dropping what arrives and read on as far
		// as the head has got; the queue could not hold it meanwhile.
		final := to < from || to-from < uint64(max(ix.maxQueue()/2, 1))
		if final {
			ix.behind = false
			ix.gapSince = time.Time{}
		}
		ix.mu.Unlock()
		for from <= to {
			start := from
			var err error
			for try := 1; try <= indexReadTries; try++ {
				if err = ix.readBack(ctx, from, to, !final); !errors.Is(err, errLogRead) {
					break
				}
				ix.mu.Lock()
				from = ix.next
				ix.mu.Unlock()
			}
			ix.mu.Lock()
			progressed := ix.next > start
			from = ix.next
			if !final {
				to = from - 1 // one pass, then look again
			}
			if err == nil && !progressed {
				err = fmt.Errorf("exchange: index: the message log in %s does not reach seq %d", ix.LogDir, from)
			}
			if err != nil && final && !ix.behind {
				// Not caught up after all; nobody was told it was.
				ix.fallBehindLocked()
			}
			ix.mu.Unlock()
			if err != nil {
				return err
			}
		}
		if final {
			ix.mu.Lock()
			behind, indexed := ix.behind, ix.next-1 // the queue may have overflowed during the pass
			ix.mu.Unlock()
			if !behind {
				if ix.Logger != nil {
					ix.Logger.Warn("exchange: index caught up with the message log; taking records as they come again", "indexed_seq", indexed)
				}
				return nil
			}
		}
	}
}

// readBack indexes the log's records from seq from up to seq to, or, with
// follow, up to the newest seq handed to Add so far. It advances next after
// every batch and may stop early when a file it listed was rotated away.
func (ix *Index) readBack(ctx context.Context, from, to uint64, follow bool) error {
	files, oldest, err := logSegmentsFrom(ix.LogDir, from)
	if err != nil {
		return fmt.Errorf("exchange: index: %w: %w", errLogRead, err)
	}
	batch := make([]msglog.Record, 0, min(indexBatch, ix.maxQueue()))
	var writeErr error
	write := func() error {
		if writeErr = ix.insert(ctx, batch); writeErr != nil {
			return writeErr
		}
		ix.mu.Lock()
		ix.next = batch[len(batch)-1].Seq + 1
		ix.mu.Unlock()
		batch = batch[:0]
		return nil
	}
	expect := from
	err = msglog.Scan(files, func(r msglog.Record) error {
		if r.Seq < expect {
			return nil
		}
		if r.Seq > expect {
			// Scan checks that records follow each other, so only the
			// first one can be later than asked for: the records before
			// it were pruned, or a file was rotated under the listing.
			if expect != from || oldest <= from || r.Seq != oldest {
				return fmt.Errorf("the log has seq %d where %d was expected; a file was rotated while listed?", r.Seq, expect)
			}
			ix.logError("exchange: index: records are missing from the message log; the index cannot hold them",
				fmt.Errorf("seqs %d..%d were pruned before they were indexed", from, r.Seq-1))
		}
		if r.Seq > to && follow {
			ix.mu.Lock()
			to = ix.head
			ix.mu.Unlock()
		}
		if r.Seq > to {
			return errReadEnough
		}
		batch = append(batch, r)
		expect = r.Seq + 1
		if len(batch) == cap(batch) {
			return write()
		}
		return nil
	})
	switch {
	case writeErr != nil:
		return writeErr
	case errors.Is(err, errReadEnough), err != nil && expect > to:
		// Past to, the live segment may be in the middle of a write,
		// which a reader can take for damage; nothing there was needed.
		err = nil
	}
	// Whatever went wrong later, the records read so far are sound.
	if len(batch) > 0 {
		if werr := write(); werr != nil {
			return werr
		}
	}
	if err != nil {
		return fmt.Errorf("exchange: index: %w from seq %d: %w", errLogRead, from, err)
	}
	return nil
}

// logSegmentsFrom lists the segment files of the log in dir that may hold
// records from seq from on: the live segment and the archives whose names
// say they end at or after from. oldest is the first seq of the oldest
// archive, 0 when there is none.
func logSegmentsFrom(dir string, from uint64) (files []string, oldest uint64, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, 0, err
	}
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, "nix-") || !strings.HasSuffix(name, ".log") {
			continue
		}
		path := filepath.Join(dir, name)
		first, last, ok := archiveSeqs(name)
		if !ok {
			files = append(files, path) // the live segment; Scan judges anything else
			continue
		}
		if oldest == 0 || first < oldest {
			oldest = first
		}
		if last >= from {
			files = append(files, path)
		}
	}
	return files, oldest, nil
}

// archiveSeqs parses an archive name, nix-FIRSTSEQ-LASTSEQ-YYYYMMDD.log.
func archiveSeqs(name string) (first, last uint64, ok bool) {
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(name, "nix-"), ".log"), "-")
	if len(parts) != 3 {
		return 0, 0, false
	}
	first, err1 := strconv.ParseUint(parts[0], 10, 64)
	last, err2 := strconv.ParseUint(parts[1], 10, 64)
	return first, last, err1 == nil && err2 == nil && first <= last
}

// indexRowsPerStatement is how many records one INSERT carries.
const indexRowsPerStatement = 50

func (ix *Index) insert(ctx context.Context, recs []msglog.Record) error {
	return ix.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		for len(recs) > 0 {
			n := min(len(recs), indexRowsPerStatement)
			var q strings.Builder
			q.WriteString(`INSERT INTO nix_exchange_index
				(log_id, seq, message_id, at, client, client_member, service, end_user, subject, tracking_code, status) VALUES `)
			args := make([]any, 0, n*11)
			for i, r := range recs[:n] {
				if i > 0 {
					q.WriteByte(',')
				}
				q.WriteByte('(')
				for j := 1; j <= 11; j++ {
					if j > 1 {
						q.WriteByte(',')
					}
					if ix.DB.Dialect == sqldb.SQLite {
						// Anonymous parameters: SQLite looks numbered
						// ones up by a linear scan, quadratic in a
						// statement of hundreds of them.
						q.WriteByte('?')
					} else {
						fmt.Fprintf(&q, "$%d", i*11+j)
					}
				}
				q.WriteByte(')')
				args = append(args, ix.LogID, int64(r.Seq), r.MessageID, r.Time.UTC(), r.Client, memberOf(r.Client),
					r.Service, r.EndUser, r.Subject, r.TrackingCode, r.Status)
			}
			q.WriteString(` ON CONFLICT (log_id, seq) DO NOTHING`)
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("exchange: index records %d..%d: %w", recs[0].Seq, recs[n-1].Seq, err)
			}
			recs = recs[n:]
		}
		return nil
	})
}

// Close stops the writer after a last flush of the queue.
func (ix *Index) Close() {
	if ix.stop != nil {
		ix.stop()
		<-ix.done
	}
}

// LastSeq returns the highest sequence number indexed of the index's
// log, 0 when none.
func (ix *Index) LastSeq(ctx context.Context) (uint64, error) {
	var n int64
	if err := ix.DB.Read.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM nix_exchange_index WHERE log_id = $1`, ix.LogID).Scan(&n); err != nil {
		return 0, fmt.Errorf("exchange: index: %w", err)
	}
	return uint64(n), nil
}

// Catchup indexes every record of the log files in paths (a directory
// stands for its segment files) after the highest indexed seq, and returns
// how many it added. Call it before Start.
func (ix *Index) Catchup(ctx context.Context, paths []string) (int, error) {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	last, err := ix.LastSeq(ctx)
	if err != nil {
		return 0, err
	}
	var files []string
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			files = append(files, p) // Scan reports what is wrong with it
			continue
		}
		more, _, err := logSegmentsFrom(p, last+1)
		if err != nil {
			return 0, fmt.Errorf("exchange: index catch-up: %w", err)
		}
		files = append(files, more...)
	}
	var batch []msglog.Record
	added := 0
	err = msglog.Scan(files, func(r msglog.Record) error {
		if r.Seq <= last {
			return nil
		}
		batch = append(batch, r)
		if len(batch) == indexBatch {
			if err := ix.insert(ctx, batch); err != nil {
				return err
			}
			added += len(batch)
			last = r.Seq
			batch = batch[:0]
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		if err = ix.insert(ctx, batch); err == nil {
			added += len(batch)
			last = batch[len(batch)-1].Seq
		}
	}
	// The prefix up to last is indexed, whatever went wrong after it.
	ix.mu.Lock()
	ix.known, ix.next, ix.head = true, last+1, max(ix.head, last)
	ix.mu.Unlock()
	if err != nil {
		return added, fmt.Errorf("exchange: index catch-up: %w", err)
	}
	return added, nil
}

// Access is one look at a person's data: who, when, through which service
// and for which tracking code.
type Access struct {
	// Seq is the access's position in the index, in the order the
	// gateways' records were indexed; pass it as before to page back.
	Seq          uint64    `json:"seq"`
	MessageID    string    `json:"messageId"`
	At           time.Time `json:"at"`
	Member       string    `json:"member"`
	Client       string    `json:"client"`
	Service      string    `json:"service"`
	EndUser      string    `json:"endUser,omitempty"`
	TrackingCode string    `json:"trackingCode,omitempty"`
	Status       int       `json:"status"`
}

// Accesses lists, newest first, the exchanges whose data subject was
// subject, before the position before (an Access's Seq; 0: from the
// newest), at most limit of them, whichever gateway's log they are in.
func (ix *Index) Accesses(ctx context.Context, subject string, before uint64, limit int) ([]Access, error) {
	if before == 0 {
		before = 1<<63 - 1
	}
	rows, err := ix.DB.Read.QueryContext(ctx, `SELECT id, message_id, at, client_member, client, service, end_user, tracking_code, status
		FROM nix_exchange_index WHERE subject = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, subject, int64(before), limit)
	if err != nil {
		return nil, fmt.Errorf("exchange: accesses: %w", err)
	}
	defer rows.Close()
	out := []Access{}
	for rows.Next() {
		var a Access
		var seq int64
		if err := rows.Scan(&seq, &a.MessageID, &a.At, &a.Member, &a.Client, &a.Service, &a.EndUser, &a.TrackingCode, &a.Status); err != nil {
			return nil, fmt.Errorf("exchange: accesses: %w", err)
		}
		a.Seq = uint64(seq)
		out = append(out, a)
	}
	return out, rows.Err()
}

// MonthlyCount is the number of inquiries a member made in a month (B7).
type MonthlyCount struct {
	Member    string `json:"member"`
	Inquiries int64  `json:"inquiries"`
	Refused   int64  `json:"refused"`
}

// Monthly counts each member's inquiries between from and to (to
// exclusive): answered ones (status below 400) and refused ones.
func (ix *Index) Monthly(ctx context.Context, from, to time.Time) ([]MonthlyCount, error) {
	rows, err := ix.DB.Read.QueryContext(ctx, `SELECT client_member,
			SUM(CASE WHEN status < 400 THEN 1 ELSE 0 END), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END)
		FROM nix_exchange_index WHERE at >= $1 AND at < $2 GROUP BY client_member ORDER BY client_member`, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("exchange: monthly counts: %w", err)
	}
	defer rows.Close()
	out := []MonthlyCount{}
	for rows.Next() {
		var m MonthlyCount
		if err := rows.Scan(&m.Member, &m.Inquiries, &m.Refused); err != nil {
			return nil, fmt.Errorf("exchange: monthly counts: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// memberOf returns the member part of a subsystem address, or "" for a
// malformed one (a refused call may carry anything).
func memberOf(client string) string {
	if sub, err := nix.ParseSubsystem(client); err == nil {
		return sub.MemberID()
	}
	if i := strings.LastIndexByte(client, '/'); i > 0 {
		if _, err := nix.ParseMember(client[:i]); err == nil {
			return client[:i]
		}
	}
	return ""
}
