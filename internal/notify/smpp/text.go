package smpp

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// DataCodingUCS2 is the data_coding of UCS-2 text, UTF-16 big-endian on
// the wire: the only coding that carries Persian.
const DataCodingUCS2 = 0x08

// ESMClassUDHI is the esm_class bit saying the short message begins with
// a user data header, here the concatenation header of a long message.
const ESMClassUDHI = 0x40

// The capacities of one message in UCS-2 code units: 140 octets alone,
// 134 after a six-octet concatenation header.
const (
	singleUnits = 70
	partUnits   = 67
)

// Part is one submit_sm's share of a text.
type Part struct {
	ESMClass     byte
	ShortMessage []byte
}

// EncodeUCS2 splits text into the short messages that carry it in UCS-2.
// A text of up to 70 UTF-16 units goes in one; a longer one in parts of
// up to 67 units, each led by a concatenation header with reference ref,
// the number of parts and the part's number. A surrogate pair is never
// split between parts.
func EncodeUCS2(text string, ref byte) ([]Part, error) {
	units := utf16.Encode([]rune(text))
	if len(units) <= singleUnits {
		return []Part{{ShortMessage: ucs2Bytes(nil, units)}}, nil
	}
	var chunks [][]uint16
	for len(units) > 0 {
		n := min(partUnits, len(units))
		if n < len(units) && utf16.IsSurrogate(rune(units[n-1])) && units[n-1] < 0xDC00 {
			n-- // keep the high surrogate with its low one
		}
		chunks = append(chunks, units[:n])
		units = units[n:]
	}
	if len(chunks) > 255 {
		return nil, fmt.Errorf("smpp: text needs %d parts; at most 255 can be concatenated", len(chunks))
	}
	parts := make([]Part, len(chunks))
	for i, c := range chunks {
		msg := []byte{0x05, 0x00, 0x03, ref, byte(len(chunks)), byte(i + 1)}
		parts[i] = Part{ESMClass: ESMClassUDHI, ShortMessage: ucs2Bytes(msg, c)}
	}
	return parts, nil
}

func ucs2Bytes(dst []byte, units []uint16) []byte {
	for _, u := range units {
		dst = binary.BigEndian.AppendUint16(dst, u)
	}
	return dst
}

// Concat is a concatenation header found in a short message.
type Concat struct {
	Ref        uint16 // the reference shared by the parts of one text
	Total, Seq byte   // the number of parts and this part's number, from 1
}

// SplitUDH separates the user data header from the text of a short
// message sent with ESMClassUDHI, and returns the concatenation header if
// it has one (the 8-bit or the 16-bit reference form).
func SplitUDH(sm []byte) (payload []byte, c Concat, ok bool, err error) {
	if len(sm) == 0 || int(sm[0])+1 > len(sm) {
		return nil, Concat{}, false, fmt.Errorf("smpp: user data header longer than the message")
	}
	udh, payload := sm[1:1+int(sm[0])], sm[1+int(sm[0]):]
	for len(udh) >= 2 {
		iei, l := udh[0], int(udh[1])
		if 2+l > len(udh) {
			return nil, Concat{}, false, fmt.Errorf("smpp: truncated information element 0x%02x", iei)
		}
		data := udh[2 : 2+l]
		switch {
		case iei == 0x00 && l == 3:
			c, ok = Concat{Ref: uint16(data[0]), Total: data[1], Seq: data[2]}, true
		case iei == 0x08 && l == 4:
			c, ok = Concat{Ref: binary.BigEndian.Uint16(data), Total: data[2], Seq: data[3]}, true
		}
		udh = udh[2+l:]
	}
	return payload, c, ok, nil
}

// DecodeUCS2 turns UTF-16 big-endian octets into text.
func DecodeUCS2(b []byte) (string, error) {
	if len(b)%2 != 0 {
		return "", fmt.Errorf("smpp: UCS-2 text of an odd number (%d) of octets", len(b))
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(units)), nil
}
