package smpp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// CommandID identifies a PDU's operation (SMPP 3.4 §5.1.2.1). A response's
// ID is its request's with the high bit set.
type CommandID uint32

// The operations this package speaks.
const (
	GenericNack         CommandID = 0x80000000
	BindReceiver        CommandID = 0x00000001
	BindReceiverResp    CommandID = 0x80000001
	BindTransmitter     CommandID = 0x00000002
	BindTransmitterResp CommandID = 0x80000002
	SubmitSM            CommandID = 0x00000004
	SubmitSMResp        CommandID = 0x80000004
	DeliverSM           CommandID = 0x00000005
	DeliverSMResp       CommandID = 0x80000005
	Unbind              CommandID = 0x00000006
	UnbindResp          CommandID = 0x80000006
	BindTransceiver     CommandID = 0x00000009
	BindTransceiverResp CommandID = 0x80000009
	EnquireLink         CommandID = 0x00000015
	EnquireLinkResp     CommandID = 0x80000015
)

// IsResponse reports whether id is a response (or generic_nack).
func (id CommandID) IsResponse() bool { return id&0x80000000 != 0 }

// String names the operation as the specification does.
func (id CommandID) String() string {
	switch id {
	case GenericNack:
		return "generic_nack"
	case BindReceiver:
		return "bind_receiver"
	case BindReceiverResp:
		return "bind_receiver_resp"
	case BindTransmitter:
		return "bind_transmitter"
	case BindTransmitterResp:
		return "bind_transmitter_resp"
	case SubmitSM:
		return "submit_sm"
	case SubmitSMResp:
		return "submit_sm_resp"
	case DeliverSM:
		return "deliver_sm"
	case DeliverSMResp:
		return "deliver_sm_resp"
	case Unbind:
		return "unbind"
	case UnbindResp:
		return "unbind_resp"
	case BindTransceiver:
		return "bind_transceiver"
	case BindTransceiverResp:
		return "bind_transceiver_resp"
	case EnquireLink:
		return "enquire_link"
	case EnquireLinkResp:
		return "enquire_link_resp"
	}
	return fmt.Sprintf("command_id 0x%08x", uint32(id))
}

// headerLen is the size of every PDU's header: command_length,
// command_id, command_status and sequence_number, 4 octets each.
const headerLen = 16

// MaxPDULen bounds the PDUs ReadPDU accepts. A submit_sm carries at most
// 254 octets of text plus its addresses; anything far larger is a
// corrupt stream.
const MaxPDULen = 4096

// PDU is one SMPP protocol data unit: the header and the undecoded body.
type PDU struct {
	ID     CommandID
	Status Status
	Seq    uint32
	Body   []byte
}

// Marshal returns the PDU as it goes on the wire.
func (p PDU) Marshal() []byte {
	b := make([]byte, headerLen, headerLen+len(p.Body))
	binary.BigEndian.PutUint32(b[0:], uint32(headerLen+len(p.Body)))
	binary.BigEndian.PutUint32(b[4:], uint32(p.ID))
	binary.BigEndian.PutUint32(b[8:], uint32(p.Status))
	binary.BigEndian.PutUint32(b[12:], p.Seq)
	return append(b, p.Body...)
}

// ErrPDULength reports a command_length outside 16..MaxPDULen: the stream
// cannot be trusted after it.
var ErrPDULength = errors.New("smpp: invalid command_length")

// ReadPDU reads one PDU from r.
func ReadPDU(r io.Reader) (PDU, error) {
	var h [headerLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return PDU{}, err
	}
	n := binary.BigEndian.Uint32(h[0:])
	if n < headerLen || n > MaxPDULen {
		return PDU{}, fmt.Errorf("%w: %d", ErrPDULength, n)
	}
	p := PDU{
		ID:     CommandID(binary.BigEndian.Uint32(h[4:])),
		Status: Status(binary.BigEndian.Uint32(h[8:])),
		Seq:    binary.BigEndian.Uint32(h[12:]),
	}
	if n > headerLen {
		p.Body = make([]byte, n-headerLen)
		if _, err := io.ReadFull(r, p.Body); err != nil {
			return PDU{}, fmt.Errorf("smpp: read %s body: %w", p.ID, err)
		}
	}
	return p, nil
}

// The longest a bind's strings may be (§4.1.1), in octets before the
// terminating NUL. A window's configuration is checked against them
// before it binds.
const (
	MaxSystemID     = 15
	MaxPassword     = 8
	MaxSystemType   = 12
	MaxAddressRange = 40
)

// Bind is the body of bind_transmitter, bind_receiver and
// bind_transceiver (§4.1.1).
type Bind struct {
	SystemID         string // at most MaxSystemID octets
	Password         string // at most MaxPassword octets
	SystemType       string // at most MaxSystemType octets
	InterfaceVersion byte   // 0x34 for SMPP 3.4
	AddrTON, AddrNPI byte
	AddressRange     string
}

// Marshal encodes the body.
func (b Bind) Marshal() []byte {
	var w writer
	w.cstring(b.SystemID)
	w.cstring(b.Password)
	w.cstring(b.SystemType)
	w.byte(b.InterfaceVersion)
	w.byte(b.AddrTON)
	w.byte(b.AddrNPI)
	w.cstring(b.AddressRange)
	return w.Bytes()
}

