package notify

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/panjereh/panjereh/internal/iran"
)

// DevSink is the provider for development and the demo: instead of
// reaching a phone it prints each message as one line on Out (the
// terminal), and its development page (see Mount) lists the messages so
// that a person or a browser test can read the one-time codes. It must
// never be configured where real people receive messages.
type DevSink struct {
	// Out receives one line per message; nil discards.
	Out io.Writer
	// Outbox is where the development page reads the messages from.
	Outbox *Outbox

	mu sync.Mutex // serialises lines on Out
}

// Send prints the message, with its code if it is a one-time code, as
// one line.
func (d *DevSink) Send(ctx context.Context, m Delivery) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if d.Out != nil {
		body := strings.ReplaceAll(m.Body, "\n", " ⏎ ")
		line := fmt.Sprintf("SMS %s → %s [%s] %s\n", m.Sender, m.To, m.Purpose, body)
		if code := OTPCode(m.Purpose, m.Body); code != "" {
			line = fmt.Sprintf("SMS %s → %s [%s] code %s: %s\n", m.Sender, m.To, m.Purpose, code, body)
		}
		d.mu.Lock()
		_, err := io.WriteString(d.Out, line)
		d.mu.Unlock()
		if err != nil {
			return "", fmt.Errorf("notify: dev sink: %w", err)
		}
	}
	return "dev-" + m.ID, nil
}

// OTPCode returns the one-time code of a message sent with purpose: the
// code in its body (see CodeIn) if the purpose is PurposeOTP, else "".
// What reads codes from delivered messages, as the development page
// does, should use it rather than CodeIn, which takes any run of digits
// for a code.
func OTPCode(purpose, body string) string {
	if purpose != PurposeOTP {
		return ""
	}
	return CodeIn(body)
}

// CodeIn returns the first run of 4 to 8 digits in an SMS text (a
// one-time code), in ASCII digits, or "" if there is none.
func CodeIn(body string) string {
	ascii := iran.ToASCIIDigits(body)
	start := -1
	for i := 0; i <= len(ascii); i++ {
		digit := i < len(ascii) && '0' <= ascii[i] && ascii[i] <= '9'
		switch {
		case digit && start < 0:
			start = i
		case !digit && start >= 0:
			if n := i - start; 4 <= n && n <= 8 {
				return ascii[start:i]
			}
			start = -1
		}
	}
	return ""
}
