package nix

// Headers of a call through the gateway. A caller sets the request
// headers; the gateway checks them, passes them on to the provider and
// adds the response headers.
const (
	// HeaderClient names the calling subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM.
	// Its member must be the one the client certificate was issued to.
	HeaderClient = "X-Nix-Client"
	// HeaderUser is the national code (a foreign national's FIDA) of the
	// person on whose behalf the call is made, if any.
	HeaderUser = "X-Nix-User"
	// HeaderAssurance is that person's assurance level: loa1, loa2 or loa3.
	HeaderAssurance = "X-Nix-Assurance"
	// HeaderSubject is the national code, FIDA or legal ID of the person
	// or company whose data the call asks for (the data subject).
	HeaderSubject = "X-Nix-Subject"
	// HeaderTrackingCode is the tracking code of the request the call
	// serves (B6).
	HeaderTrackingCode = "X-Nix-Tracking-Code"
	// HeaderMessageID is the exchange's ID of the call, set on the
	// provider's request and on the caller's response.
	HeaderMessageID = "X-Nix-Id"
	// HeaderRequestHash is the SHA-256 of the request body, hex, on the
	// caller's response.
	HeaderRequestHash = "X-Nix-Request-Hash"
	// HeaderService tells the provider which of its services was called.
	HeaderService = "X-Nix-Service"
)
