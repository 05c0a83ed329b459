// Package jsonbody is the one place where the client APIs' JSON response
// bodies are encoded and written: web/mastodon, web/oauth, web/httperr
// and web answer through it rather than gin's c.JSON. It encodes with
// github.com/goccy/go-json, whose output is the same, byte for byte, as
// encoding/json's for Rounds' entities (docs/decisions/
// 20261128-json-encoder.md), in about half the CPU. A value that is an
// Appender (the Status entity, on every timeline page) appends its own
// bytes, the same as the library's, in less CPU still (docs/decisions/
// 20261202-status-json-appender.md); AppendString writes its strings.
//
// jsonbody is a leaf of web: it imports gin and the encoder only.
package jsonbody
