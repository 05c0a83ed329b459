//go:build !linux

package main

import "syscall"

// procAttr has nothing to add outside Linux; the tool stops the server
// itself when it ends normally.
func procAttr() *syscall.SysProcAttr { return nil }
