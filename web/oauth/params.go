package oauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// maxBody bounds the bodies this package reads.
const maxBody = 1 << 20

// maxMultipartMemory bounds multipart forms held in memory; larger parts
// spill to disk, and the body cap above still applies.
const maxMultipartMemory = 1 << 20

// errBadBody is a body that cannot be read as the type it claims.
var errBadBody = errors.New("the request body could not be parsed")

// params returns a request's parameters: the query string, overlaid by the
// body read as JSON, a URL-encoded form or a multipart form, as Rails
// merges them for Mastodon. Rails-style "key[]" names are folded into
// "key"; JSON arrays become repeated values; JSON null is absent.
func params(c *gin.Context) (url.Values, error) {
	out := url.Values{}
	for k, v := range c.Request.URL.Query() {
		out[foldKey(k)] = append(out[foldKey(k)], v...)
	}
	r := c.Request
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Body == nil || r.ContentLength == 0 {
		return out, nil
	}
	r.Body = http.MaxBytesReader(c.Writer, r.Body, maxBody)
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		mt = ""
	}
	var body url.Values
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		body, err = jsonParams(r)
	case mt == "multipart/form-data":
		if err = r.ParseMultipartForm(maxMultipartMemory); err == nil {
			body = r.MultipartForm.Value
		}
	case mt == "application/x-www-form-urlencoded" || mt == "":
		if err = r.ParseForm(); err == nil {
			body = r.PostForm
		}
	default:
		return nil, fmt.Errorf("%w: unsupported content type %q", errBadBody, mt)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadBody, err)
	}
	for k := range body {
		delete(out, foldKey(k)) // the body wins over the query string
	}
	for k, v := range body {
		out[foldKey(k)] = append(out[foldKey(k)], v...)
	}
	return out, nil
}

// foldKey turns "key[]" into "key".
func foldKey(k string) string { return strings.TrimSuffix(k, "[]") }

// jsonParams reads a JSON object's top-level members as parameters.
func jsonParams(r *http.Request) (url.Values, error) {
	var obj map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	out := url.Values{}
	for k, v := range obj {
		switch x := v.(type) {
		case []any:
			for _, el := range x {
				if s, ok := scalar(el); ok {
					out.Add(foldKey(k), s)
				}
			}
		default:
			if s, ok := scalar(x); ok {
				out.Add(foldKey(k), s)
			}
		}
	}
	return out, nil
}

// scalar renders a JSON string, number or boolean as a parameter value.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// truthy reads a Rails-style boolean: "1", "true", "on", "yes" (any case)
// are true; everything else, including Python's "False" and "None", false.
func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "t", "true", "on", "yes", "y":
		return true
	}
	return false
}
