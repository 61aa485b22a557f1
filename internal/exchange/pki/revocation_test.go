package pki

import (
	"context"
	"errors"
	"github.com/panjereh/panjereh/internal/clocktest"
	"net/http"
	"sync"
	"testing"
	"time"
)

// source is a RevocationSource whose answer the test sets.
type source struct {
	mu      sync.Mutex
	serials []string
	err     error
	loads   int
}

func (s *source) RevokedSerials(context.Context, time.Time) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loads++
	return s.serials, s.err
}

func (s *source) set(serials []string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.serials, s.err = serials, err
}

func TestRevocationCache(t *testing.T) {
	ctx := context.Background()
	down := errors.New("database down")
	type step struct {
		advance   time.Duration
		serials   []string
		err       error
		want      bool
		wantErr   bool
		wantLoads int
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"loads on first use, then once per interval", []step{
			{serials: []string{"a"}, want: true, wantLoads: 1},
			{advance: 500 * time.Millisecond, serials: nil, want: true, wantLoads: 1},
			{advance: 500 * time.Millisecond, serials: nil, want: false, wantLoads: 2},
		}},
		{"keeps the last good set while within MaxStale", []step{
			{serials: []string{"a"}, want: true, wantLoads: 1},
			{advance: 5 * time.Second, err: down, want: true, wantLoads: 2},
			{advance: 5 * time.Second, err: down, want: true, wantLoads: 3},
		}},
		{"fails closed past MaxStale", []step{
			{serials: []string{"b"}, want: false, wantLoads: 1},
			{advance: 11 * time.Second, err: down, wantErr: true, wantLoads: 2},
			{advance: time.Second, serials: []string{"b"}, want: false, wantLoads: 3},
		}},
		{"fails closed when never loaded", []step{
			{err: down, wantErr: true, wantLoads: 1},
			{err: down, wantErr: true, wantLoads: 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, clk := &source{}, clocktest.New(t0)
			c := NewRevocationCache(src, CacheOptions{Interval: time.Second, MaxStale: 10 * time.Second, Now: clk.Now})
			for i, s := range tt.steps {
				clk.Add(s.advance)
				src.set(s.serials, s.err)
				got, err := c.IsRevoked(ctx, "a")
				if s.wantErr {
					if !errors.Is(err, ErrRevocationUnavailable) {
						t.Fatalf("step %d: error = %v, want ErrRevocationUnavailable", i, err)
					}
					if p := ProblemFor(err); p.Status != http.StatusServiceUnavailable {
						t.Errorf("step %d: problem status %d, want 503", i, p.Status)
					}
				} else if err != nil || got != s.want {
					t.Fatalf("step %d: IsRevoked = %v, %v; want %v", i, got, err, s.want)
				}
				if src.loads != s.wantLoads {
					t.Errorf("step %d: %d loads, want %d", i, src.loads, s.wantLoads)
				}
			}
		})
	}

	t.Run("concurrent callers share one load", func(t *testing.T) {
		src, clk := &source{serials: []string{"a"}}, clocktest.New(t0)
		c := NewRevocationCache(src, CacheOptions{Now: clk.Now})
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				if got, err := c.IsRevoked(ctx, "a"); err != nil || !got {
					t.Errorf("IsRevoked = %v, %v", got, err)
				}
			})
		}
		wg.Wait()
		if src.loads != 1 {
			t.Errorf("%d loads, want 1", src.loads)
		}
	})
}
