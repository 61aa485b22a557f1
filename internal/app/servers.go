package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// server is one listener to run until shutdown.
type server struct {
	name    string
	addr    string
	handler http.Handler
	// tls, when set, makes the server speak TLS.
	tls *tls.Config
	// url is filled in once the listener is bound (useful with port 0).
	url string
	ln  net.Listener
}

// listen binds every server's address, so that a port already in use is
// reported before anything starts serving.
func listen(servers []*server) error {
	for i, s := range servers {
		ln, err := net.Listen("tcp", s.addr)
		if err != nil {
			for _, prev := range servers[:i] {
				prev.ln.Close()
			}
			return fmt.Errorf("%s: listen on %s: %w", s.name, s.addr, err)
		}
		s.ln = ln
		s.url = "http://" + ln.Addr().String()
		if s.tls != nil {
			s.ln = tls.NewListener(ln, s.tls)
			s.url = "https://" + ln.Addr().String()
		}
	}
	return nil
}

// secure makes s, bound without TLS, speak TLS with cfg.
func (s *server) secure(cfg *tls.Config) {
	s.tls = cfg
	s.ln = tls.NewListener(s.ln, cfg)
	s.url = "https://" + s.ln.Addr().String()
}

// serve runs the bound servers until ctx is done, then shuts them down
// gracefully within timeout. It returns the first serving error.
func serve(ctx context.Context, log *slog.Logger, servers []*server, timeout time.Duration) error {
	errc := make(chan error, len(servers))
	https := make([]*http.Server, len(servers))
	for i, s := range servers {
		hs := &http.Server{
			Handler:           s.handler,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      60 * time.Second,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
			BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		}
		https[i] = hs
		go func(s *server) {
			log.Info("serving", "component", s.name, "url", s.url)
			if err := hs.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("%s: %w", s.name, err)
			}
		}(s)
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	log.Info("shutting down", "timeout", timeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	var wg sync.WaitGroup
	for i := range https {
		wg.Add(1)
		go func(hs *http.Server) {
			defer wg.Done()
			if e := hs.Shutdown(sctx); e != nil {
				log.Warn("shutdown", "err", e)
				hs.Close()
			}
		}(https[i])
	}
	wg.Wait()
	return err
}
