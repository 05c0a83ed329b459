package mastodon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
)

// maxBodyBytes caps the bodies the binder reads (multipart file parts are
// media's business, on their own routes).
const maxBodyBytes = 1 << 20

// params are a request's parameters, merged from the query string and the
// body (JSON, form-urlencoded or multipart), under Rails-style keys:
// "a", "a[]" for arrays, "a[b]" for nesting. A body value replaces a query
// value of the same key.
type params map[string][]string

// errBadBody is a body that cannot be parsed.
var errBadBody = errors.New("the request body could not be parsed")

// bind reads every parameter of the request.
func bind(c *gin.Context) (params, error) {
	p := params{}
	for k, v := range c.Request.URL.Query() {
		p[k] = v
	}
	if c.Request.Body == nil || c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	body := params{}
	switch ct {
	case "application/json":
		raw, err := io.ReadAll(io.LimitReader(c.Request.Body, maxBodyBytes+1))
		if err != nil || len(raw) > maxBodyBytes {
			return nil, errBadBody
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			break
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, errBadBody
		}
		if v == nil { // a "null" body carries nothing
			break
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, errBadBody
		}
		for k, val := range obj {
			flatten(body, k, val)
		}
	case "application/x-www-form-urlencoded":
		// Read by hand: Request.ParseForm ignores the body of a DELETE,
		// where clients send delete_media.
		raw, err := io.ReadAll(io.LimitReader(c.Request.Body, maxBodyBytes+1))
		if err != nil || len(raw) > maxBodyBytes {
			return nil, errBadBody
		}
		form, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, errBadBody
		}
		for k, v := range form {
			body[k] = v
		}
	case "multipart/form-data":
		if err := c.Request.ParseMultipartForm(maxBodyBytes); err != nil {
			return nil, errBadBody
		}
		for k, v := range c.Request.MultipartForm.Value {
			body[k] = v
		}
	}
	for k, v := range body {
		p[k] = v
	}
	return p, nil
}

// flatten adds a JSON value under Rails-style keys: arrays as key[],
// objects as key[sub]; null is left out.
func flatten(p params, key string, v any) {
	switch x := v.(type) {
	case nil:
	case map[string]any:
		for k, val := range x {
			flatten(p, key+"["+k+"]", val)
		}
	case []any:
		if _, ok := p[key+"[]"]; !ok && len(x) == 0 {
			p[key+"[]"] = []string{} // present and empty: the caller may clear a list
		}
		for _, val := range x {
			flatten(p, key+"[]", val)
		}
	case string:
		p[key] = append(p[key], x)
	case bool:
		p[key] = append(p[key], strconv.FormatBool(x))
	case json.Number:
		p[key] = append(p[key], x.String())
	default:
		p[key] = append(p[key], fmt.Sprint(x))
	}
}

// text returns a free-text parameter as sent ("" when absent).
func (p params) text(key string) string {
	if v := p[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// opt returns a parameter whose absent forms include "", "None" and "null"
// (as Python clients send for unset values).
func (p params) opt(key string) (string, bool) {
	v := strings.TrimSpace(p.text(key))
	switch v {
	case "", "None", "null":
		return "", false
	}
	return v, true
}

var indexedKey = regexp.MustCompile(`^(.*)\[(\d+)\]$`)

// list returns an array parameter: key[] values, or key[0], key[1], ... in
// index order, or repeated plain key values. Absent forms are dropped.
func (p params) list(key string) []string {
	var raw []string
	switch {
	case len(p[key+"[]"]) > 0:
		raw = p[key+"[]"]
	case len(p[key]) > 0:
		raw = p[key]
	default:
		type iv struct {
			i int
			v []string
		}
		var idx []iv
		for k, v := range p {
			if m := indexedKey.FindStringSubmatch(k); m != nil && m[1] == key {
				n, _ := strconv.Atoi(m[2])
				idx = append(idx, iv{n, v})
			}
		}
		sort.Slice(idx, func(a, b int) bool { return idx[a].i < idx[b].i })
		for _, x := range idx {
			raw = append(raw, x.v...)
		}
	}
	out := []string{}
	for _, v := range raw {
		if v = strings.TrimSpace(v); v != "" && v != "None" && v != "null" {
			out = append(out, v)
		}
	}
	return out
}

// boolean reads a lenient boolean: true/false, 1/0, on/off, yes/no, t/f in
// any case. Absent ("", None, null) gives set false; anything else is an
// invalid-input error.
func (p params) boolean(key string) (val, set bool, err error) {
	v, ok := p.opt(key)
	if !ok {
		return false, false, nil
	}
	switch strings.ToLower(v) {
	case "true", "1", "on", "yes", "t":
		return true, true, nil
	case "false", "0", "off", "no", "f":
		return false, true, nil
	}
	return false, false, core.Invalid(key, "is not a boolean")
}

// flag reads a lenient boolean, false when absent.
func (p params) flag(key string) (bool, error) {
	v, _, err := p.boolean(key)
	return v, err
}

// boolPtr reads a lenient boolean, nil when absent.
func (p params) boolPtr(key string) (*bool, error) {
	v, set, err := p.boolean(key)
	if err != nil || !set {
		return nil, err
	}
	return &v, nil
}

// id reads an ID parameter: 0 when absent, an invalid-input error when it
// is not a positive decimal number.
func (p params) id(key string) (int64, error) {
	v, ok := p.opt(key)
	if !ok {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, core.Invalid(key, "is not a valid ID")
	}
	return n, nil
}

// parseID reads an ID from the path; ok is false when it cannot name
// anything (the caller answers 404).
func parseID(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}
