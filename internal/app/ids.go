package app

import (
	"context"

	"github.com/panjereh/panjereh/internal/idtool"
)

func runIDs(ctx context.Context, e env, args []string) int {
	return idtool.Main(args, e.stdin, e.stdout, e.stderr)
}
