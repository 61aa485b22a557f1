package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/panjereh/panjereh/internal/audit"
	"github.com/panjereh/panjereh/internal/config"
)

const auditUsage = `usage: panjereh audit verify [--dsn DSN] [--key seal-pub.pem]...

Checks the audit log's hash chain and seals and names the first entry
altered, removed, inserted or reordered. The database and the seal key
default to the configured ones (PANJEREH_DSN, PANJEREH_DATA_DIR and
DATA-DIR/audit/seal-pub.pem).`

// runAudit implements `panjereh audit verify`.
func runAudit(ctx context.Context, e env, args []string) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(e.stderr, auditUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return 0
		}
		return 2
	}
	cfg := config.Default()
	if v := e.getenv(config.EnvName("data-dir")); v != "" {
		cfg.DataDir = v
	}
	cfg.DSN = e.getenv(config.EnvName("dsn"))
	defaults := []string{"--dsn", cfg.DatabaseDSN()}
	if key := filepath.Join(cfg.DataDir, "audit", "seal-pub.pem"); fileExists(key) {
		defaults = append(defaults, "--key", key)
	}
	return audit.VerifyMain(ctx, append(defaults, args[1:]...), e.stdout, e.stderr)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
