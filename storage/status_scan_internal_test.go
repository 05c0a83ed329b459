package storage

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestStatusColumns: the hand-scanned column list names every column of
// Status, in the struct's order.
func TestStatusColumns(t *testing.T) {
	var want []string
	typ := reflect.TypeFor[Status]()
	for i := range typ.NumField() {
		tag := typ.Field(i).Tag.Get("bun")
		if name, _, _ := strings.Cut(tag, ","); name != "" && !strings.HasPrefix(tag, "table:") {
			want = append(want, "status."+name)
		}
	}
	if n := strings.Count(statusColumns, ",") + 1; n != statusColumnCount {
		t.Errorf("statusColumns has %d columns, statusColumnCount says %d", n, statusColumnCount)
	}
	if got := strings.Join(strings.Fields(statusColumns), " "); got != strings.Join(want, ", ") {
		t.Errorf("statusColumns = %s\nStatus has   %s", got, strings.Join(want, ", "))
	}
}

// TestAccountColumns: accountColumns names every column of Account but
// the private key, in the struct's order.
func TestAccountColumns(t *testing.T) {
	var want []string
	typ := reflect.TypeFor[Account]()
	for i := range typ.NumField() {
		tag := typ.Field(i).Tag.Get("bun")
		if name, _, _ := strings.Cut(tag, ","); name != "" && !strings.HasPrefix(tag, "table:") && name != "private_key_pem" {
			want = append(want, name)
		}
	}
	if got := strings.Join(strings.Fields(accountColumns), " "); got != strings.Join(want, ", ") {
		t.Errorf("accountColumns = %s\nAccount has    %s", got, strings.Join(want, ", "))
	}
}

// TestParseBunTimestamp: the hand parser gives what time.ParseInLocation
// gives (instant, location and zone), in zones with and without summer
// time, and declines what it does not know so that time.Parse decides.
func TestParseBunTimestamp(t *testing.T) {
	const layout = "2006-01-02 15:04:05.999999999-07:00"
	var locs []*time.Location
	for _, name := range []string{"UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		locs = append(locs, loc)
	}
	locs = append(locs, time.Local, time.FixedZone("", 3600))
	valid := []string{
		"2026-11-28 01:02:03+00:00", "2026-11-28 01:02:03.5+00:00", "2026-11-28 01:02:03.123456+00:00",
		"2026-11-28 01:02:03.123456789+00:00", "2026-11-28 01:02:03.000100-00:00", "2026-07-01 12:00:00.25+02:00",
		"2026-01-01 12:00:00+01:00", "2026-03-29 02:30:00+01:00", "2026-10-25 02:30:00+02:00", "2026-06-15 23:59:59.999999-04:00",
		"2026-06-15 08:00:00+05:30", "2024-02-29 00:00:00+14:00", "0001-01-01 00:00:00+00:00", "1999-12-31 23:59:59-12:00",
	}
	declined := []string{
		"2026-11-28T01:02:03Z", "2026-11-28 01:02:03", "2026-11-28 01:02:03+00", "2026-11-28 01:02:03+00:00:00",
		"2026-02-29 00:00:00+00:00", "2026-13-01 00:00:00+00:00", "2026-11-28 24:00:00+00:00", "2026-11-28 01:02:03.+00:00",
		"2026-11-28 01:02:03.1234567890+00:00", "2026-11-28 01:02:03x123+00:00", "2026-11-2a 01:02:03+00:00", "2026-11-28 01:02:03+15:00",
	}
	for _, loc := range locs {
		for _, s := range valid {
			got, ok := parseBunTimestamp(s, loc)
			want, err := time.ParseInLocation(layout, s, loc)
			if !ok || err != nil {
				t.Errorf("%s in %s: ok %v, time.Parse %v", s, loc, ok, err)
				continue
			}
			gn, go1 := got.Zone()
			wn, wo := want.Zone()
			if !got.Equal(want) || got.Location().String() != want.Location().String() || gn != wn || go1 != wo || !reflect.DeepEqual(got, want) {
				t.Errorf("%s in %s: %v (%s %d), time.Parse %v (%s %d)", s, loc, got, gn, go1, want, wn, wo)
			}
		}
		for _, s := range declined {
			if got, ok := parseBunTimestamp(s, loc); ok {
				t.Errorf("%s in %s: parsed as %v", s, loc, got)
			}
		}
	}
	// The columns read back as bun writes them.
	now := time.Now().Truncate(time.Microsecond)
	for _, loc := range locs {
		s := now.In(loc).Format("2006-01-02 15:04:05.999999-07:00")
		if got, err := parseTimestamp(s); err != nil || !got.Equal(now) {
			t.Errorf("%s: %v, %v", s, got, err)
		}
	}
}
