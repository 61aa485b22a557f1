// Package smpp is a small SMPP 3.4 client: the PDU codec for the
// operations a transmitter needs (bind_transmitter, submit_sm,
// enquire_link, unbind, generic_nack) and Client, a notify.Provider that
// sends Persian text in UCS-2 from the 4040 short code, splitting long
// texts into concatenated parts, keeping its bind alive and binding again
// after a failure.
package smpp
