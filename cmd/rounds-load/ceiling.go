package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// The ceiling (-ceiling) answers "how fast could any Go server be here?":
// the tool captures the real server's answers (one home page, one
// verify_credentials) and replays them from a second process of its own
// that does nothing else: net/http, the captured headers and the
// captured bytes, no routing, database or encoding. The same phases
// measured against it, on the same cores, bound what the rounds server
// can reach on this machine.

// serveStaticFlag makes the tool the ceiling's server (an internal mode:
// -ceiling starts the tool again with it).
const serveStaticFlag = "-serve-static"

// staticFile is the file, in the folder given to -serve-static, that
// holds the captured answers.
const staticFile = "answers.json"

// answer is one captured response: replayed for requests whose URI is
// URI and that carry a bearer token.
type answer struct {
	URI    string      `json:"uri"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

// startStatic writes answers into dir and starts this program again as
// their server on 127.0.0.1, returning once it listens.
func startStatic(ctx context.Context, dir string, answers []answer) (*server, error) {
	b, err := json.Marshal(answers)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, staticFile), b, 0o600); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "static.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(self, serveStaticFlag, dir)
	cmd.Stderr = logFile
	cmd.SysProcAttr = procAttr()
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, logPath: logPath, exited: make(chan error, 1)}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the static server: %w", err)
	}
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(l)
		_, _ = io.Copy(io.Discard, out)
		s.exited <- cmd.Wait()
	}()
	select {
	case l := <-line:
		if !strings.HasPrefix(l, "http://127.0.0.1:") {
			s.stop()
			return nil, fmt.Errorf("the static server did not start (%q); see %s", l, logPath)
		}
		s.url = l
		return s, nil
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, errors.New("the static server did not start within 30s")
	}
}

// serveStatic is the ceiling's server: it replays the answers in
// dir/answers.json on a free port of 127.0.0.1, whose URL it prints as
// its first line, until ctx ends.
func serveStatic(ctx context.Context, dir string, stdout io.Writer) error {
	b, err := os.ReadFile(filepath.Join(dir, staticFile))
	if err != nil {
		return err
	}
	var answers []answer
	if err := json.Unmarshal(b, &answers); err != nil {
		return fmt.Errorf("%s: %w", staticFile, err)
	}
	byURI := make(map[string]answer, len(answers))
	for _, a := range answers {
		for _, k := range []string{"Content-Length", "Date", "Connection", "Transfer-Encoding", "Keep-Alive"} {
			a.Header.Del(k)
		}
		byURI[a.URI] = a
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: replay(byURI), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Fprintf(stdout, "http://%s\n", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// replay answers a GET whose URI it holds, from a caller with a bearer
// token, with the answer's headers and bytes; 401 and 404 otherwise.
func replay(byURI map[string]answer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			http.Error(w, `{"error":"The access token is invalid"}`, http.StatusUnauthorized)
			return
		}
		a, ok := byURI[r.RequestURI]
		if !ok || r.Method != http.MethodGet {
			http.Error(w, `{"error":"Record not found"}`, http.StatusNotFound)
			return
		}
		h := w.Header()
		for k, v := range a.Header {
			h[k] = v
		}
		h["Content-Length"] = []string{fmt.Sprint(len(a.Body))}
		_, _ = w.Write(a.Body)
	})
}

// ceilingPhases captures the real server's answers to the read phases
// among o.phases, starts the static server over them, and measures the same
// phases against it; their names end in "(static ceiling)".
func ceilingPhases(ctx context.Context, a *api, o options, tokens []string, stderr io.Writer) ([]phaseResult, error) {
	uris := map[string]string{"home": homeURI, "verify": verifyURI}
	var answers []answer
	for _, n := range o.phases {
		if uri, ok := uris[n]; ok {
			ans, err := a.getAnswer(ctx, uri, tokens[0])
			if err != nil {
				return nil, err
			}
			answers = append(answers, ans)
		}
	}
	if len(answers) == 0 {
		return nil, nil
	}
	dir, err := os.MkdirTemp("", "rounds-load-static-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	srv, err := startStatic(ctx, dir, answers)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	var out []phaseResult
	for _, ans := range answers {
		name := "home (static ceiling)"
		if ans.URI == verifyURI {
			name = "verify (static ceiling)"
		}
		p := getPhase(name, srv.url, ans.URI, o.clients, tokens)
		fmt.Fprintf(stderr, "measuring %s: %d clients, %v (+%v warm-up), %d-byte answer\n", p.name, p.clients, o.duration, o.warmup, len(ans.Body))
		out = append(out, p.run(ctx, srv.url, o.warmup, o.duration, srv.pid()))
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
	}
	return out, nil
}
