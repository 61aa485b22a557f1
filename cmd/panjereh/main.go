// Command panjereh runs the national window of smart government services
// and its surroundings: see `panjereh -h`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/panjereh/panjereh/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
