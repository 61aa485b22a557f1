package exchange

import "github.com/panjereh/panjereh/nix"

// The exchange's identifiers are package nix's, which agencies' code
// imports without the gateway's dependencies; these names stand for them
// in the gateway's API, as os.FileMode stands for fs.FileMode.
type (
	Subsystem = nix.Subsystem
	ServiceID = nix.ServiceID
	IDError   = nix.IDError
)
