package msglog

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"time"
)

// Segment file layout; see the package documentation.
const (
	formatVersion   = 1
	headerSize      = 64
	frameHeaderSize = 9
	maxPayload      = 64 << 10
	frameRecord     = byte(1)
	frameSeal       = byte(2)
)

// segmentMagic opens every segment file.
const segmentMagic = "PNJNIXML"

// castagnoli is the CRC-32C table; it is never written after
// initialisation.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// header is the start of a segment: where in the chain the file begins.
type header struct {
	StartSeq uint64    // seq of the file's first record
	PrevHash [32]byte  // hash of the record before StartSeq, zero for 1
	Created  time.Time // when the segment was started
}

func (h header) encode() []byte {
	b := make([]byte, 0, headerSize)
	b = append(b, segmentMagic...)
	b = binary.BigEndian.AppendUint16(b, formatVersion)
	b = binary.BigEndian.AppendUint16(b, 0)
	b = binary.BigEndian.AppendUint64(b, h.StartSeq)
	b = append(b, h.PrevHash[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(h.Created.UnixMicro()))
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

func decodeHeader(b []byte) (header, error) {
	if len(b) < headerSize {
		return header{}, errors.New("short header")
	}
	if string(b[:8]) != segmentMagic {
		return header{}, errors.New("not a message log segment (bad magic)")
	}
	if crc32.Checksum(b[:headerSize-4], castagnoli) != binary.BigEndian.Uint32(b[headerSize-4:]) {
		return header{}, errors.New("header CRC mismatch")
	}
	if v := binary.BigEndian.Uint16(b[8:]); v != formatVersion {
		return header{}, fmt.Errorf("unsupported format version %d", v)
	}
	h := header{StartSeq: binary.BigEndian.Uint64(b[12:])}
	copy(h.PrevHash[:], b[20:52])
	h.Created = time.UnixMicro(int64(binary.BigEndian.Uint64(b[52:]))).UTC()
	if h.StartSeq == 0 {
		return header{}, errors.New("header start seq is 0")
	}
	return h, nil
}

func readHeader(path string) (header, error) {
	f, err := os.Open(path)
	if err != nil {
		return header{}, err
	}
	defer f.Close()
	var b [headerSize]byte
	if _, err := io.ReadFull(f, b[:]); err != nil {
		return header{}, fmt.Errorf("read header: %w", err)
	}
	return decodeHeader(b[:])
}

// beginFrame reserves a frame header; finishFrame fills it in once the
// payload has been appended after it.
func beginFrame(dst []byte) []byte {
	return append(dst, make([]byte, frameHeaderSize)...)
}

// finishFrame fills the header of the frame that starts at frame[0] and
// whose payload is the rest of frame.
func finishFrame(frame []byte, typ byte) {
	binary.BigEndian.PutUint32(frame, uint32(len(frame)-frameHeaderSize))
	frame[4] = typ
	crc := crc32.Update(0, castagnoli, frame[:5])
	crc = crc32.Update(crc, castagnoli, frame[frameHeaderSize:])
	binary.BigEndian.PutUint32(frame[5:], crc)
}

// appendRecordFrame appends r as a frame, filling in r.Hash.
func appendRecordFrame(dst []byte, r *Record) []byte {
	start := len(dst)
	dst = appendRecordBody(beginFrame(dst), r)
	r.Hash = sha256.Sum256(dst[start+frameHeaderSize:])
	dst = append(dst, r.Hash[:]...)
	finishFrame(dst[start:], frameRecord)
	return dst
}

// frameStatus says what frameReader.next found.
type frameStatus int

const (
	frameOK         frameStatus = iota
	frameEOF                    // clean end of file
	frameIncomplete             // file ends inside the frame
	frameBadCRC                 // CRC mismatch or impossible length/type
	frameZero                   // a zero frame header: the start of the live segment's preallocated tail
)

// frameReader reads frames from a segment through one reusable buffer, so
// reading allocates nothing per frame. A returned payload is valid until
// the next call.
type frameReader struct {
	r    io.Reader
	buf  []byte
	i, n int   // unread bytes are buf[i:n]
	off  int64 // file offset of buf[i]
	eof  bool
	err  error
}

func newFrameReader(r io.Reader, off int64) *frameReader {
	return &frameReader{r: r, buf: make([]byte, 1<<20), off: off}
}

// fill makes at least k bytes available unless the file ends first.
func (fr *frameReader) fill(k int) {
	for fr.n-fr.i < k && !fr.eof {
		if fr.i > 0 {
			fr.n = copy(fr.buf, fr.buf[fr.i:fr.n])
			fr.i = 0
		}
		m, err := fr.r.Read(fr.buf[fr.n:])
		fr.n += m
		if err != nil {
			fr.eof = true
			if err != io.EOF {
				fr.err = err
			}
		}
	}
}

// next returns the next frame and the file offset it starts at.
func (fr *frameReader) next() (typ byte, payload []byte, off int64, st frameStatus) {
	off = fr.off
	fr.fill(frameHeaderSize)
	avail := fr.n - fr.i
	if avail == 0 {
		return 0, nil, off, frameEOF
	}
	if avail < frameHeaderSize {
		return 0, nil, off, frameIncomplete
	}
	h := fr.buf[fr.i : fr.i+frameHeaderSize]
	if allZero(h) {
		return 0, nil, off, frameZero
	}
	size := int(binary.BigEndian.Uint32(h))
	typ = h[4]
	if size > maxPayload || (typ != frameRecord && typ != frameSeal) {
		return typ, nil, off, frameBadCRC
	}
	fr.fill(frameHeaderSize + size)
	if fr.n-fr.i < frameHeaderSize+size {
		return typ, nil, off, frameIncomplete
	}
	h = fr.buf[fr.i : fr.i+frameHeaderSize]
	payload = fr.buf[fr.i+frameHeaderSize : fr.i+frameHeaderSize+size]
	crc := crc32.Update(0, castagnoli, h[:5])
	crc = crc32.Update(crc, castagnoli, payload)
	if crc != binary.BigEndian.Uint32(h[5:]) {
		return typ, nil, off, frameBadCRC
	}
	fr.i += frameHeaderSize + size
	fr.off += int64(frameHeaderSize + size)
	return typ, payload, off, frameOK
}

// validFrameAfter reports whether any offset in b (the bytes of a segment
// after a damaged frame) starts a frame with a correct CRC that is also a
// self-consistent record or a well-formed seal. If one exists the damage is
// not a torn tail: something after it was written later and survived.
func validFrameAfter(b []byte) bool {
	for i := 0; i+frameHeaderSize <= len(b); i++ {
		size := int(binary.BigEndian.Uint32(b[i:]))
		typ := b[i+4]
		if size > maxPayload || (typ != frameRecord && typ != frameSeal) || i+frameHeaderSize+size > len(b) {
			continue
		}
		payload := b[i+frameHeaderSize : i+frameHeaderSize+size]
		crc := crc32.Update(0, castagnoli, b[i:i+5])
		if crc32.Update(crc, castagnoli, payload) != binary.BigEndian.Uint32(b[i+5:]) {
			continue
		}
		if typ == frameRecord && recordWellFormed(payload) && recordHashOK(payload) {
			return true
		}
		if _, err := decodeSeal(payload); typ == frameSeal && err == nil {
			return true
		}
	}
	return false
}

// allZero reports whether every byte of b is zero.
func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
