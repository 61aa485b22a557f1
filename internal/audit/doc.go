// Package audit is the platform's tamper-evident audit log (K3): every
// registration, login, failed attempt, one-time code sent, consent given or
// revoked, logout and change of an agency's OIDC client is recorded as an
// [Event], without secrets, in one hash chain shared by every node.
//
// # The chain
//
// Entries live in the database (table audit_entries), because the nodes
// are stateless and any of them may record. Each entry has a seq, starting
// at 1 with no gaps, and a hash:
//
//	hash = SHA-256(prev_hash || seq || canonical encoding of the event)
//
// with an all-zero prev_hash for seq 1 (see encodeBody for the encoding).
// Changing, removing, inserting or reordering an entry breaks its own hash
// or the next entry's link. One row, audit_head, holds the last seq and
// hash. Every append locks it inside its transaction (SELECT ... FOR
// UPDATE on PostgreSQL; SQLite has a single writer and begins
// transactions IMMEDIATE), so nodes extend the chain one transaction at a
// time and never fork it.
//
// # Group commit
//
// Taking a cluster-wide lock per event would cap the log at one commit
// latency per event. Instead each [Log] has one writer goroutine: [Log.Record]
// hands its event, already checked and encoded, to the batch being
// collected and waits; the writer takes the whole batch, and in one
// transaction locks the head, assigns seqs, computes hashes, inserts the
// rows fifty per statement and moves the head. Everyone in the batch is
// released by the commit. While one batch commits the next one collects,
// so the batch size follows the load and the lock is taken once per batch,
// not per event.
//
// # Events inside a caller's transaction
//
// [Log.RecordTx] cannot join a batch: the batch commits on its own
// schedule, and locking the head inside the caller's transaction would
// hold the cluster-wide lock for as long as the caller's work takes and
// serialise every such transaction on every node. So RecordTx inserts the
// event into audit_pending, inside the caller's transaction, which costs
// one insert and shares no lock. It commits or rolls back with the
// caller's change. An after-commit hook has this node's writer, within
// [Log.PendingDelay], move committed pending events into the chain in one
// batch for all the transactions meanwhile (deleting them in the same
// transaction, so each is chained exactly once); every node
// also looks for pending events every SealEvery, which covers events whose
// node stopped before chaining them. A pending event gets its seq when it
// is chained, so seq order is chaining order, not always event time order.
//
// # Seals
//
// A chain alone does not stop someone who can write to the database from
// rewriting an entry and recomputing every later hash. So every SealEvery
// while the head moves, each node signs the head (seq, hash, time) with an
// ECDSA P-256 key it holds and the database does not, and stores the seal
// in audit_seals, with the key's ID so that a replaced key still verifies
// old seals. Several nodes may seal; a head sealed twice keeps one seal.
// A rewrite of anything up to a seal is then detectable without the key.
// Entries after the newest seal are protected by the chain only: a writer
// to the database can drop or forge entries at the tail until the next
// seal (at most about SealEvery later, while nodes run), and a forged
// entry with a correct hash that a node then seals is indistinguishable
// from a real one.
//
// # Verification
//
// [Verify] walks the chain from seq 1 to the head, checking each entry's
// link, its hash and every seal, and names the first entry removed
// (a gap, or a chain shorter than a seal or the head), inserted (an entry
// the next one skips over, or one beyond the head), reordered (an entry
// linking to one that is not its predecessor), altered (content that no
// longer matches its hash) or rewritten (a consistent chain that does not
// match a valid seal), and every seal whose signature fails; `panjereh
// audit verify` prints its report.
//
// # No secrets
//
// Details are short key/value pairs; [ValidateDetails] refuses keys that
// name a secret (code, password, secret, token, key and the like), so a
// one-time code or a client secret cannot be stored by mistake. Strings are
// cleaned of control characters and cut to fixed lengths, since many come
// from the client.
//
// # Reading
//
// [Log.ForSubject] lists a person's own events for their account page and
// [Log.List] filters for operators, both newest first with an opaque
// cursor.
package audit
