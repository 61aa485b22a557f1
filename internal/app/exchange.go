package app

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"github.com/panjereh/panjereh/internal/exchange"
	"github.com/panjereh/panjereh/internal/exchange/msglog"
	"github.com/panjereh/panjereh/nix"
)

const exchangeUsage = `Usage:
  panjereh exchange verify-log [--key gateway.pem] [--allow-pruned] PATH...
        check the message log's archives and live file offline; names the
        first record altered, removed, reordered or inserted
  panjereh exchange grant --client IR/GOV/CODE/SUB --service IR/GOV/CODE/SUB/SERVICE [--items a,b.c]
        allow a client subsystem to call a service (only those data items)
  panjereh exchange revoke --client IR/GOV/CODE/SUB --service IR/GOV/CODE/SUB/SERVICE
  panjereh exchange rights
        the latest changes of rights, newest first
  panjereh exchange publish-registries [--registry-url https://HOST:PORT]
        register the simulated base registries' agencies, publish their
        services at that address (default: https:// and --registry-addr) and
        let the window's portal subsystem (PLATFORM-MEMBER/portal) call
        them; run it once before the window's first registration, and again
        if the registries move. Rights already granted are left as they are.

Changes of rights are audited with the operating-system user as the actor.`

func runExchange(ctx context.Context, e env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, exchangeUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	sub := args[0]
	if sub == "verify-log" {
		return msglog.VerifyMain(args[1:], e.stdout, e.stderr)
	}
	var client, service, items, registryURL string
	cfg, pos, code, ok := parse(e, "exchange "+sub, "", args[1:], func(fs *flag.FlagSet) {
		if sub == "publish-registries" {
			fs.StringVar(&registryURL, "registry-url", "", "where the gateway reaches the registries (default https://REGISTRY-ADDR)")
		}
		if sub == "grant" || sub == "revoke" {
			fs.StringVar(&client, "client", "", "the client subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM")
			fs.StringVar(&service, "service", "", "the service, INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE")
		}
		if sub == "grant" {
			fs.StringVar(&items, "items", "", "comma-separated data items; empty grants every item")
		}
	}, "data-dir", "dsn", "log-level", "log-format", "registry-addr", "platform-member")
	if !ok {
		return code
	}
	if !noArgs(e, "exchange "+sub, pos) {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(e.stderr, "panjereh exchange %s: %v\n", sub, err)
		return 1
	}
	db, err := openDB(ctx, cfg, newLogger(cfg, e.stderr))
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	st := &exchange.Store{DB: db}
	actor := cliActor()
	switch sub {
	case "grant", "revoke":
		c, err := nix.ParseSubsystem(client)
		if err != nil {
			return fail(err)
		}
		s, err := nix.ParseService(service)
		if err != nil {
			return fail(err)
		}
		if sub == "revoke" {
			if err := st.Revoke(ctx, actor, c, s, time.Now()); err != nil {
				return fail(err)
			}
			fmt.Fprintf(e.stdout, "revoked the right of %s to call %s\n", c, s)
			return 0
		}
		var list exchange.Items
		for _, it := range strings.Split(items, ",") {
			if it = strings.TrimSpace(it); it != "" {
				list = append(list, it)
			}
		}
		if err := st.Grant(ctx, actor, c, s, list, time.Now()); err != nil {
			return fail(err)
		}
		what := "every data item"
		if len(list) > 0 {
			what = strings.Join(list, ", ")
		}
		fmt.Fprintf(e.stdout, "granted %s the right to call %s (%s)\n", c, s, what)
	case "publish-registries":
		if registryURL == "" {
			registryURL = "https://" + cfg.RegistryAddr
		}
		u, err := url.Parse(registryURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || strings.TrimSuffix(u.Path, "/") != "" {
			return fail(fmt.Errorf("--registry-url %q: want https://HOST:PORT, the registries' address as the gateway reaches it", registryURL))
		}
		registryURL = "https://" + u.Host
		if err := bootstrapExchange(ctx, cfg, db, registryURL, actor); err != nil {
			return fail(err)
		}
		fmt.Fprintf(e.stdout, "published %d registry services of %d agencies at %s; %s may call them\n",
			len(demoServices), len(demoMembers), registryURL, portalSubsystem(cfg))
	case "rights":
		entries, err := st.Audit(ctx, 100)
		if err != nil {
			return fail(err)
		}
		for _, a := range entries {
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\t%s\t%s\n", a.At.Format(time.RFC3339), a.Action, a.Actor, a.Client, a.Service, strings.Join(a.Items, ","))
		}
	default:
		fmt.Fprintf(e.stderr, "panjereh exchange: unknown subcommand %q\n\n%s\n", sub, exchangeUsage)
		return 2
	}
	return 0
}

// cliActor names the operating-system user running the command for the
// audit of rights, by the process's user ID, which the environment
// cannot change: "cli:alice(1000)", or "cli:uid 1000" for an ID the
// system has no name for.
func cliActor() string {
	uid := strconv.Itoa(os.Getuid())
	if u, err := user.LookupId(uid); err == nil && u.Username != "" {
		return "cli:" + u.Username + "(" + uid + ")"
	}
	return "cli:uid " + uid
}
