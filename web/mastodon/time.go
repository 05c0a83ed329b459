package mastodon

import "time"

// timeLayout is how every Mastodon datetime is written: UTC, exactly three
// fractional digits, "Z" (toot and Toot! parse nothing else).
const timeLayout = "2006-01-02T15:04:05.000Z"

// Time is a datetime in Mastodon's wire format.
type Time time.Time

// MarshalJSON writes the time as "2006-01-02T15:04:05.000Z" in UTC.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(timeLayout) + `"`), nil
}

// String formats the time as MarshalJSON does, without quotes.
func (t Time) String() string { return time.Time(t).UTC().Format(timeLayout) }

// timePtr converts an optional time; nil encodes as null.
func timePtr(t *time.Time) *Time {
	if t == nil {
		return nil
	}
	v := Time(*t)
	return &v
}

// Date is a calendar date ("2006-01-02"), as Account.last_status_at is.
type Date time.Time

// MarshalJSON writes the date as "2006-01-02" in UTC.
func (d Date) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(d).UTC().Format("2006-01-02") + `"`), nil
}
