// Package smsc is a fake SMS centre: a real SMPP 3.4 server on a loopback
// port that accepts binds, records the texts submitted to it (long ones
// reassembled from their parts) and can be told to refuse binds or
// messages with a given command_status, to answer slowly, to hang or to go
// away. Tests use it in place of an operator; it has no command of its
// own and nothing else runs it.
package smsc
