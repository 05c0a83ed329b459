//go:build unix

package federation_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system) this process has used, so
// that a benchmark can report CPU per operation, which holds steadier than
// wall-clock time on a machine others are using.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
