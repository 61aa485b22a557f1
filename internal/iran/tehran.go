package iran

import (
	"sync"
	"time"

	// The time zone database is embedded so that Tehran works on machines
	// and containers without one.
	_ "time/tzdata"
)

// tehranOnce loads the location once; the *time.Location it holds is
// immutable.
var tehranOnce = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		// Iran has kept standard time all year since 2022.
		return time.FixedZone("IRST", 3*3600+1800)
	}
	return loc
})

// Tehran returns the Asia/Tehran location. Should the time zone database
// fail to load, it returns Iran Standard Time, UTC+03:30, which Iran has
// kept all year since it gave up daylight saving time in 2022.
func Tehran() *time.Location { return tehranOnce() }
