package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// phase is one measured workload: clients goroutines each sending
// requests one after another for warmup+duration over a connection of
// their own (wireConn); only responses that arrive after the warm-up are
// counted.
type phase struct {
	name    string
	clients int
	// method and path name the requests in error messages.
	method, path string
	// request returns client c's i-th request, serialised; the slice may
	// be shared and is only read.
	request func(c, i int) ([]byte, error)
	// want is the status a successful response has.
	want int
}

// phaseResult is what a phase measured. Latencies are in milliseconds.
type phaseResult struct {
	Name     string  `json:"name"`
	Clients  int     `json:"clients"`
	Seconds  float64 `json:"seconds"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	PerSec   float64 `json:"per_second"`
	P50      float64 `json:"p50_ms"`
	P90      float64 `json:"p90_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
	// ServerCPU and ToolCPU are the cores each process kept busy on
	// average (2.0 = both cores of this machine); MachineCPU those every
	// process kept busy (the server, the tool, PostgreSQL, and whatever
	// else runs); 0 when unknown.
	ServerCPU  float64 `json:"server_cores"`
	ToolCPU    float64 `json:"tool_cores"`
	MachineCPU float64 `json:"machine_cores"`
	LoadAvg    string  `json:"load_average"`
	FirstError string  `json:"first_error,omitempty"`
}

// maxErrors ends a phase early: something is wrong, not slow.
const maxErrors = 100

// run runs p against base (http://127.0.0.1:PORT). pid is the server's
// process (0 when unknown), for its CPU use.
func (p phase) run(ctx context.Context, base string, warmup, duration time.Duration, pid int) phaseResult {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	begin := time.Now()
	measureFrom := begin.Add(warmup)
	end := measureFrom.Add(duration)
	var (
		errs     atomic.Int64
		firstErr atomic.Value
		wg       sync.WaitGroup
		lats     = make([][]time.Duration, p.clients)
		// CPU figures are taken by the first client to cross measureFrom.
		once                  sync.Once
		serverCPU0, toolCPU0  time.Duration
		serverCPU1, toolCPU1  time.Duration
		machine0, machine1    time.Duration
		measuredAt, stoppedAt time.Time
	)
	fail := func(err error) {
		firstErr.CompareAndSwap(nil, err.Error())
		if errs.Add(1) >= maxErrors {
			cancel()
		}
	}
	// No request may take longer than the phase plus this; a server that
	// stops answering fails the phase rather than hanging it.
	deadline := end.Add(30 * time.Second)
	for c := 0; c < p.clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			conn, err := newWireConn(ctx, base, deadline)
			if err != nil {
				fail(err)
				return
			}
			defer conn.close()
			mine := make([]time.Duration, 0, 1<<16)
			for i := 0; ctx.Err() == nil; i++ {
				start := time.Now()
				if start.After(measureFrom) {
					once.Do(func() { measuredAt, serverCPU0, toolCPU0, machine0 = start, procCPU(pid), selfCPU(), machineCPU() })
				}
				if !start.Before(end) {
					break
				}
				req, err := p.request(c, i)
				if err != nil {
					fail(err)
					continue
				}
				status, body, err := conn.roundTrip(req, p.want)
				took := time.Since(start)
				switch {
				case err != nil:
					if ctx.Err() == nil {
						fail(fmt.Errorf("%s %s: %w", p.method, p.path, err))
					}
				case status != p.want:
					fail(fmt.Errorf("%s %s: %d %s", p.method, p.path, status, truncate(body, 200)))
				case start.After(measureFrom):
					mine = append(mine, took)
				}
			}
			lats[c] = mine
		}(c)
	}
	wg.Wait()
	stoppedAt = time.Now()
	serverCPU1, toolCPU1, machine1 = procCPU(pid), selfCPU(), machineCPU()

	all := slices.Concat(lats...)
	slices.Sort(all)
	r := phaseResult{Name: p.name, Clients: p.clients, Requests: len(all), Errors: int(errs.Load()), LoadAvg: loadAvg()}
	if v := firstErr.Load(); v != nil {
		r.FirstError = v.(string)
	}
	if measuredAt.IsZero() {
		return r
	}
	wall := stoppedAt.Sub(measuredAt)
	r.Seconds = wall.Seconds()
	r.PerSec = float64(len(all)) / wall.Seconds()
	if pid != 0 {
		r.ServerCPU = (serverCPU1 - serverCPU0).Seconds() / wall.Seconds()
	}
	r.ToolCPU = (toolCPU1 - toolCPU0).Seconds() / wall.Seconds()
	r.MachineCPU = (machine1 - machine0).Seconds() / wall.Seconds()
	if len(all) > 0 {
		ms := func(q float64) float64 {
			return float64(all[min(len(all)-1, int(q*float64(len(all))))].Microseconds()) / 1000
		}
		r.P50, r.P90, r.P99 = ms(0.50), ms(0.90), ms(0.99)
		r.Max = float64(all[len(all)-1].Microseconds()) / 1000
	}
	return r
}

// runTogether runs the phases at the same time and returns their
// results in order. The cores each reports busy are the whole server's
// (and tool's) over the common time, not one phase's share.
func runTogether(ctx context.Context, ps []phase, base string, warmup, duration time.Duration, pid int) []phaseResult {
	out := make([]phaseResult, len(ps))
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = p.run(ctx, base, warmup, duration, pid)
		}()
	}
	wg.Wait()
	return out
}

// getPhase is a phase of GETs of path by clients, client c using
// tokens[(c + i*clients) % len(tokens)] for its i-th request, so that
// every signed-in account is read in turn. Each token's request is
// serialised once.
func getPhase(name, base, path string, clients int, tokens []string) phase {
	reqs := make([][]byte, len(tokens))
	for i, t := range tokens {
		reqs[i] = wireRequest(base, http.MethodGet, path, t, "", nil)
	}
	return phase{name: name, clients: clients, method: http.MethodGet, path: path, want: http.StatusOK,
		request: func(c, i int) ([]byte, error) { return reqs[(c+i*clients)%len(reqs)], nil }}
}

// postPhase is a phase named name of POST /api/v1/statuses by clients,
// client c posting as tokens[c % len(tokens)] (public statuses, which fan
// out to the author's followers).
func postPhase(name, base string, clients int, tokens []string) phase {
	const path = "/api/v1/statuses"
	return phase{name: name, clients: clients, method: http.MethodPost, path: path, want: http.StatusOK,
		request: func(c, i int) ([]byte, error) {
			form := url.Values{
				"status":     {fmt.Sprintf("Load post %d from client %d: handover at 19:00, two patients to watch overnight.", i, c)},
				"visibility": {"public"},
			}.Encode()
			return wireRequest(base, http.MethodPost, path, tokens[c%len(tokens)], "application/x-www-form-urlencoded", []byte(form)), nil
		}}
}

// wireRequest serialises an HTTP/1.1 request to base (http://HOST:PORT)
// with a bearer token and, when contentType is set, a body, as Go's
// client sends it (no compression asked for).
func wireRequest(base, method, path, token, contentType string, body []byte) []byte {
	host := strings.TrimPrefix(base, "http://")
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: rounds-load\r\n", method, path, host)
	if token != "" {
		fmt.Fprintf(&b, "Authorization: Bearer %s\r\n", token)
	}
	if contentType != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\nContent-Length: %d\r\n", contentType, len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}
