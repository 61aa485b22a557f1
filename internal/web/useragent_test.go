package web

import "testing"

func TestParseUserAgent(t *testing.T) {
	tests := []struct {
		name, ua string
		want     Browser
	}{
		{"Chrome on Windows",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
			Browser{"Chrome", "131", "Windows"}},
		{"Chrome on Android",
			"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
			Browser{"Chrome", "130", "Android"}},
		{"Chrome on iPhone",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
			Browser{"Chrome", "131", "iOS"}},
		{"headless Chromium on Linux",
			"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
			Browser{"Chrome", "131", "Linux"}},
		{"Firefox on Linux",
			"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
			Browser{"Firefox", "133", "Linux"}},
		{"Firefox on macOS",
			"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:132.0) Gecko/20100101 Firefox/132.0",
			Browser{"Firefox", "132", "macOS"}},
		{"Firefox on iPhone",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/132.2 Mobile/15E148 Safari/605.1.15",
			Browser{"Firefox", "132", "iOS"}},
		{"Safari on macOS",
			"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
			Browser{"Safari", "18", "macOS"}},
		{"Safari on iPad",
			"Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
			Browser{"Safari", "17", "iOS"}},
		{"Edge on Windows",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70",
			Browser{"Edge", "131", "Windows"}},
		{"legacy Edge",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/64.0.3282.140 Safari/537.36 Edge/18.17763",
			Browser{"Edge", "18", "Windows"}},
		{"Edge on Android",
			"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
			Browser{"Edge", "131", "Android"}},
		{"Opera on Windows",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 OPR/114.0.0.0",
			Browser{"Opera", "114", "Windows"}},
		{"Presto Opera",
			"Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.18",
			Browser{"Opera", "12", "Windows"}},
		{"Samsung Internet",
			"Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
			Browser{"Samsung Internet", "26", "Android"}},
		{"Chrome on ChromeOS",
			"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
			Browser{"Chrome", "131", "ChromeOS"}},
		{"curl", "curl/8.11.1", Browser{"curl", "8", ""}},
		{"empty", "", Browser{}},
		{"unknown bot", "Googlebot/2.1 (+http://www.google.com/bot.html)", Browser{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseUserAgent(tt.ua); got != tt.want {
				t.Errorf("ParseUserAgent(%q) = %+v, want %+v", tt.ua, got, tt.want)
			}
		})
	}
}
