package smsc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/panjereh/panjereh/internal/notify/smpp"
)

// Message is a text the server accepted, reassembled from its parts.
type Message struct {
	ID         string // the message_id answered for its first part
	Source     string
	Dest       string
	SourceAddr smpp.Addressing
	DestAddr   smpp.Addressing
	Text       string
	Parts      int
	DataCoding byte
	Validity   string
	At         time.Time
}

// Server is a fake SMSC speaking SMPP 3.4 over TCP. It accepts binds
// with the configured credentials, answers submit_sm, enquire_link and
// unbind, reassembles concatenated texts and records them. Tests tell it
// to refuse, to be slow or to go away.
type Server struct {
	// SystemID and Password are the credentials binds must present;
	// empty accepts any. Set them before Listen; SetCredentials changes
	// them while the server runs.
	SystemID, Password string
	// Logger receives a line per accepted message; nil discards.
	Logger *slog.Logger

	ln net.Listener

	mu       sync.Mutex
	conns    map[net.Conn]*conn
	msgs     []Message
	partial  map[partKey]*partial
	submits  int
	binds    int
	refusals int
	links    int
	nextID   int
	fail     []smpp.Status // answers for the next submit_sm, in order
	nack     []smpp.Status // generic_nack for the next submit_sm, in order
	delay    time.Duration
	silent   bool
	changed  chan struct{} // closed and replaced whenever msgs grows
	closedCh chan struct{}
	wg       sync.WaitGroup
}

type partKey struct {
	src, dst string
	ref      uint16
	total    byte
}

type partial struct {
	parts map[byte]string
	first string
}

type conn struct {
	c     net.Conn
	wmu   sync.Mutex
	bound bool
}

// Listen starts serving on addr, such as "127.0.0.1:0".
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("smsc: listen on %s: %w", addr, err)
	}
	s.mu.Lock()
	s.ln = ln
	s.conns = map[net.Conn]*conn{}
	s.partial = map[partKey]*partial{}
	s.changed = make(chan struct{})
	s.closedCh = make(chan struct{})
	s.mu.Unlock()
	s.wg.Add(1)
	go s.accept(ln)
	return nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops listening and drops every connection without unbinding,
// as a crashed SMSC would.
func (s *Server) Close() error {
	s.mu.Lock()
	select {
	case <-s.closedCh:
		s.mu.Unlock()
		return nil
	default:
	}
	close(s.closedCh)
	err := s.ln.Close()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// FailNext makes the next len(statuses) submit_sm be answered with these
// command_status values, in order.
func (s *Server) FailNext(statuses ...smpp.Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = append(s.fail, statuses...)
}

// NackNext makes the next len(statuses) submit_sm be answered with
// generic_nack carrying these command_status values, in order, as an SMSC
// does with a PDU it cannot parse.
func (s *Server) NackNext(statuses ...smpp.Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nack = append(s.nack, statuses...)
}

// SetDelay makes the server wait d before answering each submit_sm.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// SetSilent makes the server read requests but answer none of them, like
// an SMSC that hangs; false restores it.
func (s *Server) SetSilent(silent bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.silent = silent
}

// Unbind sends unbind to every bound client, which should answer and
// leave.
func (s *Server) Unbind() {
	s.mu.Lock()
	var cs []*conn
	for _, c := range s.conns {
		if c.bound {
			cs = append(cs, c)
		}
	}
	s.mu.Unlock()
	for _, c := range cs {
		_ = c.write(smpp.PDU{ID: smpp.Unbind, Seq: 0x7FFFFFFF})
	}
}

// SetCredentials changes the credentials later binds must present, as
// an operator who corrects an account does; binds already accepted stay.
func (s *Server) SetCredentials(systemID, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.SystemID, s.Password = systemID, password
}

// Refusals returns how many binds the server has refused for their
// credentials.
func (s *Server) Refusals() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refusals
}

// Messages returns the texts accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Submits returns how many submit_sm the server has received, accepted
// or not.
func (s *Server) Submits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.submits
}

// Binds returns how many binds the server has accepted.
func (s *Server) Binds() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.binds
}

// EnquireLinks returns how many enquire_link the server has answered.
func (s *Server) EnquireLinks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.links
}

// Wait returns the accepted texts once there are at least n, or ctx's
// error.
func (s *Server) Wait(ctx context.Context, n int) ([]Message, error) {
	for {
		s.mu.Lock()
		if len(s.msgs) >= n {
			out := append([]Message(nil), s.msgs...)
			s.mu.Unlock()
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return s.Messages(), fmt.Errorf("smsc: waiting for %d messages: %w", n, ctx.Err())
		}
	}
}

func (s *Server) accept(ln net.Listener) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		select {
		case <-s.closedCh:
			s.mu.Unlock()
			_ = c.Close()
			return
		default:
		}
		cc := &conn{c: c}
		s.conns[c] = cc
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(cc)
	}
}

func (c *conn) write(p smpp.PDU) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := c.c.Write(p.Marshal())
	return err
}

func (s *Server) serve(c *conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c.c)
		s.mu.Unlock()
		_ = c.c.Close()
	}()
	r := bufio.NewReader(c.c)
	for {
		p, err := smpp.ReadPDU(r)
		if err != nil {
			if errors.Is(err, smpp.ErrPDULength) {
				_ = c.write(smpp.PDU{ID: smpp.GenericNack, Status: smpp.StatusInvCmdLen})
			}
			return
		}
		s.mu.Lock()
		silent := s.silent
		s.mu.Unlock()
		if silent {
			continue
		}
		if !s.handle(c, p) {
			return
		}
	}
}

