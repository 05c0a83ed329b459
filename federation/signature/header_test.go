package signature

import (
	"reflect"
	"strings"
	"testing"
)

// Header shapes from the wild: Mastodon's documented POST signature,
// GoToSocial's (key at ACTOR/main-key, hs2019), and spaced variants.
const (
	mastodonHeader = `keyId="https://my.example.com/actor#main-key",headers="(request-target) host date digest",signature="Y2FiYWIxNGRiZDk4ZA=="`
	gtsHeader      = `keyId="https://example.org/users/example_user/main-key",algorithm="hs2019",headers="(request-target) host date",signature="SGVsbG8gV29ybGQ="`
)

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   *Params // nil when Parse must fail
	}{
		{"mastodon", mastodonHeader, &Params{
			KeyID: "https://my.example.com/actor#main-key", Headers: []string{"(request-target)", "host", "date", "digest"},
			Signature: "Y2FiYWIxNGRiZDk4ZA==",
		}},
		{"gotosocial", gtsHeader, &Params{
			KeyID: "https://example.org/users/example_user/main-key", Algorithm: "hs2019",
			Headers: []string{"(request-target)", "host", "date"}, Signature: "SGVsbG8gV29ybGQ=",
		}},
		{"spaces after commas, upper-case names in headers", `keyId="k", algorithm="RSA-SHA256" ,	headers="(request-target) Host  Date", signature="AAAA"`, &Params{
			KeyID: "k", Algorithm: "rsa-sha256", Headers: []string{"(request-target)", "host", "date"}, Signature: "AAAA",
		}},
		{"created and expires, unknown parameter", `keyId="k",created=1700000000,expires="1700000300",x-extra="y",headers="(created) (request-target)",signature="AAAA"`, &Params{
			KeyID: "k", Created: 1700000000, Expires: 1700000300, Headers: []string{"(created)", "(request-target)"}, Signature: "AAAA",
		}},
		{"headers default to date", `keyId="k",signature="AAAA"`, &Params{KeyID: "k", Headers: []string{"date"}, Signature: "AAAA"}},
		{"empty", ``, nil},
		{"no keyId", `headers="date",signature="AAAA"`, nil},
		{"no signature", `keyId="k",headers="date"`, nil},
		{"empty signature", `keyId="k",signature=""`, nil},
		{"signature not base64", `keyId="k",signature="!!!"`, nil},
		{"duplicate headers parameter", `keyId="k",headers="(request-target) host date digest",headers="date",signature="AAAA"`, nil},
		{"duplicate keyId", `keyId="a",keyId="b",signature="AAAA"`, nil},
		{"trailing comma", `keyId="k",signature="AAAA",`, nil},
		{"unterminated quote", `keyId="k,signature="AAAA"`, nil},
		{"comma inside a value", `keyId="https://a.example/x,y",signature="AAAA"`, nil},
		{"backslash inside a value", `keyId="k\"",signature="AAAA"`, nil},
		{"no equals", `keyId`, nil},
		{"missing comma", `keyId="k" signature="AAAA"`, nil},
		{"empty headers", `keyId="k",headers=" ",signature="AAAA"`, nil},
		{"created not a number", `keyId="k",created=soon,signature="AAAA"`, nil},
		{"control character", "keyId=\"k\x01\",signature=\"AAAA\"", nil},
		{"Authorization scheme prefix", `Signature keyId="k",signature="AAAA"`, nil},
		{"too long", `keyId="` + strings.Repeat("a", maxHeaderLen) + `",signature="AAAA"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.header)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("Parse accepted %q as %+v", tt.header, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Parse = %+v, want %+v", got, tt.want)
			}
			again, err := Parse(got.String())
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("round trip of %q = %+v, %v", got.String(), again, err)
			}
		})
	}
}
