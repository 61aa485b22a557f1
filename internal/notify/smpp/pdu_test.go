package smpp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBindTransmitterOnTheWire(t *testing.T) {
	p := PDU{ID: BindTransmitter, Seq: 1, Body: Bind{SystemID: "panjereh", Password: "secret", InterfaceVersion: 0x34}.Marshal()}
	want := "00000025" + "00000002" + "00000000" + "00000001" +
		hex.EncodeToString([]byte("panjereh\x00secret\x00\x00")) + "340000" + "00"
	if got := hex.EncodeToString(p.Marshal()); got != want {
		t.Fatalf("bind_transmitter\n got %s\nwant %s", got, want)
	}
	back, err := ReadPDU(bytes.NewReader(p.Marshal()))
	if err != nil {
		t.Fatal(err)
	}
	b, err := UnmarshalBind(back.Body)
	if err != nil || b.SystemID != "panjereh" || b.Password != "secret" || b.InterfaceVersion != 0x34 {
		t.Fatalf("decoded %+v, %v", b, err)
	}
}

func TestSubmitPersianOnTheWire(t *testing.T) {
	parts, err := EncodeUCS2("سلام", 7)
	if err != nil || len(parts) != 1 {
		t.Fatalf("EncodeUCS2 = %v, %v", parts, err)
	}
	s := Submit{SourceTON: ShortCodeTON, SourceNPI: ShortCodeNPI, Source: "4040",
		DestTON: InternationalTON, DestNPI: InternationalNPI, Dest: "989121234567",
		DataCoding: DataCodingUCS2, ShortMessage: parts[0].ShortMessage}
	want := "00" + "0300" + hex.EncodeToString([]byte("4040\x00")) + "0101" + hex.EncodeToString([]byte("989121234567\x00")) +
		"00" + "00" + "00" + "00" + "00" + "00" + "00" + "08" + "00" + "08" + "0633064406270645"
	if got := hex.EncodeToString(s.Marshal()); got != want {
		t.Fatalf("submit_sm body\n got %s\nwant %s", got, want)
	}
	back, err := UnmarshalSubmit(s.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Errorf("round trip (-sent +decoded):\n%s", diff)
	}
}

func TestReadPDURejectsBadLengths(t *testing.T) {
	for _, h := range []string{"0000000f000000150000000000000001", "00100000000000040000000000000001"} {
		b, _ := hex.DecodeString(h)
		if _, err := ReadPDU(bytes.NewReader(b)); !errors.Is(err, ErrPDULength) {
			t.Errorf("ReadPDU(%s) = %v, want ErrPDULength", h, err)
		}
	}
	if _, err := UnmarshalSubmit([]byte("no terminator")); err == nil {
		t.Error("an unterminated string was accepted")
	}
}

func TestEncodeUCS2Splits(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		parts int
	}{
		{"70 letters fit one message", strings.Repeat("ب", 70), 1},
		{"71 need two parts", strings.Repeat("ب", 71), 2},
		{"134 fill two parts", strings.Repeat("ب", 134), 2},
		{"135 need three", strings.Repeat("ب", 135), 3},
		{"emoji are not cut", strings.Repeat("ب", 66) + "😀" + strings.Repeat("ب", 10), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts, err := EncodeUCS2(tt.text, 42)
			if err != nil || len(parts) != tt.parts {
				t.Fatalf("%d parts, %v; want %d", len(parts), err, tt.parts)
			}
			var text string
			for i, p := range parts {
				payload := p.ShortMessage
				if tt.parts > 1 {
					var c Concat
					var ok bool
					if p.ESMClass != ESMClassUDHI {
						t.Fatalf("part %d esm_class %#x", i, p.ESMClass)
					}
					payload, c, ok, err = SplitUDH(payload)
					if err != nil || !ok || c != (Concat{Ref: 42, Total: byte(tt.parts), Seq: byte(i + 1)}) {
						t.Fatalf("part %d header %+v %v %v", i, c, ok, err)
					}
				}
				if len(p.ShortMessage) > 140 {
					t.Fatalf("part %d is %d octets", i, len(p.ShortMessage))
				}
				s, err := DecodeUCS2(payload)
				if err != nil {
					t.Fatalf("part %d: %v", i, err)
				}
				text += s
			}
			if text != tt.text {
				t.Errorf("reassembled %q", text)
			}
		})
	}
}

func TestRelativeValidity(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{2 * time.Minute, "000000000200000R"},
		{90*time.Second + time.Millisecond, "000000000131000R"},
		{10 * time.Second, "000000000100000R"},
		{26*time.Hour + 3*time.Second, "000001020003000R"},
	}
	for _, tt := range tests {
		if got := relativeValidity(tt.d); got != tt.want {
			t.Errorf("relativeValidity(%s) = %s, want %s", tt.d, got, tt.want)
		}
	}
}

func TestStatusClasses(t *testing.T) {
	for _, s := range []Status{StatusInvDstAdr, StatusInvSrcAdr, StatusInvMsgLen, StatusXRAppn} {
		if !s.Permanent() {
			t.Errorf("%s is not permanent", s)
		}
	}
	for _, s := range []Status{StatusThrottled, StatusMsgQFul, StatusSysErr, StatusInvBindStatus, StatusBindFail, 0x400} {
		if s.Permanent() {
			t.Errorf("%s is permanent", s)
		}
	}
}
