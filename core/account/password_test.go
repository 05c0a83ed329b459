package account_test

import (
	"strings"
	"testing"

	"github.com/rounds-md/rounds/core/account"
)

func TestPasswordHash(t *testing.T) {
	const pw = "correct horse battery"
	h, err := account.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	// PHC string with the parameters docs/decisions/20261127-argon2id.md names.
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not carry argon2id v=19 m=19456 t=2 p=1", h)
	}
	if strings.Contains(h, pw) {
		t.Error("the hash holds the password")
	}
	h2, _ := account.HashPassword(pw)
	if h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, tc := range []struct {
		name, hash, password string
		want                 bool
	}{
		{"right password", h, pw, true},
		{"other salt, right password", h2, pw, true},
		{"wrong password", h, pw + "!", false},
		{"empty password", h, "", false},
		{"case matters", h, strings.ToUpper(pw), false},
		{"empty hash", "", pw, false},
		{"bcrypt hash", "$2a$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ12", pw, false},
		{"argon2i", strings.Replace(h, "argon2id", "argon2i", 1), pw, false},
		{"other version", strings.Replace(h, "v=19", "v=16", 1), pw, false},
		{"bad parameters", strings.Replace(h, "m=19456,t=2,p=1", "m=x", 1), pw, false},
		{"bad base64", h[:strings.LastIndex(h, "$")] + "$!!!", pw, false},
		{"missing key", h[:strings.LastIndex(h, "$")] + "$", pw, false},
		{"truncated", h[:strings.LastIndex(h, "$")], pw, false},
	} {
		if got := account.CheckPassword(tc.hash, tc.password); got != tc.want {
			t.Errorf("%s: CheckPassword = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	for _, tc := range []struct {
		p  string
		ok bool
	}{
		{"", false},
		{"1234567", false},
		{"12345678", true},
		{"ééééééé", false}, // 7 characters, 14 bytes
		{"éééééééé", true},
		{strings.Repeat("x", 1024), true},
		{strings.Repeat("x", 1025), false},
	} {
		if err := account.ValidatePassword(tc.p); (err == nil) != tc.ok {
			t.Errorf("ValidatePassword(%d bytes, %d runes) = %v, want ok=%v", len(tc.p), len([]rune(tc.p)), err, tc.ok)
		}
	}
	if account.MinPasswordLength != 8 {
		t.Errorf("MinPasswordLength = %d, want 8", account.MinPasswordLength)
	}
}
