package smpp

import "fmt"

// Status is a PDU's command_status (SMPP 3.4 §5.1.3): zero for success,
// an error code otherwise.
type Status uint32

// The command_status values this package names. Codes 0x400-0x4FF are
// the SMSC vendor's own.
const (
	StatusOK            Status = 0x00 // ESME_ROK
	StatusInvMsgLen     Status = 0x01 // ESME_RINVMSGLEN: message length is invalid
	StatusInvCmdLen     Status = 0x02 // ESME_RINVCMDLEN: command length is invalid
	StatusInvCmdID      Status = 0x03 // ESME_RINVCMDID: invalid command ID
	StatusInvBindStatus Status = 0x04 // ESME_RINVBNDSTS: incorrect bind status for the command
	StatusAlreadyBound  Status = 0x05 // ESME_RALYBND: already bound
	StatusInvPrtFlg     Status = 0x06 // ESME_RINVPRTFLG: invalid priority flag
	StatusInvRegDlvFlg  Status = 0x07 // ESME_RINVREGDLVFLG: invalid registered delivery flag
	StatusSysErr        Status = 0x08 // ESME_RSYSERR: system error
	StatusInvSrcAdr     Status = 0x0A // ESME_RINVSRCADR: invalid source address
	StatusInvDstAdr     Status = 0x0B // ESME_RINVDSTADR: invalid destination address
	StatusInvMsgID      Status = 0x0C // ESME_RINVMSGID: invalid message ID
	StatusBindFail      Status = 0x0D // ESME_RBINDFAIL: bind failed
	StatusInvPaswd      Status = 0x0E // ESME_RINVPASWD: invalid password
	StatusInvSysID      Status = 0x0F // ESME_RINVSYSID: invalid system ID
	StatusMsgQFul       Status = 0x14 // ESME_RMSGQFUL: message queue full
	StatusInvSerTyp     Status = 0x15 // ESME_RINVSERTYP: invalid service type
	StatusInvESMClass   Status = 0x43 // ESME_RINVESMCLASS: invalid esm_class
	StatusSubmitFail    Status = 0x45 // ESME_RSUBMITFAIL: submit_sm failed
	StatusInvSrcTON     Status = 0x48 // ESME_RINVSRCTON: invalid source address TON
	StatusInvSrcNPI     Status = 0x49 // ESME_RINVSRCNPI: invalid source address NPI
	StatusInvDstTON     Status = 0x50 // ESME_RINVDSTTON: invalid destination address TON
	StatusInvDstNPI     Status = 0x51 // ESME_RINVDSTNPI: invalid destination address NPI
	StatusInvSysTyp     Status = 0x53 // ESME_RINVSYSTYP: invalid system_type
	StatusThrottled     Status = 0x58 // ESME_RTHROTTLED: throttling error, too many messages
	StatusInvSched      Status = 0x61 // ESME_RINVSCHED: invalid scheduled delivery time
	StatusInvExpiry     Status = 0x62 // ESME_RINVEXPIRY: invalid validity period
	StatusXTAppn        Status = 0x64 // ESME_RX_T_APPN: temporary error in the receiving application
	StatusXPAppn        Status = 0x65 // ESME_RX_P_APPN: permanent error in the receiving application
	StatusXRAppn        Status = 0x66 // ESME_RX_R_APPN: the receiving application rejected the message
	StatusUnknownErr    Status = 0xFF // ESME_RUNKNOWNERR: unknown error
)

var statusNames = map[Status]string{
	StatusOK: "ESME_ROK", StatusInvMsgLen: "ESME_RINVMSGLEN", StatusInvCmdLen: "ESME_RINVCMDLEN",
	StatusInvCmdID: "ESME_RINVCMDID", StatusInvBindStatus: "ESME_RINVBNDSTS", StatusAlreadyBound: "ESME_RALYBND",
	StatusInvPrtFlg: "ESME_RINVPRTFLG", StatusInvRegDlvFlg: "ESME_RINVREGDLVFLG", StatusSysErr: "ESME_RSYSERR",
	StatusInvSrcAdr: "ESME_RINVSRCADR", StatusInvDstAdr: "ESME_RINVDSTADR", StatusInvMsgID: "ESME_RINVMSGID",
	StatusBindFail: "ESME_RBINDFAIL", StatusInvPaswd: "ESME_RINVPASWD", StatusInvSysID: "ESME_RINVSYSID",
	StatusMsgQFul: "ESME_RMSGQFUL", StatusInvSerTyp: "ESME_RINVSERTYP", StatusInvESMClass: "ESME_RINVESMCLASS",
	StatusSubmitFail: "ESME_RSUBMITFAIL", StatusInvSrcTON: "ESME_RINVSRCTON", StatusInvSrcNPI: "ESME_RINVSRCNPI",
	StatusInvDstTON: "ESME_RINVDSTTON", StatusInvDstNPI: "ESME_RINVDSTNPI", StatusInvSysTyp: "ESME_RINVSYSTYP",
	StatusThrottled: "ESME_RTHROTTLED", StatusInvSched: "ESME_RINVSCHED", StatusInvExpiry: "ESME_RINVEXPIRY",
	StatusXTAppn: "ESME_RX_T_APPN", StatusXPAppn: "ESME_RX_P_APPN", StatusXRAppn: "ESME_RX_R_APPN",
	StatusUnknownErr: "ESME_RUNKNOWNERR",
}

// String names the status as the specification does.
func (s Status) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("command_status 0x%08x", uint32(s))
}

// Permanent reports whether a message refused with s would be refused
// again however often it were resubmitted: the message itself, its
// addresses or its parameters are wrong. Everything else — the SMSC
// busy, throttling, system errors, bind trouble, vendor codes this
// package does not know — is worth retrying later.
func (s Status) Permanent() bool {
	switch s {
	case StatusInvMsgLen, StatusInvCmdLen, StatusInvCmdID, StatusInvPrtFlg, StatusInvRegDlvFlg,
		StatusInvSrcAdr, StatusInvDstAdr, StatusInvSerTyp, StatusInvESMClass,
		StatusInvSrcTON, StatusInvSrcNPI, StatusInvDstTON, StatusInvDstNPI,
		StatusInvSched, StatusInvExpiry, StatusXPAppn, StatusXRAppn:
		return true
	}
	return false
}

// BindRefused reports whether an SMSC that refused a bind with s will
// refuse it again however often it is retried, until someone changes the
// configuration on one side or the other: the password
// (ESME_RINVPASWD), the system ID (ESME_RINVSYSID) or the system type
// (ESME_RINVSYSTYP) is wrong, or the SMSC refuses the account as such
// (ESME_RBINDFAIL, which SMSCs answer for an unknown, barred or expired
// account or an address they do not accept). A system error, throttling
// or a lost connection is not a refusal.
func (s Status) BindRefused() bool {
	switch s {
	case StatusBindFail, StatusInvPaswd, StatusInvSysID, StatusInvSysTyp:
		return true
	}
	return false
}

// StatusError is an SMSC's refusal of a request.
type StatusError struct {
	Command CommandID // the response that carried it, generic_nack included
	Status  Status
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("smpp: %s: %s (0x%02x)", e.Command, e.Status, uint32(e.Status))
}
