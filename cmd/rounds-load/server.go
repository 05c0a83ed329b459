package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// exemptAll is the ROUNDS_RATE_LIMIT the tool runs a server with: limits
// on, but not for the tool on loopback.
const exemptAll = "exempt:127.0.0.0/8,::1/128"

// server is a rounds process the tool started.
type server struct {
	cmd     *exec.Cmd
	url     string
	logPath string
	exited  chan error
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startServer runs "bin serve" on 127.0.0.1 over the database db, with its
// data and log in dir, and returns once it has answered its first request
// (GET /api/v1/instance), with the time that took from exec.
func startServer(ctx context.Context, bin, db, dir string, hc *http.Client) (*server, time.Duration, error) {
	port, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	logPath := filepath.Join(dir, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, 0, err
	}
	defer logFile.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = serverEnv(os.Environ(), map[string]string{
		"ROUNDS_ADDR": addr, "ROUNDS_DOMAIN": addr, "ROUNDS_PROTOCOL": "http",
		"ROUNDS_DB": db, "ROUNDS_DATA_DIR": filepath.Join(dir, "data"),
		"ROUNDS_RATE_LIMIT": exemptAll, "ROUNDS_LOG_LEVEL": "warn",
	})
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = procAttr()
	s := &server{cmd: cmd, url: "http://" + addr, logPath: logPath, exited: make(chan error, 1)}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() { s.exited <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/api/v1/instance", nil)
		res, err := hc.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, time.Since(begin), nil
			}
		}
		select {
		case err := <-s.exited:
			return nil, 0, fmt.Errorf("server exited before serving (%v); see %s", err, logPath)
		case <-ctx.Done():
			s.stop()
			return nil, 0, ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, 0, fmt.Errorf("server did not answer within 60s; see %s", logPath)
		}
	}
}

// serverEnv is the tool's environment without any ROUNDS_ setting (so
// that the caller's shell cannot change what is measured), plus set.
func serverEnv(environ []string, set map[string]string) []string {
	var out []string
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "ROUNDS_") {
			out = append(out, kv)
		}
	}
	for k, v := range set {
		out = append(out, k+"="+v)
	}
	return out
}

// pid is the server's process ID.
func (s *server) pid() int { return s.cmd.Process.Pid }

// stop ends the server with SIGTERM (a graceful shutdown), then SIGKILL
// after 30 seconds.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// procStatus reads kB figures (VmRSS, VmHWM) from /proc/PID/status; 0
// when unavailable (not Linux, or the process is gone).
func procStatus(pid int, field string) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kb
		}
	}
	return 0
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times (100 on every
// Linux architecture Go supports).
const clockTicks = 100

// procCPU returns the user+system CPU time a process has used, from
// /proc/PID/stat; 0 when unavailable.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may
	// hold spaces: state is field 3, utime 14, stime 15.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / clockTicks
}

// selfCPU returns the CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineCPU returns the CPU time all processes on the machine have used
// (every cpu line's busy time in /proc/stat: all but idle and iowait); 0
// when unavailable.
func machineCPU() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return time.Duration(busy) * time.Second / clockTicks
}

// loadAvg returns the 1-, 5- and 15-minute load averages as /proc/loadavg
// shows them; "" when unavailable.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
