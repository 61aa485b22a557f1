package smpp

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzReadPDU feeds ReadPDU and the body decoders what a peer could send:
// they refuse what is malformed without panicking, a PDU read is the one
// its bytes encode, and every body that decodes encodes back to a body
// that decodes to the same.
func FuzzReadPDU(f *testing.F) {
	sub := Submit{Source: "4040", Dest: "989121234567", DataCoding: DataCodingUCS2, ShortMessage: []byte{0x06, 0x33}}
	for _, p := range []PDU{
		{ID: BindTransmitter, Seq: 1, Body: Bind{SystemID: "panjereh", Password: "secret", InterfaceVersion: 0x34}.Marshal()},
		{ID: SubmitSM, Seq: 2, Body: sub.Marshal()},
		{ID: SubmitSMResp, Seq: 2, Body: SubmitResp{MessageID: "abc123"}.Marshal()},
		{ID: BindTransmitterResp, Seq: 1, Body: BindResp{SystemID: "SMSC"}.Marshal()},
		{ID: EnquireLink, Seq: 3},
	} {
		f.Add(p.Marshal())
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ReadPDU(bytes.NewReader(b))
		if err != nil {
			return
		}
		if got := p.Marshal(); !bytes.Equal(got, b[:len(got)]) {
			t.Fatalf("ReadPDU read %x from %x", got, b)
		}
		if s, err := UnmarshalSubmit(p.Body); err == nil && len(s.ShortMessage) <= 255 {
			back, err := UnmarshalSubmit(s.Marshal())
			if err != nil || !cmp.Equal(s, back) {
				t.Fatalf("submit_sm %+v encodes to one that decodes to %+v, %v", s, back, err)
			}
		}
		if bd, err := UnmarshalBind(p.Body); err == nil {
			if back, err := UnmarshalBind(bd.Marshal()); err != nil || back != bd {
				t.Fatalf("bind %+v encodes to one that decodes to %+v, %v", bd, back, err)
			}
		}
		if r, err := UnmarshalSubmitResp(p.Body); err == nil {
			if back, err := UnmarshalSubmitResp(r.Marshal()); err != nil || back != r {
				t.Fatalf("submit_sm_resp %+v encodes to one that decodes to %+v, %v", r, back, err)
			}
		}
		if r, err := UnmarshalBindResp(p.Body); err == nil {
			if back, err := UnmarshalBindResp(r.Marshal()); err != nil || back != r {
				t.Fatalf("bind_resp %+v encodes to one that decodes to %+v, %v", r, back, err)
			}
		}
	})
}
