package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/panjereh/panjereh/internal/sqldb"
)

// LoadKeys are the identifiers RunLoad asks about, sampled from the store
// with SampleKeys.
type LoadKeys struct {
	Persons     []PersonKey
	PostalCodes []string
	LegalIDs    []string
	Plates      []string
}

// PersonKey is a person with what the identity and Shahkar inquiries need.
type PersonKey struct {
	NationalCode string
	BirthDate    string // Jalali yyyymmdd
	Mobile       string // a number registered to them, or ""
}

// LoadOptions configures RunLoad.
type LoadOptions struct {
	BaseURL     string        // the registry server, e.g. http://127.0.0.1:8082
	Duration    time.Duration // how long to send requests
	Concurrency int           // requests in flight
	Keys        LoadKeys
}

// LoadResult reports a load run. Errors counts transport failures and
// answers other than 200; latencies are of every request.
type LoadResult struct {
	Requests          int64
	Errors            int64
	Elapsed           time.Duration
	RequestsPerSecond float64
	P50, P90, P99     time.Duration
	Max               time.Duration
}

// String formats the result on one line.
func (r LoadResult) String() string {
	return fmt.Sprintf("%d requests in %s: %.0f req/s, %d errors, p50 %s p90 %s p99 %s max %s",
		r.Requests, r.Elapsed.Round(time.Millisecond), r.RequestsPerSecond, r.Errors, r.P50, r.P90, r.P99, r.Max)
}

// SampleKeys reads up to n keys of each kind from the registry tables.
func SampleKeys(ctx context.Context, db *sqldb.DB, n int) (LoadKeys, error) {
	var k LoadKeys
	rows, err := db.Read.QueryContext(ctx, `SELECT p.national_code, p.birth_date, COALESCE(MIN(m.mobile), '')
		FROM reg_persons p LEFT JOIN reg_mobiles m ON m.national_code = p.national_code
		WHERE p.national_code IN (SELECT national_code FROM reg_persons LIMIT $1)
		GROUP BY p.national_code, p.birth_date`, n)
	if err != nil {
		return k, fmt.Errorf("registry: sample persons: %w", err)
	}
	for rows.Next() {
		var pk PersonKey
		var birth string
		if err := rows.Scan(&pk.NationalCode, &birth, &pk.Mobile); err != nil {
			rows.Close()
			return k, fmt.Errorf("registry: sample persons: %w", err)
		}
		d, _ := parseDay(birth)
		pk.BirthDate = d.jalali().Compact()
		k.Persons = append(k.Persons, pk)
	}
	rows.Close()
	for _, q := range []struct {
		sql string
		dst *[]string
	}{
		{`SELECT postal_code FROM reg_addresses LIMIT $1`, &k.PostalCodes},
		{`SELECT legal_id FROM reg_companies LIMIT $1`, &k.LegalIDs},
		{`SELECT plate FROM reg_vehicles LIMIT $1`, &k.Plates},
	} {
		rows, err := db.Read.QueryContext(ctx, q.sql, n)
		if err != nil {
			return k, fmt.Errorf("registry: sample keys: %w", err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return k, err
			}
			*q.dst = append(*q.dst, s)
		}
		rows.Close()
	}
	if len(k.Persons) == 0 {
		return k, errors.New("registry: sample keys: the registries are empty")
	}
	return k, nil
}

// request is one prepared lookup.
type request struct {
	method, path string
	body         []byte
}

// requests builds the mix of lookups: identity, Shahkar, address,
// residence, family, licences, legal person and vehicle.
func (k LoadKeys) requests() []request {
	var out []request
	for i, p := range k.Persons {
		out = append(out,
			request{"POST", "/registry/sabteahval/identity", fmt.Appendf(nil, `{"nin":%q,"birthDate":%q}`, p.NationalCode, p.BirthDate)},
			request{"GET", "/registry/residence/" + p.NationalCode, nil})
		if p.Mobile != "" {
			out = append(out, request{"POST", "/registry/sazmantanzim/shahkar/ServiceIDmatching",
				fmt.Appendf(nil, `{"requestId":"PNJ%d","serviceNumber":%q,"serviceType":2,"identificationType":0,"identificationNo":%q}`, i, p.Mobile, p.NationalCode)})
		}
		switch i % 3 {
		case 0:
			out = append(out, request{"GET", "/registry/persons/" + p.NationalCode + "/family", nil})
		case 1:
			out = append(out, request{"GET", "/registry/persons/" + p.NationalCode + "/driving-licences", nil})
		}
	}
	for _, pc := range k.PostalCodes {
		out = append(out, request{"POST", "/registry/post/address", fmt.Appendf(nil, `{"Postalcode":%q}`, pc)})
	}
	for _, id := range k.LegalIDs {
		out = append(out, request{"GET", "/registry/legal-persons/" + id, nil})
	}
	for _, pl := range k.Plates {
		out = append(out, request{"GET", "/registry/vehicles/" + url.PathEscape(pl), nil})
	}
	return out
}

// RunLoad sends registry lookups to opts.BaseURL from Concurrency workers
// over keep-alive connections for Duration, and reports throughput and
// latency.
func RunLoad(ctx context.Context, opts LoadOptions) (LoadResult, error) {
	reqs := opts.Keys.requests()
	if len(reqs) == 0 {
		return LoadResult{}, errors.New("registry: load: no keys")
	}
	conc := max(1, opts.Concurrency)
	tr := &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(ctx, opts.Duration)
	defer cancel()
	lat := make([][]time.Duration, conc)
	errs := make([]int64, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			samples := make([]time.Duration, 0, 1<<16)
			for i := w; ctx.Err() == nil; i += conc {
				rq := reqs[i%len(reqs)]
				var body io.Reader
				if rq.body != nil {
					body = bytes.NewReader(rq.body)
				}
				req, _ := http.NewRequestWithContext(ctx, rq.method, opts.BaseURL+rq.path, body)
				if rq.body != nil {
					req.Header.Set("Content-Type", "application/json")
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(t0)
				if ctx.Err() != nil {
					break
				}
				samples = append(samples, d)
				if err != nil || resp.StatusCode != http.StatusOK {
					errs[w]++
				}
			}
			lat[w] = samples
		}(w)
	}
	wg.Wait()
	res := LoadResult{Elapsed: time.Since(start)}
	all := slices.Concat(lat...)
	slices.Sort(all)
	for _, e := range errs {
		res.Errors += e
	}
	res.Requests = int64(len(all))
	if res.Requests == 0 {
		return res, errors.New("registry: load: no request completed")
	}
	res.RequestsPerSecond = float64(res.Requests) / res.Elapsed.Seconds()
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
	res.P50, res.P90, res.P99, res.Max = pct(0.50), pct(0.90), pct(0.99), all[len(all)-1]
	return res, nil
}
