// Package app wires Panjereh's components together and implements the
// subcommands of the panjereh binary. It holds no behaviour of its own:
// every feature lives in its package and is constructed here with its
// dependencies passed in explicitly.
package app
