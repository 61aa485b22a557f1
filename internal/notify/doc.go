// Package notify sends SMS from the national 4040 short code (requirements
// A2 and F3) through a durable outbox.
//
// A feature that must tell a person something — a one-time login code, a
// change in a request — stores the message with Outbox.Enqueue, inside its
// own database transaction when it has one, so that the message exists if
// and only if what caused it committed. Storing is one INSERT. A
// Dispatcher, of which any number may run on one database, claims due
// messages in batches for a lease, hands them to a Provider concurrently
// and records the outcome: sent with the operator's reference, queued
// again with a backoff after a transient failure, queued again with its
// attempt unspent while the provider is unavailable (the operator refused
// the bind), failed after a permanent failure or too many attempts, or expired when a message with an
// expiry (a one-time code) could not go out in time — it is then never
// sent late.
//
// Each dispatcher keeps its provider's state (Dispatcher.State):
// unavailable from the first message held for ErrUnavailable until the
// provider next sends one. Outbox.Health adds the queue's length and the
// age of its oldest message to the state of the dispatchers running on
// it, and Outbox.HealthCheck reports them in the web shell's /healthz.
//
// Providers are the SMPP 3.4 client of package notify/smpp, which speaks
// to the operator's SMSC, and DevSink, which prints messages to the
// terminal and lists them on a development page for the demo. Package
// notify/smsc is a fake SMSC for tests.
//
// docs/sms.md is the operators' guide.
package notify
