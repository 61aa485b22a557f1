// Package msglog is the exchange's tamper-evident message log (B3, K3).
//
// The gateway appends one [Record] per exchange: metadata and SHA-256 hashes
// of the bodies, never the content. Records form a hash chain: each record's
// Hash is SHA-256 over the previous record's hash followed by the record's
// canonical encoding, so changing, removing, inserting or reordering any
// record breaks every later link. At most every [Options.SealEvery] while
// records are written, and on rotation and Close, the log appends a seal:
// the chain head (seq, hash, time) signed with the gateway's ECDSA P-256
// key, so a rewrite of the whole chain needs the key too.
//
// # Files
//
// A log is a directory of append-only segment files. The live segment is
// nix-live.log; rotated archives are named
// nix-FIRSTSEQ-LASTSEQ-YYYYMMDD.log with the seqs zero-padded to 20 digits
// and the UTC date of their newest record. Every segment starts with a
// 64-byte header (magic, format version, first seq, the previous record's
// hash, creation time, CRC-32C) followed by frames:
//
//	u32 payload length | u8 type (1 record, 2 seal) | u32 CRC-32C | payload
//
// all integers big-endian. The CRC covers length, type and payload; it
// tells a write torn by a crash apart from a deliberate change, which keeps
// the CRC intact only if the attacker recomputes it and then still breaks
// the hash chain. A record payload is PrevHash, the fixed-width fields, the
// length-prefixed strings, then Hash, so the hash input is the payload
// without its last 32 bytes and verification needs no decoding or copying.
//
// # Durability
//
// [Log.Append] returns only once its record is fsynced. A single writer
// goroutine takes whatever appends are pending, writes them with one write
// and one fsync (group commit), and acknowledges them together. A caller
// that knows it will append soon announces it with [Log.Coming]; while
// announced records are outstanding the writer holds a batch open for them,
// at most [Options.CommitDelay], so that under load they share one fsync
// instead of each waiting for the previous one. The live
// segment is filled with zeros a chunk ahead of its frames (a quarter of
// [Options.RotateBytes], at most 4 MiB), so a write changes no file size and
// syncing its data (fdatasync) is enough; a zero frame header marks where
// the frames end, and rotation and Close cut the zeros off, so archives
// never carry any. On [Open] a
// frame that is incomplete or fails its CRC at the very end of the live
// segment, with no valid frame after it, is a torn write from a crash: it
// was never acknowledged and is truncated. Damage anywhere else is
// tampering and Open refuses to continue. String fields may not contain
// control characters, which keeps a frame from being smuggled inside a
// field and mistaken for a genuine frame after a torn one.
//
// # Retention and verification
//
// [Log.Prune] deletes whole archives, oldest first, once their newest record
// is older than [Options.Retention] (at least [MinRetention], six months by
// B3); it never touches the live segment and always keeps the newest
// archive. A pruned log no longer starts at seq 1: [Verify] reports that as
// a removal unless [VerifyOptions.AllowPrunedPrefix] is set, in which case
// the oldest remaining file's header (its first seq and the hash of the
// pruned record before it) is taken as the trust anchor. That anchor is
// covered by the first seal after it, so it cannot be changed without the
// gateway's key.
//
// [VerifyMain] implements `panjereh exchange verify-log`.
package msglog
