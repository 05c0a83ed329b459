package mastodon

import "time"

// timeLayout is how every Mastodon datetime is written: UTC, exactly three
// fractional digits, "Z" (toot and Toot! parse nothing else).
const timeLayout = "2006-01-02T15:04:05.000Z"

// Time is a datetime in Mastodon's wire format.
type Time time.Time

// MarshalJSON writes the time as "2006-01-02T15:04:05.000Z" in UTC.
func (t Time) MarshalJSON() ([]byte, error) {
	return appendTime(make([]byte, 0, 32), time.Time(t), true), nil
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
	return appendTime(make([]byte, 0, 32), time.Time(d), false), nil
}

// appendTime appends t in UTC as a JSON string, the datetime of
// timeLayout or only its date; with room for 32 bytes in b it does not
// allocate (time's appendNano needs room for nine digits). Every
// datetime of a response goes through it (five per status on a home
// page), and time.Format, which interprets its layout each time, took
// two fifths of encoding such a page; the digits are written here
// directly instead, for the years of four digits that the layout writes
// as they are.
func appendTime(b []byte, t time.Time, clock bool) []byte {
	t = t.UTC()
	layout := "2006-01-02"
	if clock {
		layout = timeLayout
	}
	b = append(b, '"')
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return append(t.AppendFormat(b, layout), '"')
	}
	b = appendDigits(b, y, 4)
	b = append(b, '-')
	b = appendDigits(b, int(mo), 2)
	b = append(b, '-')
	b = appendDigits(b, d, 2)
	if clock {
		h, mi, s := t.Clock()
		b = append(b, 'T')
		b = appendDigits(b, h, 2)
		b = append(b, ':')
		b = appendDigits(b, mi, 2)
		b = append(b, ':')
		b = appendDigits(b, s, 2)
		b = append(b, '.')
		b = appendDigits(b, t.Nanosecond()/int(time.Millisecond), 3)
		b = append(b, 'Z')
	}
	return append(b, '"')
}

// appendDigits appends n, which is less than 10^width, as width decimal
// digits.
func appendDigits(b []byte, n, width int) []byte {
	var d [4]byte
	for i := width - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[:width]...)
}
