package registry_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/panjereh/panjereh/internal/registry"
	"github.com/panjereh/panjereh/internal/sqldb"
	"github.com/panjereh/panjereh/internal/sqldb/sqldbtest"
)

func TestRunLoad(t *testing.T) {
	db, _ := seeded(t, 300, 2)
	res := runLoad(t, db, 300*time.Millisecond, 4)
	if res.Requests == 0 || res.Errors != 0 {
		t.Errorf("%s", res)
	}
}

func runLoad(t testing.TB, db *sqldb.DB, d time.Duration, conc int) registry.LoadResult {
	t.Helper()
	ctx := context.Background()
	st, err := registry.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	keys, err := registry.SampleKeys(ctx, db, 2000)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	routes, err := (&registry.Handler{Store: st}).Routes()
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: routes}
	go srv.Serve(ln)
	defer srv.Close()
	res, err := registry.RunLoad(ctx, registry.LoadOptions{BaseURL: "http://" + ln.Addr().String(), Duration: d, Concurrency: conc, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestLoadScale seeds PANJEREH_BENCH_LOAD persons and runs the load
// generator against a real server on 127.0.0.1:
//
//	PANJEREH_BENCH_LOAD=1000000 go test -run TestLoadScale -v -timeout 30m ./internal/registry
func TestLoadScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PANJEREH_BENCH_LOAD"))
	if n == 0 {
		t.Skip("set PANJEREH_BENCH_LOAD to the number of persons")
	}
	db := sqldbtest.Open(t)
	start := time.Now()
	if _, err := registry.Seed(context.Background(), db, registry.SeedOptions{Persons: n, Seed: 1403, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d persons on %s in %s", n, sqldbtest.Backend(), time.Since(start))
	runLoad(t, db, 3*time.Second, 4) // warm the page cache
	for _, conc := range []int{2, 4, 8, 16} {
		t.Logf("concurrency %2d: %s", conc, runLoad(t, db, 10*time.Second, conc))
	}
}

func BenchmarkStoreLookups(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("PANJEREH_BENCH_PERSONS"))
	db, _ := seeded(b, max(n, 5000), 1)
	ctx := context.Background()
	st, err := registry.NewStore(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	keys, err := registry.SampleKeys(ctx, db, 1000)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("person", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := st.Person(ctx, keys.Persons[i%len(keys.Persons)].NationalCode); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("family", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := st.Family(ctx, keys.Persons[i%len(keys.Persons)].NationalCode); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("address", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := st.Address(ctx, keys.PostalCodes[i%len(keys.PostalCodes)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("legal-person", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := st.LegalPerson(ctx, keys.LegalIDs[i%len(keys.LegalIDs)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("vehicle", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := st.Vehicle(ctx, keys.Plates[i%len(keys.Plates)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
