package jsonbody_test

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"github.com/rounds-md/rounds/web/jsonbody"
)

// stringCases are the characters encoders disagree on, alone and in
// runs of safe text.
var stringCases = []string{
	"", "plain ascii", "/", "\x7f", "<p>a & b</p>", `"quoted" \back\slash`,
	"\x00\x01\x07\b\t\n\v\f\r\x0e\x1b\x1f", "line\u2028sep\u2029para", "\u2027\u202a",
	"\xff", "\xfe\xff ok", "\xc3", "é", "\xc3(", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf0\x9f\x98",
	"😀 emoji 👩‍⚕️", "日本語のテキスト", "\uFFFD", "\uFEFF bom", "trailing \xe2\x80",
}

// TestAppendStringTable checks AppendString against the library's
// encoding of each case, alone and between safe text.
func TestAppendStringTable(t *testing.T) {
	for _, s := range stringCases {
		for _, v := range []string{s, "abc" + s + "xyz", s + s} {
			checkString(t, v)
		}
	}
}

// TestAppendStringRandom checks AppendString against the library for
// thousands of random strings drawn mostly from the bytes and runes that
// need escaping.
func TestAppendStringRandom(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 2026))
	pieces := []string{"a", "Z", " ", "/", "<", ">", "&", `"`, `\`, "\x7f", "é", "😀", "\u2028", "\u2029", "\xe2\x80", "\xed\xa0\x80"}
	for range 5000 {
		var b []byte
		for range rnd.IntN(40) {
			switch rnd.IntN(3) {
			case 0:
				b = append(b, byte(rnd.IntN(256)))
			case 1:
				b = utf8.AppendRune(b, rune(rnd.IntN(0x3000)))
			default:
				b = append(b, pieces[rnd.IntN(len(pieces))]...)
			}
		}
		checkString(t, string(b))
	}
}

// FuzzAppendString checks AppendString against the library for any
// string; its seeds run as a test.
func FuzzAppendString(f *testing.F) {
	for _, s := range stringCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkString(t, s) })
}

func checkString(t *testing.T, s string) {
	t.Helper()
	want, err := jsonbody.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	prefix := []byte("x:")
	got := jsonbody.AppendString(prefix, s)
	if string(got[:2]) != "x:" || string(got[2:]) != string(want) {
		t.Fatalf("AppendString(%q) = %q, want %q", s, got[2:], want)
	}
}
