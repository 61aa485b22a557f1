package exchange

import (
	"net/http"
	"slices"

	"github.com/panjereh/panjereh/internal/web"
)

// RequireMember protects a provider's own server so that only the given
// members' certificates (normally the gateway's) reach it: a provider that
// requires mTLS from the gateway answers nobody else (B1).
func RequireMember(auth Authenticator, problem func(error) *web.Problem, members ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			member, err := auth.Member(r)
			if err != nil {
				p := web.NewProblem(http.StatusUnauthorized, "certificate",
					"This service answers the exchange gateway only.", "این سرویس فقط به درگاه مرکز تبادل پاسخ می‌دهد.")
				if problem != nil {
					p = problem(err)
				}
				web.WriteProblem(w, r, p)
				return
			}
			if !slices.Contains(members, member) {
				web.WriteProblem(w, r, web.NewProblem(http.StatusForbidden, "not-gateway",
					member+" may not call this service directly; call it through the exchange.",
					member+" نمی‌تواند این سرویس را مستقیم فراخوانی کند؛ از طریق مرکز تبادل فراخوانی کنید."))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
