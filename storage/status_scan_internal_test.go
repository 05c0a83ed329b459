package storage

import (
	"reflect"
	"strings"
	"testing"
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
