package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// wireConn is one client's kept-alive HTTP/1.1 connection for the
// measured phases: it writes a request already serialised and reads the
// whole response, status line, headers and body (by Content-Length or
// chunks), without allocating per request and without the goroutines,
// channels and timers net/http's Transport spends on each round trip.
// Every byte of the request and the response still crosses the socket:
// the measure is the same, only the tool's own CPU (which the server's
// two cores pay for) is smaller. It is used by one goroutine at a time.
type wireConn struct {
	addr string // 127.0.0.1:PORT
	// deadline bounds every read and write: a server that stops answering
	// ends the phase instead of hanging it.
	deadline time.Time
	conn     net.Conn
	br       *bufio.Reader
	stop     func() bool // context.AfterFunc's, for the current conn
	ctx      context.Context
	// errBody keeps the start of an unexpected response's body.
	errBody bytes.Buffer
}

// newWireConn returns a connection to base (http://127.0.0.1:PORT) that
// is dialled on first use and closed when ctx ends.
func newWireConn(ctx context.Context, base string, deadline time.Time) (*wireConn, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	if u.Hostname() != "127.0.0.1" {
		return nil, errNotLoopback
	}
	return &wireConn{addr: u.Host, deadline: deadline, ctx: ctx}, nil
}

// dial opens the connection if it is not open.
func (w *wireConn) dial() error {
	if w.conn != nil {
		return nil
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	c, err := d.DialContext(w.ctx, "tcp4", w.addr)
	if err != nil {
		return err
	}
	if err := c.SetDeadline(w.deadline); err != nil {
		_ = c.Close()
		return err
	}
	w.conn = c
	if w.br == nil {
		w.br = bufio.NewReaderSize(c, 32<<10)
	} else {
		w.br.Reset(c)
	}
	// Cancelling the phase unblocks a read in progress.
	w.stop = context.AfterFunc(w.ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })
	return nil
}

// close drops the connection; the next round trip dials again.
func (w *wireConn) close() {
	if w.conn == nil {
		return
	}
	w.stop()
	_ = w.conn.Close()
	w.conn = nil
}

// roundTrip sends req (a complete HTTP/1.1 request) and reads the
// response to its end, returning its status; when the status is not want,
// also the start of its body. A connection the server closes, or that
// fails, is dropped and dialled again for the next request.
func (w *wireConn) roundTrip(req []byte, want int) (status int, body string, err error) {
	if err := w.dial(); err != nil {
		return 0, "", err
	}
	if _, err := w.conn.Write(req); err != nil {
		w.close()
		return 0, "", err
	}
	status, keep, err := w.readResponse(want)
	if err != nil || !keep {
		w.close()
	}
	if err != nil {
		return 0, "", err
	}
	if status != want {
		body = w.errBody.String()
	}
	return status, body, nil
}

var errMalformed = errors.New("malformed HTTP response")

// readResponse reads one response. keep is false when the connection
// cannot carry another request (Connection: close, a body delimited by
// the connection's end).
func (w *wireConn) readResponse(want int) (status int, keep bool, err error) {
	for {
		line, err := w.line()
		if err != nil {
			return 0, false, err
		}
		// "HTTP/1.1 200 OK"
		if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
			return 0, false, fmt.Errorf("%w: status line %q", errMalformed, truncate(string(line), 80))
		}
		status, err = atoi(line[9:12])
		if err != nil {
			return 0, false, fmt.Errorf("%w: status line %q", errMalformed, truncate(string(line), 80))
		}
		keep = line[7] == '1' // HTTP/1.0 closes unless told otherwise; treat it as closing
		length, chunked := int64(-1), false
		for {
			h, err := w.line()
			if err != nil {
				return 0, false, err
			}
			if len(h) == 0 {
				break
			}
			name, value, ok := bytes.Cut(h, []byte(":"))
			if !ok {
				return 0, false, fmt.Errorf("%w: header %q", errMalformed, truncate(string(h), 80))
			}
			value = bytes.TrimSpace(value)
			switch {
			case asciiEqualFold(name, "Content-Length"):
				n, err := atoi(value)
				if err != nil {
					return 0, false, fmt.Errorf("%w: Content-Length %q", errMalformed, value)
				}
				length = int64(n)
			case asciiEqualFold(name, "Transfer-Encoding"):
				chunked = asciiEqualFold(value, "chunked")
				if !chunked {
					return 0, false, fmt.Errorf("%w: Transfer-Encoding %q", errMalformed, value)
				}
			case asciiEqualFold(name, "Connection"):
				if asciiEqualFold(value, "close") {
					keep = false
				}
			}
		}
		if status >= 100 && status < 200 {
			continue // an informational response precedes the real one
		}
		w.errBody.Reset()
		sink := io.Discard
		if status != want {
			sink = &limitedWriter{b: &w.errBody, n: 200}
		}
		switch {
		case status == 204 || status == 304:
		case chunked:
			err = w.chunks(sink)
		case length >= 0:
			err = w.skip(sink, length)
		default:
			_, err = io.Copy(sink, w.br) // the body ends with the connection
			keep = false
		}
		return status, keep, err
	}
}

// chunks reads a chunked body and its trailer into sink.
func (w *wireConn) chunks(sink io.Writer) error {
	for {
		line, err := w.line()
		if err != nil {
			return err
		}
		size, _, _ := bytes.Cut(line, []byte(";"))
		n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("%w: chunk size %q", errMalformed, truncate(string(line), 80))
		}
		if n == 0 {
			for { // trailer
				t, err := w.line()
				if err != nil {
					return err
				}
				if len(t) == 0 {
					return nil
				}
			}
		}
		if err := w.skip(sink, n); err != nil {
			return err
		}
		if crlf, err := w.line(); err != nil || len(crlf) != 0 {
			return fmt.Errorf("%w: no CRLF after a chunk", errMalformed)
		}
	}
}

// skip reads n bytes of body into sink (io.Discard drops them from the
// buffer without copying).
func (w *wireConn) skip(sink io.Writer, n int64) error {
	if sink == io.Discard {
		for n > 0 {
			k := int(min(n, 1<<30))
			d, err := w.br.Discard(k)
			n -= int64(d)
			if err != nil {
				if errors.Is(err, io.EOF) {
					return io.ErrUnexpectedEOF
				}
				return err
			}
		}
		return nil
	}
	_, err := io.CopyN(sink, w.br, n)
	return err
}

// line reads one CRLF-terminated line without its end; the slice is
// valid until the next read.
func (w *wireConn) line() ([]byte, error) {
	b, err := w.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("%w: line longer than %d bytes", errMalformed, w.br.Size())
		}
		if errors.Is(err, io.EOF) {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return bytes.TrimRight(b, "\r\n"), nil
}

// atoi parses a non-negative decimal without allocating.
func atoi(b []byte) (int, error) {
	if len(b) == 0 || len(b) > 18 {
		return 0, errMalformed
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, errMalformed
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

// asciiEqualFold compares b with s ignoring ASCII case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// limitedWriter keeps the first n bytes written and drops the rest.
type limitedWriter struct {
	b *bytes.Buffer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if room := l.n - l.b.Len(); room > 0 {
		l.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
