package storage

import (
	"fmt"
	"time"
)

// timeValue scans a timestamp as bun does: PostgreSQL's driver gives a
// time.Time, SQLite's gives the text bun wrote (its column type,
// TIMESTAMPTZ, is not one modernc parses).
type timeValue struct {
	t     time.Time
	valid bool
}

// Scan implements sql.Scanner.
func (v *timeValue) Scan(src any) error {
	var err error
	switch src := src.(type) {
	case nil:
		*v = timeValue{}
		return nil
	case time.Time:
		v.t = src
	case string:
		v.t, err = parseTimestamp(src)
	case []byte:
		v.t, err = parseTimestamp(string(src))
	default:
		return fmt.Errorf("storage: scan %T into a time", src)
	}
	v.valid = err == nil
	return err
}

func (v timeValue) ptr() *time.Time {
	if !v.valid {
		return nil
	}
	t := v.t
	return &t
}

// parseTimestamp parses a timestamp as bun's ParseTime does.
func parseTimestamp(s string) (time.Time, error) {
	if t, ok := parseBunTimestamp(s, time.Local); ok {
		return t, nil
	}
	l := len(s)
	if l < len("2006-01-02 15:04:05") {
		return time.Time{}, fmt.Errorf("storage: cannot parse time %q", s)
	}
	switch s[10] {
	case ' ':
		switch {
		case s[l-6] == '+' || s[l-6] == '-':
			return time.Parse("2006-01-02 15:04:05.999999999-07:00", s)
		case s[l-3] == '+' || s[l-3] == '-':
			return time.Parse("2006-01-02 15:04:05.999999999-07", s)
		case s[l-9] == '+' || s[l-9] == '-':
			return time.Parse("2006-01-02 15:04:05.999999999-07:00:00", s)
		}
		return time.ParseInLocation("2006-01-02 15:04:05.999999999", s, time.UTC)
	case 'T':
		return time.Parse(time.RFC3339Nano, s)
	}
	return time.Time{}, fmt.Errorf("storage: cannot parse time %q", s)
}

// parseBunTimestamp parses the form bun writes to SQLite,
// "2006-01-02 15:04:05.999999999-07:00", by hand, giving what
// time.ParseInLocation gives with local; ok is false for any other form
// (parseTimestamp then uses time.Parse). time.Parse was a tenth of the
// feed statement's CPU on SQLite, two timestamps a row.
func parseBunTimestamp(s string, local *time.Location) (time.Time, bool) {
	const minLen = len("2006-01-02 15:04:05-07:00")
	if len(s) < minLen || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	zone, frac := s[len(s)-6:], s[19:len(s)-6]
	if (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	zh, ok7 := digits(zone[1:3])
	zm, ok8 := digits(zone[4:6])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || !ok7 || !ok8 ||
		month < 1 || month > 12 || day < 1 || day > 28 && day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || sec > 59 || zh > 14 || zm > 59 {
		return time.Time{}, false
	}
	nsec := 0
	if frac != "" {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		n, ok := digits(frac[1:])
		if !ok {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			n *= 10
		}
		nsec = n
	}
	offset := zh*3600 + zm*60
	if zone[0] == '-' {
		offset = -offset
	}
	// As time.Parse does: the local zone when it had this offset then,
	// a fixed zone otherwise.
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC).Add(-time.Duration(offset) * time.Second)
	if _, off := t.In(local).Zone(); off == offset {
		return t.In(local), true
	}
	return t.In(time.FixedZone("", offset)), true
}

// digits parses s, ASCII digits only.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysIn is the number of days in month m of year.
func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
