package msglog

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Record is the log entry for one exchange through the gateway. It holds
// metadata and hashes only, never message content.
type Record struct {
	Seq            uint64        // assigned by the log, from 1, contiguous across archives
	Time           time.Time     // UTC, microsecond precision; the log's clock when zero
	MessageID      string        // the exchange's message ID
	Client         string        // calling subsystem, e.g. "IR/GOV/10101234565/portal"
	Service        string        // e.g. "IR/GOV/10380284790/civil/identity"
	EndUser        string        // national code on whose behalf, may be ""
	AssuranceLevel string        // "loa1".. or ""
	Subject        string        // data subject national code or legal ID, may be ""
	TrackingCode   string        // tracking code of the request, may be ""
	Status         int           // HTTP status returned to the caller
	RequestBytes   int64         // size of the request body
	ResponseBytes  int64         // size of the response body
	Duration       time.Duration // time the exchange took
	RequestHash    [32]byte      // SHA-256 of the request body
	ResponseHash   [32]byte      // SHA-256 of the response body
	PrevHash       [32]byte      // hash of the previous record, zero for Seq 1
	Hash           [32]byte      // SHA-256 over PrevHash and the canonical encoding
}

// MaxFieldLen is the longest string field a record may carry, in bytes.
const MaxFieldLen = 1024

// Offsets of the fixed-width part of a record payload.
const (
	recOffPrev     = 0
	recOffSeq      = 32
	recOffTime     = 40
	recOffStatus   = 48
	recOffReqLen   = 56
	recOffRespLen  = 64
	recOffDuration = 72
	recOffReqHash  = 80
	recOffRespHash = 112
	recOffStrings  = 144
	numStrings     = 7
	// minRecordPayload is a record with every string empty.
	minRecordPayload = recOffStrings + 2*numStrings + 32
)

func (r *Record) stringFields() [numStrings]string {
	return [numStrings]string{r.MessageID, r.Client, r.Service, r.EndUser, r.AssuranceLevel, r.Subject, r.TrackingCode}
}

// validate checks what a caller supplies, before the log assigns anything.
func (r *Record) validate() error {
	names := [numStrings]string{"message ID", "client", "service", "end user", "assurance level", "subject", "tracking code"}
	for i, s := range r.stringFields() {
		if len(s) > MaxFieldLen {
			return fmt.Errorf("%s longer than %d bytes", names[i], MaxFieldLen)
		}
		if !utf8.ValidString(s) {
			return fmt.Errorf("%s is not valid UTF-8", names[i])
		}
		for _, c := range s {
			if c < 0x20 || c == 0x7f {
				return fmt.Errorf("%s contains a control character", names[i])
			}
		}
	}
	switch {
	case r.MessageID == "":
		return errors.New("message ID is required")
	case r.Client == "":
		return errors.New("client is required")
	case r.Service == "":
		return errors.New("service is required")
	case r.RequestBytes < 0 || r.ResponseBytes < 0:
		return errors.New("negative body size")
	}
	return nil
}

// appendRecordBody appends PrevHash followed by the canonical encoding of
// every field except Hash: exactly the bytes the record's Hash covers.
func appendRecordBody(dst []byte, r *Record) []byte {
	be := binary.BigEndian
	dst = append(dst, r.PrevHash[:]...)
	dst = be.AppendUint64(dst, r.Seq)
	dst = be.AppendUint64(dst, uint64(r.Time.UnixMicro()))
	dst = be.AppendUint64(dst, uint64(int64(r.Status)))
	dst = be.AppendUint64(dst, uint64(r.RequestBytes))
	dst = be.AppendUint64(dst, uint64(r.ResponseBytes))
	dst = be.AppendUint64(dst, uint64(r.Duration))
	dst = append(dst, r.RequestHash[:]...)
	dst = append(dst, r.ResponseHash[:]...)
	for _, s := range r.stringFields() {
		dst = be.AppendUint16(dst, uint16(len(s)))
		dst = append(dst, s...)
	}
	return dst
}

// recordHash computes the hash of r from its fields (r.Hash is ignored).
func recordHash(r *Record) [32]byte {
	var buf [512]byte
	return sha256.Sum256(appendRecordBody(buf[:0], r))
}

// recordSeq, recordPrev and recordStoredHash read a record payload without
// decoding it; the caller has checked len(p) >= minRecordPayload.
func recordSeq(p []byte) uint64 { return binary.BigEndian.Uint64(p[recOffSeq:]) }

func recordPrev(p []byte) (h [32]byte) { copy(h[:], p[recOffPrev:]); return h }

func recordStoredHash(p []byte) (h [32]byte) { copy(h[:], p[len(p)-32:]); return h }

func recordTime(p []byte) time.Time {
	return time.UnixMicro(int64(binary.BigEndian.Uint64(p[recOffTime:]))).UTC()
}

// recordWellFormed reports whether the string length prefixes of a record
// payload add up exactly to its length.
func recordWellFormed(p []byte) bool {
	if len(p) < minRecordPayload {
		return false
	}
	off := recOffStrings
	end := len(p) - 32
	for range numStrings {
		if off+2 > end {
			return false
		}
		off += 2 + int(binary.BigEndian.Uint16(p[off:]))
	}
	return off == end
}

// recordHashOK reports whether the stored hash matches the payload.
func recordHashOK(p []byte) bool {
	sum := sha256.Sum256(p[:len(p)-32])
	return [32]byte(p[len(p)-32:]) == sum
}

// decodeRecord decodes a well-formed record payload.
func decodeRecord(p []byte) (Record, error) {
	if !recordWellFormed(p) {
		return Record{}, errors.New("malformed record payload")
	}
	be := binary.BigEndian
	r := Record{
		Seq:           recordSeq(p),
		Time:          recordTime(p),
		Status:        int(int64(be.Uint64(p[recOffStatus:]))),
		RequestBytes:  int64(be.Uint64(p[recOffReqLen:])),
		ResponseBytes: int64(be.Uint64(p[recOffRespLen:])),
		Duration:      time.Duration(int64(be.Uint64(p[recOffDuration:]))),
		PrevHash:      recordPrev(p),
		Hash:          recordStoredHash(p),
	}
	copy(r.RequestHash[:], p[recOffReqHash:])
	copy(r.ResponseHash[:], p[recOffRespHash:])
	var s [numStrings]string
	off := recOffStrings
	for i := range s {
		n := int(be.Uint16(p[off:]))
		s[i] = string(p[off+2 : off+2+n])
		off += 2 + n
	}
	r.MessageID, r.Client, r.Service, r.EndUser, r.AssuranceLevel, r.Subject, r.TrackingCode = s[0], s[1], s[2], s[3], s[4], s[5], s[6]
	return r, nil
}
