package jsonbody

import (
	"unicode/utf8"

	json "github.com/goccy/go-json"
)

// Appender is a value that writes its own JSON: Write and Marshal call
// AppendJSON instead of the library. What it appends must be the very
// bytes the library would write for the value (tests in the appender's
// package compare them), so an answer does not depend on the path taken.
type Appender interface {
	// AppendJSON appends the value's JSON to b and returns the extended
	// slice.
	AppendJSON(b []byte) ([]byte, error)
}

// AppendValue appends v encoded as Marshal encodes it: for the rarely
// filled parts of an Appender's value, which it leaves to the library.
func AppendValue(b []byte, v any) ([]byte, error) {
	if a, ok := v.(Appender); ok {
		return a.AppendJSON(b)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(b, out...), nil
}

// hex is the digits of \u00XX escapes, lowercase as the library writes.
const hex = "0123456789abcdef"

// safe reports the ASCII bytes a JSON string holds as they are: not a
// control character, quote, backslash or HTML-sensitive <, > or &.
var safe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// AppendString appends s as a quoted JSON string, exactly as Marshal
// writes it: \" \\ \b \f \n \r \t, other control characters and <, >, &
// as \u00XX (lowercase hex), U+2028 and U+2029 as \u2028 and \u2029, each
// byte of invalid UTF-8 as \ufffd; everything else, DEL and "/" included,
// as it is. Runs of bytes that need no escape are copied in one append.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