// handle answers one PDU; it returns false when the connection should
// close.
func (s *Server) handle(c *conn, p smpp.PDU) bool {
	switch p.ID {
	case smpp.BindTransmitter, smpp.BindTransceiver:
		resp := smpp.PDU{ID: p.ID | 0x80000000, Seq: p.Seq, Body: smpp.BindResp{SystemID: "panjereh-smsc"}.Marshal()}
		b, err := smpp.UnmarshalBind(p.Body)
		s.mu.Lock()
		switch {
		case err != nil:
			resp.Status = smpp.StatusInvCmdLen
		case c.bound:
			resp.Status = smpp.StatusAlreadyBound
		case s.SystemID != "" && b.SystemID != s.SystemID:
			resp.Status = smpp.StatusInvSysID
			s.refusals++
		case s.Password != "" && b.Password != s.Password:
			resp.Status = smpp.StatusInvPaswd
			s.refusals++
		default:
			c.bound = true
			s.binds++
		}
		s.mu.Unlock()
		return c.write(resp) == nil
	case smpp.BindReceiver:
		// The fake takes messages; it delivers none.
		return c.write(smpp.PDU{ID: smpp.BindReceiverResp, Status: smpp.StatusBindFail, Seq: p.Seq}) == nil
	case smpp.EnquireLink:
		s.mu.Lock()
		s.links++
		s.mu.Unlock()
		return c.write(smpp.PDU{ID: smpp.EnquireLinkResp, Seq: p.Seq}) == nil
	case smpp.Unbind:
		_ = c.write(smpp.PDU{ID: smpp.UnbindResp, Seq: p.Seq})
		return false
	case smpp.UnbindResp:
		return false
	case smpp.SubmitSM:
		if !c.bound {
			return c.write(smpp.PDU{ID: smpp.SubmitSMResp, Status: smpp.StatusInvBindStatus, Seq: p.Seq}) == nil
		}
		s.mu.Lock()
		if len(s.nack) > 0 {
			st := s.nack[0]
			s.nack = s.nack[1:]
			s.submits++
			s.mu.Unlock()
			return c.write(smpp.PDU{ID: smpp.GenericNack, Status: st, Seq: p.Seq}) == nil
		}
		s.mu.Unlock()
		status, id := s.submit(p.Body)
		s.mu.Lock()
		delay := s.delay
		s.mu.Unlock()
		if delay > 0 {
			// Answer later without holding up the connection's other
			// requests, as a busy SMSC does.
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				select {
				case <-time.After(delay):
				case <-s.closedCh:
					return
				}
				_ = c.write(submitResp(p.Seq, status, id))
			}()
			return true
		}
		return c.write(submitResp(p.Seq, status, id)) == nil
	}
	if p.ID.IsResponse() {
		return true // enquire_link_resp and the like need no answer
	}
	return c.write(smpp.PDU{ID: smpp.GenericNack, Status: smpp.StatusInvCmdID, Seq: p.Seq}) == nil
}

func submitResp(seq uint32, status smpp.Status, id string) smpp.PDU {
	p := smpp.PDU{ID: smpp.SubmitSMResp, Status: status, Seq: seq}
	if status == smpp.StatusOK {
		p.Body = smpp.SubmitResp{MessageID: id}.Marshal()
	}
	return p
}

// submit decodes and records one submit_sm, and returns the answer.
func (s *Server) submit(body []byte) (smpp.Status, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.submits++
	if len(s.fail) > 0 {
		st := s.fail[0]
		s.fail = s.fail[1:]
		return st, ""
	}
	sub, err := smpp.UnmarshalSubmit(body)
	if err != nil {
		return smpp.StatusInvCmdLen, ""
	}
	payload := sub.ShortMessage
	var concat smpp.Concat
	var isPart bool
	if sub.ESMClass&smpp.ESMClassUDHI != 0 {
		if payload, concat, isPart, err = smpp.SplitUDH(payload); err != nil {
			return smpp.StatusInvMsgLen, ""
		}
	}
	var text string
	switch sub.DataCoding {
	case smpp.DataCodingUCS2:
		if text, err = smpp.DecodeUCS2(payload); err != nil {
			return smpp.StatusInvMsgLen, ""
		}
	case 0x00, 0x01, 0x03:
		text = string(payload) // the ASCII subset of the default alphabets
	default:
		return smpp.StatusSubmitFail, ""
	}
	s.nextID++
	id := strconv.Itoa(s.nextID)
	m := Message{ID: id, Source: sub.Source, Dest: sub.Dest, Text: text, Parts: 1, DataCoding: sub.DataCoding,
		Validity: sub.ValidityPeriod, At: time.Now(),
		SourceAddr: smpp.Addressing{TON: sub.SourceTON, NPI: sub.SourceNPI},
		DestAddr:   smpp.Addressing{TON: sub.DestTON, NPI: sub.DestNPI}}
	if isPart && concat.Total > 1 {
		key := partKey{sub.Source, sub.Dest, concat.Ref, concat.Total}
		pt := s.partial[key]
		if pt == nil {
			pt = &partial{parts: map[byte]string{}}
			s.partial[key] = pt
		}
		pt.parts[concat.Seq] = text
		if concat.Seq == 1 {
			pt.first = id
		}
		if len(pt.parts) < int(concat.Total) {
			return smpp.StatusOK, id
		}
		delete(s.partial, key)
		m.Text, m.Parts, m.ID = "", int(concat.Total), pt.first
		for i := byte(1); i <= concat.Total; i++ {
			m.Text += pt.parts[i]
		}
	}
	s.msgs = append(s.msgs, m)
	close(s.changed)
	s.changed = make(chan struct{})
	if s.Logger != nil {
		s.Logger.Info("smsc: message accepted", "id", m.ID, "from", m.Source, "to", m.Dest, "parts", m.Parts)
	}
	return smpp.StatusOK, id
}
