package smpp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"
)

// errUnbound ends a session the SMSC unbound.
var errUnbound = errors.New("smpp: the SMSC unbound")

// session is one bound connection: a reader goroutine matches responses
// to requests by sequence number and answers the SMSC's own requests.
type session struct {
	conn    net.Conn
	timeout time.Duration
	log     *slog.Logger

	wmu sync.Mutex // one PDU at a time on the wire

	mu      sync.Mutex
	seq     uint32
	pending map[uint32]chan PDU
	err     error // why the session ended

	done chan struct{} // closed when the session ends
}

func newSession(conn net.Conn, timeout time.Duration, log *slog.Logger) *session {
	s := &session{conn: conn, timeout: timeout, log: log, pending: map[uint32]chan PDU{}, done: make(chan struct{})}
	go s.readLoop()
	return s
}

func (s *session) alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// end closes the session with err as the reason, once.
func (s *session) end(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return
	}
	s.err = err
	_ = s.conn.Close()
	close(s.done)
}

func (s *session) reason() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// write sends one PDU.
func (s *session) write(p PDU) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(s.timeout))
	if _, err := s.conn.Write(p.Marshal()); err != nil {
		err = fmt.Errorf("smpp: write %s: %w", p.ID, err)
		s.end(err)
		return err
	}
	return nil
}

// request sends a request and waits for its response (or generic_nack),
// for at most the session's timeout.
func (s *session) request(ctx context.Context, id CommandID, body []byte) (PDU, error) {
	ch := make(chan PDU, 1)
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return PDU{}, s.err
	}
	s.seq++
	if s.seq > 0x7FFFFFFF { // sequence numbers run from 1 to 0x7FFFFFFF
		s.seq = 1
	}
	seq := s.seq
	s.pending[seq] = ch
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.pending, seq)
		s.mu.Unlock()
	}()
	if err := s.write(PDU{ID: id, Seq: seq, Body: body}); err != nil {
		return PDU{}, err
	}
	timer := time.NewTimer(s.timeout)
	defer timer.Stop()
	select {
	case resp := <-ch:
		return resp, nil
	case <-s.done:
		return PDU{}, fmt.Errorf("smpp: %s lost: %w", id, s.reason())
	case <-timer.C:
		return PDU{}, fmt.Errorf("smpp: no answer to %s within %s", id, s.timeout)
	case <-ctx.Done():
		return PDU{}, ctx.Err()
	}
}

// readLoop reads PDUs until the connection fails.
func (s *session) readLoop() {
	r := bufio.NewReader(s.conn)
	for {
		p, err := ReadPDU(r)
		if err != nil {
			s.end(fmt.Errorf("smpp: connection lost: %w", err))
			return
		}
		switch {
		case p.ID.IsResponse():
			// Responses and generic_nack find their request by sequence
			// number; a late one whose request gave up is dropped.
			s.mu.Lock()
			ch, ok := s.pending[p.Seq]
			delete(s.pending, p.Seq)
			s.mu.Unlock()
			if ok {
				ch <- p
			} else {
				s.log.Debug("smpp: response to no pending request", "command", p.ID.String(), "seq", p.Seq, "status", p.Status.String())
			}
		case p.ID == EnquireLink:
			_ = s.write(PDU{ID: EnquireLinkResp, Seq: p.Seq})
		case p.ID == Unbind:
			_ = s.write(PDU{ID: UnbindResp, Seq: p.Seq})
			s.log.Info("smpp: the SMSC unbound; will bind again on the next message")
			s.end(errUnbound)
			return
		default:
			// A transmitter receives nothing else; say so, as §3.3 asks.
			_ = s.write(PDU{ID: GenericNack, Status: StatusInvCmdID, Seq: p.Seq})
		}
	}
}

// keepAlive sends enquire_link every interval and ends the session when
// one goes unanswered.
func (s *session) keepAlive(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		resp, err := s.request(context.Background(), EnquireLink, nil)
		if err == nil && resp.ID != EnquireLinkResp {
			err = &StatusError{Command: resp.ID, Status: resp.Status}
		}
		if err != nil {
			s.log.Warn("smpp: enquire_link failed; dropping the bind", "err", err)
			s.end(fmt.Errorf("smpp: enquire_link: %w", err))
			return
		}
	}
}
