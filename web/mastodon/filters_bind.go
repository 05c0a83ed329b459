package mastodon

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rounds-md/rounds/core"
	"github.com/rounds-md/rounds/core/filter"
)

// The filter endpoints need two things the shared binder cannot give: a
// JSON null (Phanpy sends "expires_in": null for "never expires") and the
// grouping of keywords_attributes[][...] entries, which flattened
// parameters lose. So they look at the raw body too, and hand it back for
// bind.

// rawBody is a request body kept for a second reading.
type rawBody struct {
	json bool
	form bool
	data []byte
}

// peekBody reads a JSON or form body and puts it back for bind.
func peekBody(c *gin.Context) rawBody {
	ct, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	rb := rawBody{json: ct == "application/json", form: ct == "application/x-www-form-urlencoded"}
	if c.Request.Body == nil || (!rb.json && !rb.form) {
		return rawBody{}
	}
	data, err := io.ReadAll(io.LimitReader(c.Request.Body, maxBodyBytes+1))
	c.Request.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return rawBody{}
	}
	rb.data = data
	return rb
}

// jsonNull reports whether a JSON body sets key to null.
func (rb rawBody) jsonNull(key string) bool {
	if !rb.json {
		return false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(rb.data, &obj) != nil {
		return false
	}
	v, ok := obj[key]
	return ok && string(bytes.TrimSpace(v)) == "null"
}

// expiry reads expires_in (seconds): absent leaves the expiry alone; "",
// null or 0 mean never; a positive number sets it from now.
func expiry(p params, rb rawBody) (filter.Expiry, error) {
	_, present := p["expires_in"]
	if !present && !rb.jsonNull("expires_in") {
		return filter.Expiry{}, nil
	}
	v, ok := p.opt("expires_in")
	if !ok {
		return filter.Expiry{Set: true}, nil
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n < 0 || n > 100*365*24*3600 {
		return filter.Expiry{}, core.Invalid("expires_in", "must be a number of seconds")
	}
	return filter.Expiry{Set: true, In: time.Duration(n * float64(time.Second))}, nil
}

// present reports whether a scalar or array parameter was sent at all.
func present(p params, key string) bool {
	for k := range p {
		if k == key || k == key+"[]" || strings.HasPrefix(k, key+"[") {
			return true
		}
	}
	return false
}

// optText returns a free-text parameter when it was sent.
func optText(p params, key string) *string {
	if _, ok := p[key]; !ok {
		return nil
	}
	v := p.text(key)
	return &v
}

// optList returns an array parameter when it was sent.
func optList(p params, key string) *[]string {
	if !present(p, key) {
		return nil
	}
	l := p.list(key)
	return &l
}

// attrKey matches the Rails-style keys of an array of objects named name:
// name[][field] and name[N][field].
func attrKey(name string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(name) + `\[(\d*)\]\[(\w+)\]$`)
}

// keywordChanges reads keywords_attributes: from a JSON body, an array
// (or an object keyed by index) of {id, keyword, whole_word, _destroy};
// from a form, keywords_attributes[][field] (a repeated field starts the
// next entry, as in Rails) or keywords_attributes[N][field]; from other
// bodies, the flattened parameters zipped by position.
func keywordChanges(p params, rb rawBody) ([]filter.KeywordChange, error) {
	var out []filter.KeywordChange
	for _, e := range attrEntries(p, rb, "keywords_attributes") {
		ch, skip, err := keywordChange(e)
		if err != nil {
			return nil, err
		}
		if !skip {
			out = append(out, ch)
		}
	}
	return out, nil
}

// keywordChange reads one entry; skip is set when every field is blank.
func keywordChange(e map[string]string) (ch filter.KeywordChange, skip bool, err error) {
	blank := true
	for _, v := range e {
		if strings.TrimSpace(v) != "" {
			blank = false
		}
	}
	if blank {
		return ch, true, nil
	}
	p := params{}
	for k, v := range e {
		p[k] = []string{v}
	}
	if ch.ID, err = p.id("id"); err != nil {
		return ch, false, err
	}
	ch.Keyword = optText(p, "keyword")
	if ch.WholeWord, err = p.boolPtr("whole_word"); err != nil {
		return ch, false, err
	}
	ch.Destroy, err = p.flag("_destroy")
	return ch, false, err
}

// attrEntries reads the array of objects named name (keywords_attributes,
// media_attributes) from the raw body when it is JSON or a form, from the
// flattened parameters otherwise (see keywordChanges).
func attrEntries(p params, rb rawBody, name string) []map[string]string {
	switch {
	case rb.json && rb.data != nil:
		return jsonEntries(rb.data, name)
	case rb.form && rb.data != nil:
		return formEntries(string(rb.data), name)
	default:
		return paramEntries(p, name)
	}
}

// jsonEntries reads the array of objects named name from a JSON body.
func jsonEntries(data []byte, name string) []map[string]string {
	var body map[string]json.RawMessage
	if json.Unmarshal(data, &body) != nil || len(body[name]) == 0 {
		return nil
	}
	attrs := body[name]
	decode := func(v any) error {
		dec := json.NewDecoder(bytes.NewReader(attrs))
		dec.UseNumber() // IDs do not fit a float64
		return dec.Decode(v)
	}
	var list []map[string]any
	if decode(&list) != nil {
		var byIndex map[string]map[string]any
		if decode(&byIndex) != nil {
			return nil
		}
		keys := make([]string, 0, len(byIndex))
		for k := range byIndex {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(a, b int) bool { return indexLess(keys[a], keys[b]) })
		for _, k := range keys {
			list = append(list, byIndex[k])
		}
	}
	out := make([]map[string]string, 0, len(list))
	for _, obj := range list {
		e := map[string]string{}
		for k, v := range obj {
			switch x := v.(type) {
			case nil:
			case string:
				e[k] = x
			case bool:
				e[k] = strconv.FormatBool(x)
			case json.Number:
				e[k] = x.String()
			}
		}
		out = append(out, e)
	}
	return out
}

// formEntries reads the array of objects named name from a form body, in
// order.
func formEntries(body, name string) []map[string]string {
	re := attrKey(name)
	var seq []map[string]string
	indexed := map[string]map[string]string{}
	for _, pair := range strings.Split(body, "&") {
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue
		}
		m := re.FindStringSubmatch(key)
		if m == nil {
			continue
		}
		if m[1] != "" {
			if indexed[m[1]] == nil {
				indexed[m[1]] = map[string]string{}
			}
			indexed[m[1]][m[2]] = val
			continue
		}
		if len(seq) == 0 {
			seq = append(seq, map[string]string{})
		}
		if _, dup := seq[len(seq)-1][m[2]]; dup {
			seq = append(seq, map[string]string{})
		}
		seq[len(seq)-1][m[2]] = val
	}
	return append(seq, sortedEntries(indexed)...)
}

// paramEntries reads the array of objects named name from flattened
// parameters: indexed entries by index, array entries zipped by position.
func paramEntries(p params, name string) []map[string]string {
	re := attrKey(name)
	var seq []map[string]string
	indexed := map[string]map[string]string{}
	for k, vs := range p {
		m := re.FindStringSubmatch(k)
		if m == nil {
			continue
		}
		if m[1] != "" {
			if indexed[m[1]] == nil {
				indexed[m[1]] = map[string]string{}
			}
			indexed[m[1]][m[2]] = vs[0]
			continue
		}
		for i, v := range vs {
			for len(seq) <= i {
				seq = append(seq, map[string]string{})
			}
			seq[i][m[2]] = v
		}
	}
	return append(seq, sortedEntries(indexed)...)
}

func sortedEntries(indexed map[string]map[string]string) []map[string]string {
	keys := make([]string, 0, len(indexed))
	for k := range indexed {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return indexLess(keys[a], keys[b]) })
	out := make([]map[string]string, len(keys))
	for i, k := range keys {
		out[i] = indexed[k]
	}
	return out
}

// indexLess orders index keys numerically, then textually.
func indexLess(a, b string) bool {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return x < y
	}
	return a < b
}