// UnmarshalBind decodes a bind body.
func UnmarshalBind(body []byte) (Bind, error) {
	r := reader{b: body}
	b := Bind{
		SystemID:         r.cstring(MaxSystemID + 1),
		Password:         r.cstring(MaxPassword + 1),
		SystemType:       r.cstring(MaxSystemType + 1),
		InterfaceVersion: r.byte(),
		AddrTON:          r.byte(),
		AddrNPI:          r.byte(),
		AddressRange:     r.cstring(MaxAddressRange + 1),
	}
	return b, r.err("bind")
}

// Submit is the body of submit_sm (§4.4.1). Optional parameters (TLVs)
// are not used when sending and are skipped when reading.
type Submit struct {
	ServiceType          string
	SourceTON, SourceNPI byte
	Source               string
	DestTON, DestNPI     byte
	Dest                 string
	ESMClass             byte
	ProtocolID           byte
	PriorityFlag         byte
	ScheduleDeliveryTime string
	ValidityPeriod       string
	RegisteredDelivery   byte
	ReplaceIfPresent     byte
	DataCoding           byte
	SMDefaultMsgID       byte
	ShortMessage         []byte // at most 254 octets, UDH included
}

// Marshal encodes the body.
func (s Submit) Marshal() []byte {
	var w writer
	w.cstring(s.ServiceType)
	w.byte(s.SourceTON)
	w.byte(s.SourceNPI)
	w.cstring(s.Source)
	w.byte(s.DestTON)
	w.byte(s.DestNPI)
	w.cstring(s.Dest)
	w.byte(s.ESMClass)
	w.byte(s.ProtocolID)
	w.byte(s.PriorityFlag)
	w.cstring(s.ScheduleDeliveryTime)
	w.cstring(s.ValidityPeriod)
	w.byte(s.RegisteredDelivery)
	w.byte(s.ReplaceIfPresent)
	w.byte(s.DataCoding)
	w.byte(s.SMDefaultMsgID)
	w.byte(byte(len(s.ShortMessage)))
	w.Write(s.ShortMessage)
	return w.Bytes()
}

// UnmarshalSubmit decodes a submit_sm body.
func UnmarshalSubmit(body []byte) (Submit, error) {
	r := reader{b: body}
	s := Submit{
		ServiceType:          r.cstring(6),
		SourceTON:            r.byte(),
		SourceNPI:            r.byte(),
		Source:               r.cstring(21),
		DestTON:              r.byte(),
		DestNPI:              r.byte(),
		Dest:                 r.cstring(21),
		ESMClass:             r.byte(),
		ProtocolID:           r.byte(),
		PriorityFlag:         r.byte(),
		ScheduleDeliveryTime: r.cstring(17),
		ValidityPeriod:       r.cstring(17),
		RegisteredDelivery:   r.byte(),
		ReplaceIfPresent:     r.byte(),
		DataCoding:           r.byte(),
		SMDefaultMsgID:       r.byte(),
	}
	s.ShortMessage = r.bytes(int(r.byte()))
	return s, r.err("submit_sm")
}

// SubmitResp is the body of submit_sm_resp; an error response may have
// none.
type SubmitResp struct {
	MessageID string
}

// Marshal encodes the body.
func (s SubmitResp) Marshal() []byte {
	var w writer
	w.cstring(s.MessageID)
	return w.Bytes()
}

// UnmarshalSubmitResp decodes a submit_sm_resp body.
func UnmarshalSubmitResp(body []byte) (SubmitResp, error) {
	if len(body) == 0 {
		return SubmitResp{}, nil
	}
	r := reader{b: body}
	s := SubmitResp{MessageID: r.cstring(65)}
	return s, r.err("submit_sm_resp")
}

// BindResp is the body of a bind response: the SMSC's system_id. Optional
// parameters after it are skipped.
type BindResp struct {
	SystemID string
}

// Marshal encodes the body.
func (b BindResp) Marshal() []byte {
	var w writer
	w.cstring(b.SystemID)
	return w.Bytes()
}

// UnmarshalBindResp decodes a bind response body, which an error
// response may lack.
func UnmarshalBindResp(body []byte) (BindResp, error) {
	if len(body) == 0 {
		return BindResp{}, nil
	}
	r := reader{b: body}
	b := BindResp{SystemID: r.cstring(MaxSystemID + 1)}
	return b, r.err("bind_resp")
}

type writer struct{ bytes.Buffer }

func (w *writer) cstring(s string) {
	w.WriteString(s)
	w.WriteByte(0)
}

func (w *writer) byte(c byte) { w.WriteByte(c) }

// reader decodes fields in order, remembering the first problem.
type reader struct {
	b    []byte
	fail error
}

// cstring reads a NUL-terminated string of at most max octets, the NUL
// included.
func (r *reader) cstring(max int) string {
	if r.fail != nil {
		return ""
	}
	i := bytes.IndexByte(r.b, 0)
	if i < 0 {
		r.fail = errors.New("unterminated C-Octet String")
		return ""
	}
	if i+1 > max {
		r.fail = fmt.Errorf("C-Octet String of %d octets, at most %d allowed", i+1, max)
		return ""
	}
	s := string(r.b[:i])
	r.b = r.b[i+1:]
	return s
}

func (r *reader) byte() byte {
	if r.fail != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.fail = io.ErrUnexpectedEOF
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.fail != nil {
		return nil
	}
	if len(r.b) < n {
		r.fail = io.ErrUnexpectedEOF
		return nil
	}
	out := bytes.Clone(r.b[:n])
	r.b = r.b[n:]
	return out
}

func (r *reader) err(what string) error {
	if r.fail != nil {
		return fmt.Errorf("smpp: decode %s: %w", what, r.fail)
	}
	return nil
}
