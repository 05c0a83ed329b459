package signature

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// maxHeaderLen caps the Signature header Parse accepts. Real ones are a few
// hundred bytes; an RSA-4096 signature in base64 is under 700.
const maxHeaderLen = 8 << 10

// Params are the parameters of a draft-cavage Signature header.
type Params struct {
	// KeyID names the key that made the signature, usually
	// ACTOR#main-key (Mastodon) or ACTOR/main-key (GoToSocial).
	KeyID string
	// Algorithm is the deprecated algorithm parameter: "hs2019",
	// "rsa-sha256" or empty (which means hs2019).
	Algorithm string
	// Headers are the signed header names, lower-cased, in signing order;
	// "date" alone when the parameter is missing, as the draft says.
	Headers []string
	// Signature is the base64 signature.
	Signature string
	// Created and Expires are the (created) and (expires) parameters, 0
	// when absent.
	Created, Expires int64
}

// Parse reads a Signature header value strictly: comma-separated
// name="value" pairs (created and expires may be bare integers), optional
// whitespace around the commas, no duplicate parameter, no comma, quote or
// backslash inside a value, keyId and a base64 signature present. Unknown
// parameters are ignored. It refuses what it cannot read unambiguously, so
// that the parameters it returns are exactly those String re-encodes for
// go-fed/httpsig to verify.
func Parse(header string) (*Params, error) {
	if len(header) > maxHeaderLen {
		return nil, fmt.Errorf("header longer than %d bytes", maxHeaderLen)
	}
	p := &Params{}
	seen := map[string]bool{}
	s := header
	for {
		s = trimOWS(s)
		if s == "" {
			break
		}
		name, rest, ok := cutToken(s)
		if !ok {
			return nil, fmt.Errorf("expected a parameter name at %q", clip(s))
		}
		if !strings.HasPrefix(rest, "=") {
			return nil, fmt.Errorf("parameter %q has no value", name)
		}
		value, rest, err := cutValue(rest[1:])
		if err != nil {
			return nil, fmt.Errorf("parameter %q: %w", name, err)
		}
		if seen[name] {
			return nil, fmt.Errorf("parameter %q repeated", name)
		}
		seen[name] = true
		if err := p.set(name, value); err != nil {
			return nil, err
		}
		rest = trimOWS(rest)
		if rest == "" {
			break
		}
		if rest[0] != ',' {
			return nil, fmt.Errorf("expected a comma at %q", clip(rest))
		}
		s = rest[1:]
		if trimOWS(s) == "" {
			return nil, fmt.Errorf("trailing comma")
		}
	}
	switch {
	case p.KeyID == "":
		return nil, fmt.Errorf("missing keyId")
	case p.Signature == "":
		return nil, fmt.Errorf("missing signature")
	}
	if p.Headers == nil {
		p.Headers = []string{"date"}
	}
	return p, nil
}

// set stores one parameter's value.
func (p *Params) set(name, value string) error {
	switch name {
	case "keyId":
		p.KeyID = value
	case "algorithm":
		p.Algorithm = strings.ToLower(value)
	case "headers":
		fields := strings.Fields(strings.ToLower(value))
		if len(fields) == 0 {
			return fmt.Errorf("empty headers parameter")
		}
		p.Headers = fields
	case "signature":
		if _, err := base64.StdEncoding.DecodeString(value); err != nil || value == "" {
			return fmt.Errorf("signature is not base64")
		}
		p.Signature = value
	case "created", "expires":
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("parameter %q is not a positive integer", name)
		}
		if name == "created" {
			p.Created = n
		} else {
			p.Expires = n
		}
	}
	return nil
}

// Signs reports whether the signature covers the named header (lower-case,
// or a pseudo-header such as "(request-target)").
func (p *Params) Signs(name string) bool {
	for _, h := range p.Headers {
		if h == name {
			return true
		}
	}
	return false
}

// String encodes the parameters in the canonical form go-fed/httpsig
// writes and reads: no whitespace, every value quoted but created and
// expires.
func (p *Params) String() string {
	var b strings.Builder
	b.WriteString(`keyId="` + p.KeyID + `"`)
	if p.Algorithm != "" {
		b.WriteString(`,algorithm="` + p.Algorithm + `"`)
	}
	if p.Created != 0 {
		b.WriteString(",created=" + strconv.FormatInt(p.Created, 10))
	}
	if p.Expires != 0 {
		b.WriteString(",expires=" + strconv.FormatInt(p.Expires, 10))
	}
	b.WriteString(`,headers="` + strings.Join(p.Headers, " ") + `"`)
	b.WriteString(`,signature="` + p.Signature + `"`)
	return b.String()
}

// cutToken splits a parameter name (letters, digits, '-', '_') off s.
func cutToken(s string) (tok, rest string, ok bool) {
	i := 0
	for i < len(s) && isTokenByte(s[i]) {
		i++
	}
	return s[:i], s[i:], i > 0
}

func isTokenByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// cutValue reads a quoted value or a bare token off s.
func cutValue(s string) (value, rest string, err error) {
	if strings.HasPrefix(s, `"`) {
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return "", "", fmt.Errorf("unterminated quoted value")
		}
		value = s[1 : 1+end]
		if strings.ContainsAny(value, ",\\") {
			return "", "", fmt.Errorf("comma or backslash in a value")
		}
		for i := 0; i < len(value); i++ {
			if value[i] < 0x20 || value[i] == 0x7f {
				return "", "", fmt.Errorf("control character in a value")
			}
		}
		return value, s[2+end:], nil
	}
	value, rest, ok := cutToken(s)
	if !ok {
		return "", "", fmt.Errorf("empty value")
	}
	return value, rest, nil
}

// trimOWS trims the spaces and tabs HTTP calls optional whitespace.
func trimOWS(s string) string { return strings.TrimLeft(s, " \t") }

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}
