package app

import (
	"strings"
	"testing"
)

// TestBadFlagValuesTogether: bad flag values are reported together with
// the environment's and Validate's problems, in one list, followed by a
// pointer to -h rather than the whole usage; an unknown flag stops the
// parse but is reported the same short way; -h still prints the usage.
func TestBadFlagValuesTogether(t *testing.T) {
	env := map[string]string{"PANJEREH_DATA_DIR": t.TempDir(), "PANJEREH_PERSONS": "many"}
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		want     []string
		notWant  []string
	}{
		{"two bad values and a bad setting", []string{"serve", "--sms-retention=abc", "--shutdown-timeout", "zz", "--log-format", "xml"}, 2,
			[]string{
				"panjereh serve: invalid configuration:\n",
				`  - --sms-retention: "abc" is not a duration such as 15s or 2m` + "\n",
				`  - --shutdown-timeout: "zz" is not a duration such as 15s or 2m` + "\n",
				`  - log-format: "xml" is not text or json` + "\n",
				"Run `panjereh serve -h` for the settings.\n",
			},
			[]string{"Usage:", "Flags:", "-addr", "invalid value"}},
		{"a bad value and the environment", []string{"demo", "--seed", "x", "--trusted-proxies", "10.0.0.0/33"}, 2,
			[]string{
				`  - PANJEREH_PERSONS: "many" is not a whole number`,
				`  - --seed: "x" is not a whole number`,
				`  - --trusted-proxies: "10.0.0.0/33" is not a CIDR`,
				"Run `panjereh demo -h` for the settings.",
			},
			[]string{"Usage:", "Flags:"}},
		{"a command's own flags", []string{"bench", "--duration", "soon", "--concurrency=lots"}, 2,
			[]string{`  - --duration: "soon": parse error`, `  - --concurrency: "lots": parse error`},
			[]string{"Usage:"}},
		{"a boolean flag", []string{"migrate", "--status=maybe"}, 2,
			[]string{`  - --status: "maybe" is not true or false`, "Run `panjereh migrate -h` for the settings."},
			[]string{"Usage:"}},
		{"a subcommand", []string{"ca", "issue", "--log-format", "xml"}, 2,
			[]string{"panjereh ca issue: invalid configuration:", "Run `panjereh ca issue -h` for the settings."},
			[]string{"Usage:"}},
		{"an unknown flag", []string{"serve", "--shutdown-timeout=zz", "--addr-x", "0.0.0.0:80", "--log-format", "xml"}, 2,
			[]string{
				`  - --shutdown-timeout: "zz" is not a duration`,
				"  - flag provided but not defined: -addr-x (the flags after it were not read)\n",
				"Run `panjereh serve -h` for the settings.",
			},
			// Nothing after the unknown flag is judged.
			[]string{"Usage:", "Flags:", "log-format"}},
		{"members the exchange's certificates cannot name", []string{"serve", "--exchange-monitors", "IR/gov/x,x,IR/GOV/prom", "--platform-member", "IR/FOO/y"}, 2,
			[]string{
				`  - exchange-monitors: "x" is not a member INSTANCE/CLASS/CODE`,
				`  - platform-member: pki: member "IR/FOO/y": the class must be GOV, COM or ORG`,
				`  - exchange-monitors: pki: member "IR/gov/x": the class must be GOV, COM or ORG`,
			},
			[]string{"IR/GOV/prom", "Usage:"}},
		{"an unknown flag before an argument", []string{"serve", "--addr-x", "0.0.0.0:80"}, 2,
			[]string{"  - flag provided but not defined: -addr-x\n"},
			[]string{"were not read"}},
		{"help after a bad value", []string{"serve", "--shutdown-timeout=zz", "-h"}, 0,
			[]string{"Usage: panjereh serve", "Flags:", "-shutdown-timeout value", "(default 15s)", "-sms-retention value", "(default 720h0m0s)"},
			[]string{"invalid configuration", "Run `panjereh"}},
		{"help of a command's own flags", []string{"migrate", "--status=maybe", "--help"}, 0,
			[]string{"Usage: panjereh migrate", "  -status\n", "list migrations"},
			[]string{"invalid configuration", "panic", "(default false)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := run(t, env, "", tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d", code, tc.wantCode)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(errOut, w) {
					t.Errorf("stderr has %q:\n%s", w, errOut)
				}
			}
		})
	}
}
