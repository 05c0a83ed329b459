package jsonbody

import (
	"bytes"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	json "github.com/goccy/go-json"
)

// contentType is the header every JSON body is sent with, as gin's c.JSON
// sends it; shared between requests and only read.
var contentType = []string{"application/json; charset=utf-8"}

// failed is the body sent when a value cannot be encoded, which only a
// programming error causes (a NaN, a channel).
var failed = []byte(`{"error":"Internal server error"}`)

// maxPooled bounds the buffers kept for reuse, so that one huge answer
// does not pin its memory.
const maxPooled = 1 << 20

// buffers holds encoding buffers between requests. A buffer is free again
// once its bytes are written: http.ResponseWriter.Write copies them.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Marshal encodes v as encoding/json.Marshal does: HTML-sensitive
// characters (<, >, &) and U+2028/U+2029 escaped, invalid UTF-8 replaced
// by U+FFFD, MarshalJSON methods honoured, map keys sorted. The bytes are
// the caller's to keep (the verify_credentials cache keeps them): no
// later call writes over them. An Appender appends its own bytes.
func Marshal(v any) ([]byte, error) {
	if a, ok := v.(Appender); ok {
		return a.AppendJSON(nil)
	}
	return json.Marshal(v)
}

// appended holds the slices Appenders write into, between requests: the
// bytes are written from the slice itself, with no copy into a Buffer.
var appended = sync.Pool{New: func() any { return new([]byte) }}

// Write answers status with v encoded as the body and the JSON content
// type (unless the handler set one). If v cannot be encoded it answers
// 500 with {"error": ...} instead, and records the error on c. An
// Appender appends its own bytes, into a pooled slice.
func Write(c *gin.Context, status int, v any) {
	if a, ok := v.(Appender); ok {
		writeAppended(c, status, a)
		return
	}
	buf := buffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooled {
			buf.Reset()
			buffers.Put(buf)
		}
	}()
	// The Encoder writes into buf directly, where Marshal would copy its
	// result out of its own buffer; it ends the value with a newline,
	// which c.JSON's bodies never had.
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		failed500(c, err)
		return
	}
	WriteBytes(c, status, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// writeAppended is Write for an Appender.
func writeAppended(c *gin.Context, status int, a Appender) {
	p := appended.Get().(*[]byte)
	b, err := a.AppendJSON((*p)[:0])
	if err != nil {
		failed500(c, err)
	} else {
		WriteBytes(c, status, b)
	}
	if cap(b) <= maxPooled {
		*p = b[:0]
		appended.Put(p)
	}
}

// failed500 records err on c, stops the handler chain and answers 500.
func failed500(c *gin.Context, err error) {
	_ = c.Error(err)
	c.Abort()
	WriteBytes(c, http.StatusInternalServerError, failed)
}

// Abort stops the handler chain, then answers as Write does.
func Abort(c *gin.Context, status int, v any) {
	c.Abort()
	Write(c, status, v)
}

// WriteBytes answers status with body, an encoded JSON value, and the
// JSON content type (unless the handler set one). body is only read, so
// it may be shared between requests.
func WriteBytes(c *gin.Context, status int, body []byte) {
	c.Status(status)
	h := c.Writer.Header()
	if len(h["Content-Type"]) == 0 {
		h["Content-Type"] = contentType
	}
	if !bodyAllowed(status) {
		c.Writer.WriteHeaderNow()
		return
	}
	_, _ = c.Writer.Write(body)
}

// bodyAllowed reports whether a response with status may have a body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}
